// The action classes a server announces in `hello`, looked up by name, with their words in the
// page's language (the translation file's, else the action library's own, for a class a
// developer added). One lookup for every view; it knows nothing about drawing.
import { t, has } from "./i18n.js";

export class Classes {
  constructor(list = []) {
    this.list = list;
    this.byName = new Map(list.map((c) => [c.name, c]));
  }

  get(name) { return this.byName.get(name) ?? null; }

  // `c`: a class, or a name (a class this page has not heard of shows its name).
  label(c) {
    const cls = typeof c === "string" ? (this.get(c) ?? { name: c, label: c }) : c;
    return has(`class.${cls.name}.label`) ? t(`class.${cls.name}.label`) : cls.label;
  }

  explanation(cls) {
    return has(`class.${cls.name}.explanation`) ? t(`class.${cls.name}.explanation`) : cls.explanation;
  }
}
