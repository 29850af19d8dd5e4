// The model's own figure while it acts, beside the visitor: drawn between the last two poses
// received, one state interval behind, so it moves smoothly at the screen's rate whatever the
// state rate (it has no picture to keep in step with). Empty when the model is not acting.
import { SkeletonView, figureCrop } from "./skeleton.js";
import { t } from "../lib/i18n.js";
import { Classes } from "../lib/classes.js";

export class AgentView {
  constructor({ canvas, box, label }) {
    this.skeleton = new SkeletonView(canvas, { bone: "#e69f00", joint: "#f2f2f2", background: "rgba(0,0,0,0)" });
    this.resting = new SkeletonView(canvas, { bone: "#8a6a2c", joint: "#9aa3b2", background: "rgba(0,0,0,0)" });
    this.atRest = null;  // the figure standing still (from `hello`)
    this.el = { box, label };
    this.classes = new Classes();
    this.agent = null;  // what the model does now, with its landmarks (read by tests)
    this.motion = { from: null, to: null, at: 0, interval: 100 };
  }

  setEdges(edges) { this.skeleton.setEdges(edges); this.resting.setEdges(edges); }

  setLayout(layout) {
    this.atRest = layout?.figure_at_rest ? new Float32Array(layout.figure_at_rest) : null;
    this.restCrop = this.atRest ? figureCrop(this.atRest) : null;
    this.caption();
  }

  caption() {
    const text = this.agent ? t("agent.acts", { action: this.classes.label(this.agent.action) })
      : (this.atRest ? t("agent.watching") : "");
    this.el.label.textContent = text;
    this.el.label.title = text;  // a caption cut short by a narrow column can still be read
  }

  setClasses(classes) { this.classes = classes; }

  pose(now) {
    const { from, to, at, interval } = this.motion;
    if (!to) return null;
    if (!from) return to;
    const a = Math.min(1, (now - at) / interval);
    const out = new Float32Array(to.length);
    for (let i = 0; i < to.length; i++) out[i] = from[i] + (to[i] - from[i]) * a;
    return out;
  }

  applyState(state) {
    const agent = state.agent, motion = this.motion;
    const fresh = agent && (!this.agent || this.agent.action !== agent.action || agent.phase < this.agent.phase);
    this.agent = agent ? { ...agent, landmarks: new Float32Array(agent.landmarks), crop: this.agent?.crop } : null;
    const now = performance.now();
    if (agent) {
      motion.interval = 0.8 * motion.interval + 0.2 * Math.min(500, Math.max(16, now - motion.at));
      motion.from = fresh ? null : this.pose(now);
      motion.to = this.agent.landmarks;
    } else {
      motion.from = motion.to = null;
    }
    motion.at = now;
    // The agent is filmed whole from afar: show the part of the picture around it, fixed for the
    // whole performance (a crop that followed every frame would make the figure breathe).
    if (fresh) this.agent.crop = figureCrop(this.agent.landmarks);
    this.el.box.classList.toggle("acting", !!agent);
    this.caption();
  }

  draw() {
    const moving = this.pose(performance.now());
    if (moving || !this.atRest) {
      this.skeleton.draw({ picture: false, picW: 640, picH: 480, landmarks: moving, crop: this.agent?.crop });
    } else {
      this.resting.draw({ picture: false, picW: 640, picH: 480, landmarks: this.atRest, crop: this.restCrop });
    }
  }
}
