// The action-observation network on a brain outline (a left hemisphere seen from the side,
// the front to the left): STS, inferior parietal (PF/PFG) and premotor/inferior frontal (F5/IFG)
// light up with their units' mean rate. Stylised, not an atlas; drawn every animation frame.
import { REGION_COLOURS } from "./raster.js";
import { regionWords } from "../lib/i18n.js";

// Where each region sits, in a 1 x 0.75 box: centre, radii, tilt.
const PLACES = {
  STS: { x: 0.6, y: 0.52, rx: 0.17, ry: 0.045, tilt: -0.18 },
  PF: { x: 0.63, y: 0.27, rx: 0.1, ry: 0.075, tilt: 0 },
  F5: { x: 0.31, y: 0.4, rx: 0.085, ry: 0.075, tilt: 0 },
};
const REST = 3;    // Hz: a region at rest stays dim
const FULL = 30;   // Hz above rest: a region this active glows fully

export class BrainView {
  // `regionRates`: where the units' mean rate per region comes from (the raster computes it).
  constructor(canvas, regionRates) {
    this.canvas = canvas;
    this.regionRates = regionRates;
    this.ctx = canvas.getContext("2d");
    this.regions = [];
    this.level = [];   // smoothed 0..1 activity per region (read by tests)
  }

  setLayout(layout) { this.regions = layout ? layout.regions : []; this.level = this.regions.map(() => 0); }

  applyState() {
    this.regionRates().forEach((r, i) => {
      const target = Math.max(0, Math.min(1, (r - REST) / FULL));
      this.level[i] = this.level[i] === undefined ? target : 0.6 * this.level[i] + 0.4 * target;
    });
  }

  outline(ctx, X, Y) {
    ctx.beginPath();
    ctx.moveTo(X(0.07), Y(0.42));
    ctx.bezierCurveTo(X(0.06), Y(0.1), X(0.45), Y(-0.02), X(0.7), Y(0.06));
    ctx.bezierCurveTo(X(0.9), Y(0.12), X(0.97), Y(0.35), X(0.93), Y(0.5));
    ctx.bezierCurveTo(X(0.9), Y(0.6), X(0.8), Y(0.62), X(0.7), Y(0.64));
    ctx.bezierCurveTo(X(0.55), Y(0.7), X(0.38), Y(0.7), X(0.33), Y(0.6));
    ctx.bezierCurveTo(X(0.3), Y(0.55), X(0.25), Y(0.56), X(0.18), Y(0.56));
    ctx.bezierCurveTo(X(0.1), Y(0.56), X(0.07), Y(0.5), X(0.07), Y(0.42));
    ctx.closePath();
  }

  draw() {
    const dpr = window.devicePixelRatio || 1;
    const c = this.canvas;
    const w = Math.round(c.clientWidth * dpr), h = Math.round(c.clientHeight * dpr);
    if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
    const ctx = this.ctx;
    ctx.clearRect(0, 0, w, h);
    const s = Math.min(w, h / 0.75), ox = (w - s) / 2, oy = (h - 0.75 * s) / 2;
    const X = (x) => ox + x * s, Y = (y) => oy + y * s;
    const ink = getComputedStyle(document.body).getPropertyValue("--muted") || "#9aa3b2";
    ctx.lineWidth = Math.max(1, 2 * dpr);
    ctx.strokeStyle = ink;
    this.outline(ctx, X, Y);
    ctx.stroke();
    // Central and lateral sulci, and the cerebellum, so the shape reads as a brain.
    ctx.beginPath();
    ctx.moveTo(X(0.5), Y(0.04)); ctx.quadraticCurveTo(X(0.44), Y(0.25), X(0.45), Y(0.45));
    ctx.moveTo(X(0.3), Y(0.5)); ctx.quadraticCurveTo(X(0.5), Y(0.44), X(0.7), Y(0.38));
    ctx.stroke();
    ctx.beginPath();
    ctx.ellipse(X(0.8), Y(0.66), 0.1 * s, 0.05 * s, -0.2, 0, Math.PI * 2);
    ctx.stroke();
    const size = Math.round(Math.max(10 * dpr, s * 0.06));
    ctx.font = `600 ${size}px system-ui, sans-serif`;
    const projector = document.body.classList.contains("projector");
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    this.regions.forEach((r, i) => {
      const p = PLACES[r.key];
      if (!p) return;
      const level = this.level[i] || 0;
      const colour = REGION_COLOURS[i % REGION_COLOURS.length];
      ctx.save();
      ctx.translate(X(p.x), Y(p.y));
      ctx.rotate(p.tilt);
      ctx.scale(1, p.ry / p.rx);
      // Large, strong glows: seen from across a hall, and on a projector's white (drawn as ink there).
      const radius = p.rx * s * (1.3 + 0.7 * level);
      const glow = ctx.createRadialGradient(0, 0, 0, 0, 0, radius);
      glow.addColorStop(0, colour);
      glow.addColorStop(0.55, colour);
      glow.addColorStop(1, "rgba(0,0,0,0)");
      ctx.globalAlpha = 0.3 + 0.7 * level;
      if (projector) ctx.globalCompositeOperation = "multiply";
      ctx.fillStyle = glow;
      ctx.beginPath();
      ctx.arc(0, 0, radius, 0, Math.PI * 2);
      ctx.fill();
      ctx.restore();
      ctx.fillStyle = colour;
      ctx.fillText(regionWords(r).plain, X(p.x), Y(p.y) - (p.ry + 0.07) * s);
    });
  }
}
