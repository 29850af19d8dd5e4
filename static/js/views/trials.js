// Fogassi's view from the live model (the lecture's "Trials" card): the PF chain units of two
// goals, averaged over the last seen movements of each, aligned to the movement's start. A
// movement's condition is what the recogniser finally named it (state.action.last); solid lines:
// the units of the condition's own goal, dashed: the other goal's units.

import { Classes } from "../lib/classes.js";

const SPAN = 3.0;      // s after the movement's start
const BINS = 30;
const KEEP = 10;       // trials kept per condition

export class TrialsView {
  constructor(canvas, raster) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.raster = raster;   // its rates (Hz) each state
    this.classes = new Classes();
    this.chains = new Map();  // class -> its chain units
    this.trials = new Map();  // class -> [{ sums: Float32Array(BINS * 2 per goal), ... }]
    this.current = null;      // the movement being seen: per-unit-group rate bins
    this.dirty = false;
  }

  setLayout(layout) {
    this.chains.clear();
    this.trials.clear();
    if (!layout) return;
    const chain = layout.types.findIndex((t) => t.key === "chain");
    layout.actions.forEach((name, a) => {
      const units = [];
      layout.type.forEach((k, i) => { if (k === chain && layout.pref[i] === a) units.push(i); });
      if (units.length) this.chains.set(name, units);
    });
  }

  setClasses(classes) { this.classes = classes; this.dirty = true; }

  // Each state: bin the chain groups' mean rates by time since the movement began.
  applyState(state) {
    const m = state.mirror, rates = this.raster.rates;
    if (!m || !rates) return;
    if (m.seen_phase == null) {
      if (this.current) this.finish(state.action?.last);
      return;
    }
    if (!this.current || m.seen_phase < this.current.phase) this.current = { phase: 0, bins: new Map() };
    this.current.phase = m.seen_phase;
    const bin = Math.floor((m.seen_phase / SPAN) * BINS);
    if (bin >= BINS) return;
    for (const [name, units] of this.chains) {
      const row = this.current.bins.get(name) ?? { sum: new Float32Array(BINS), n: new Uint16Array(BINS) };
      row.sum[bin] += units.reduce((acc, i) => acc + rates[i], 0) / units.length;
      row.n[bin] += 1;
      this.current.bins.set(name, row);
    }
  }

  finish(label) {
    const trial = this.current;
    this.current = null;
    if (!label || !this.chains.has(label)) return;
    const list = this.trials.get(label) ?? [];
    list.push(trial.bins);
    if (list.length > KEEP) list.shift();
    this.trials.set(label, list);
    this.dirty = true;
  }

  // The two goals with the most trials (Fogassi's eat and place when both were seen).
  conditions() {
    return [...this.trials.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, 2).map(([n]) => n);
  }

  mean(condition, units) {
    const sum = new Float32Array(BINS), n = new Uint16Array(BINS);
    for (const bins of this.trials.get(condition) ?? []) {
      const row = bins.get(units);
      if (!row) continue;
      for (let b = 0; b < BINS; b++) if (row.n[b]) { sum[b] += row.sum[b] / row.n[b]; n[b] += 1; }
    }
    return Array.from(sum, (v, b) => (n[b] ? v / n[b] : null));
  }

  draw() {
    if (!this.dirty || this.canvas.offsetParent === null) return;
    this.dirty = false;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.canvas.clientWidth * dpr), h = Math.round(this.canvas.clientHeight * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) { this.canvas.width = w; this.canvas.height = h; }
    const ctx = this.ctx, conds = this.conditions();
    ctx.clearRect(0, 0, w, h);
    const colour = getComputedStyle(this.canvas).color, colours = ["#009e73", "#cc79a7"];
    ctx.font = `${Math.round(10 * dpr)}px system-ui, sans-serif`;
    ctx.fillStyle = colour;
    const top = 14 * dpr, bottom = h - 4 * dpr, r_max = 60;
    const x = (b) => (b / (BINS - 1)) * w, y = (v) => bottom - (v / r_max) * (bottom - top);
    conds.forEach((units, g) => {
      ctx.strokeStyle = colours[g];
      ctx.fillStyle = colours[g];
      ctx.fillText(`${this.classes.label(units)} (${(this.trials.get(units) ?? []).length})`, 4 * dpr + g * w / 2, 10 * dpr);
      conds.forEach((condition) => {
        const line = this.mean(condition, units);
        ctx.setLineDash(condition === units ? [] : [4 * dpr, 3 * dpr]);
        ctx.lineWidth = 1.5 * dpr;
        ctx.beginPath();
        let started = false;
        line.forEach((v, b) => {
          if (v == null) return;
          if (started) ctx.lineTo(x(b), y(v)); else { ctx.moveTo(x(b), y(v)); started = true; }
        });
        ctx.stroke();
      });
    });
    ctx.setLineDash([]);
  }
}
