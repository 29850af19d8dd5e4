// The seen -> done weight matrix of the plastic units (the lecture's "Weights" card): row, the
// action a unit does; column, the action it sees; brightness, the mean weight. The server sends
// it about once a second in state.mirror.matrix (uint8, row-major, of 1.5); drawn when it changes.

import { Classes } from "../lib/classes.js";

export class MatrixView {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.actions = [];
    this.classes = new Classes();
    this.values = null;   // the latest matrix, one byte a cell
    this.dirty = false;
  }

  setLayout(layout) { this.actions = layout ? layout.actions : []; this.dirty = true; }

  setClasses(classes) { this.classes = classes; this.dirty = true; }

  applyState(state) {
    const m = state.mirror?.matrix;
    if (!m) return;
    this.values = new Uint8Array(m instanceof ArrayBuffer ? m : m.slice());
    this.dirty = true;
  }

  draw() {
    if (!this.dirty || !this.values || this.canvas.offsetParent === null) return;
    this.dirty = false;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.canvas.clientWidth * dpr), h = Math.round(this.canvas.clientHeight * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) { this.canvas.width = w; this.canvas.height = h; }
    const ctx = this.ctx, k = this.actions.length;
    ctx.clearRect(0, 0, w, h);
    if (!k || this.values.length !== k * k) return;
    const labelW = Math.min(w * 0.45, 130 * dpr), labelH = 14 * dpr;
    const cell = Math.min((w - labelW) / k, (h - labelH) / k);
    ctx.font = `${Math.round(10 * dpr)}px system-ui, sans-serif`;
    ctx.fillStyle = getComputedStyle(this.canvas).color;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let a = 0; a < k; a++) {
      ctx.fillText(this.classes.label(this.actions[a]), labelW - 4 * dpr, labelH + (a + 0.5) * cell, labelW - 6 * dpr);
    }
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        const v = this.values[a * k + b] / 255;
        ctx.fillStyle = `rgba(0, 158, 115, ${v.toFixed(3)})`;  // the mirror units' green
        ctx.fillRect(labelW + b * cell + 1, labelH + a * cell + 1, cell - 2, cell - 2);
      }
    }
    ctx.textAlign = "center";
    ctx.fillStyle = getComputedStyle(this.canvas).color;
    for (let b = 0; b < k; b++) ctx.fillText(String(b + 1), labelW + (b + 0.5) * cell, labelH / 2);
  }
}
