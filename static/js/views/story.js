// One visitor-facing sentence that follows what happens: what the visitor did, what the
// figure does, and what the units make of it. Words from the translation files (lib/i18n.js).
import { t, has } from "../lib/i18n.js";
import { Classes } from "../lib/classes.js";
import { seenClass } from "./actions.js";

export function story(state, classes = new Classes()) {
  const m = state?.mirror, a = state?.action;
  if (m?.attract) return t("story.attract");
  if (m?.training === "imitation") return t("story.imitation");
  if (m?.training === "counter") return t("story.counter");
  const seen = seenClass(a);
  const cls = seen ? classes.get(seen) : null;
  if (m?.acting && a?.moving && cls) return t("story.both");
  if (m?.acting) return t("story.model_acts", { action: classes.label(m.acting) });
  if (cls && !cls.idle) {
    if (!cls.goal_directed) return t("story.seen_aimless", { action: classes.label(cls) });
    if (has(`class.${cls.name}.story`)) return t(`class.${cls.name}.story`);
    return t("story.seen_goal", { action: classes.label(cls) });
  }
  if (a?.moving && !a.label) return t("story.watching");  // moving, no class named: no claim
  return t("story.step_in");
}

// The sentence's element, rewritten only when the sentence changes.
export class StoryView {
  constructor(el) { this.el = el; this.text = ""; this.classes = new Classes(); }

  setClasses(classes) { this.classes = classes; }

  applyState(state) {
    this.text = story(state, this.classes);
    if (this.el.textContent !== this.text) this.el.textContent = this.text;
  }
}
