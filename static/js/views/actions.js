// The recogniser's view: current action, goal-directed gauge, evidence bars.
// Built once from the classes in `hello`; each state's `action` updates it.
import { t } from "../lib/i18n.js";
import { Classes } from "../lib/classes.js";

export const JUST_NOW = 4;  // seconds a finished movement's verdict stays up; then the page shows rest

// What a state says was seen: the class while moving, the last verdict for JUST_NOW seconds after.
export function seenClass(action) {
  if (!action) return null;
  if (action.moving) return action.label;
  return action.last_age != null && action.last_age < JUST_NOW ? action.last : null;
}

export class ActionView {
  constructor({ label, explanation, marker, list }) {
    this.el = { label, explanation, marker, list };
    this.classes = new Classes();
    this.fills = [];
  }

  setClasses(classes) {
    this.classes = classes;
    this.el.list.replaceChildren();
    this.fills = classes.list.map((c) => {
      const li = document.createElement("li");
      if (c.goal_directed && !c.idle) li.classList.add("goal");
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = classes.label(c);
      const bar = document.createElement("span");
      bar.className = "bar";
      const fill = document.createElement("span");
      fill.className = "fill";
      fill.style.display = "block";
      fill.style.background = c.colour;
      bar.append(fill);
      li.append(name, bar);
      this.el.list.append(li);
      return fill;
    });
  }

  applyState(state) {
    const action = state.action;
    if (!action) return;
    const shown = seenClass(action);
    const cls = shown ? this.classes.get(shown) : null;
    const label = cls ? this.classes.label(cls) : null;
    // Moving but not sure (no class named): say so rather than guess. Still: rest, in words.
    const rest = this.classes.list.find((c) => c.idle);
    const text = action.moving ? (label || t("action.watching"))
      : (label ? t("action.just_now", { label }) : (rest ? this.classes.label(rest) : t("action.still")));
    this.el.label.textContent = text;
    this.el.label.title = text;
    this.el.explanation.textContent = cls ? this.classes.explanation(cls) : t("action.hint");
    action.scores.forEach((p, i) => { if (this.fills[i]) this.fills[i].style.width = `${Math.round(p * 100)}%`; });
    this.el.marker.style.left = `${Math.round((action.moving ? action.goal : 0.5) * 100)}%`;
  }
}
