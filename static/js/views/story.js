// One visitor-facing sentence that follows what happens: what the visitor did, what the
// figure does, and what the units make of it. Words from the translation files (i18n.js).
import { t, has, classLabel } from "../lib/i18n.js";

export function story(state, hello) {
  const m = state?.mirror, a = state?.action;
  const classes = hello?.classes || [];
  const byName = Object.fromEntries(classes.map((c) => [c.name, c]));
  if (m?.attract) return t("story.attract");
  if (m?.training === "imitation") return t("story.imitation");
  if (m?.training === "counter") return t("story.counter");
  const seen = a ? (a.moving ? a.label : a.last) : null;
  const cls = seen ? byName[seen] : null;
  if (m?.acting && a?.moving && cls) return t("story.both");
  if (m?.acting) return t("story.model_acts", { action: classLabel(byName[m.acting] || { name: m.acting, label: m.acting }) });
  if (cls && !cls.idle) {
    if (!cls.goal_directed) return t("story.seen_aimless", { action: classLabel(cls) });
    if (has(`class.${cls.name}.story`)) return t(`class.${cls.name}.story`);
    return t("story.seen_goal", { action: classLabel(cls) });
  }
  return t("story.step_in");
}
