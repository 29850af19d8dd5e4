// The mirror units' spike raster, grouped by region, scrolling with the stream's clock.
// Built from the population layout in `hello`; fed each `state.mirror`
// (its `units` field: rates, 1 byte per unit; then spikes: uint16 units, then uint8 times).
// Drawn on every animation frame, so it scrolls smoothly whatever the message rate.

import { regionWords, language } from "../lib/i18n.js";

export const REGION_COLOURS = ["#56b4e9", "#e69f00", "#009e73", "#cc79a7", "#f0e442"]; // Okabe-Ito
const WINDOW = 4.0;        // seconds shown
const CAPACITY = 1 << 15;  // spikes kept (a ring)
const GAP = 6;             // px between regions (device pixels scale it)

// state.mirror.units -> typed arrays (a copy for the uint16 part: it may sit at an odd offset).
export function unpackUnits(m) {
  const buf = m.units instanceof ArrayBuffer ? m.units : m.units.buffer;
  return {
    rates: new Uint8Array(buf, 0, m.n),
    units: new Uint16Array(buf.slice(m.n, m.n + 2 * m.spikes)),
    times: new Uint8Array(buf, m.n + 2 * m.spikes, m.spikes),
  };
}

export class RasterView {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.layout = null;
    this.times = new Float64Array(CAPACITY);
    this.units = new Uint16Array(CAPACITY);
    this.head = 0;
    this.count = 0;
    this.clock = null;          // { t: stream seconds, at: performance.now() }
    this.rates = null;          // Float32Array, Hz
    this.regionRates = [];      // mean rate per region (read by tests and the brain map)
    this.spikesReceived = 0;
    this.frozen = false;        // the lecture's freeze: keep the picture as it is
  }

  // The unit drawn at a point of the canvas (CSS pixels from its top-left), or -1.
  unitAt(x, y) {
    if (!this.layout || !this.rows) return -1;
    const dpr = window.devicePixelRatio || 1;
    if (x * dpr < (this.labelW || 0)) return -1;
    const rowH = (this.canvas.height - GAP * dpr) / this.totalRows;
    const row = (y * dpr) / rowH;
    for (let i = 0; i < this.rows.length; i++) if (row >= this.rows[i] && row < this.rows[i] + 1) return i;
    return -1;
  }

  setLayout(layout) {
    this.layout = layout;
    this.head = this.count = 0;
    this.rates = null;
    if (!layout) return;
    const n = layout.region.length;
    this.rows = new Float32Array(n);   // each unit's row, in units of rows, with region gaps
    let row = 0;
    this.bands = [];
    for (let i = 0; i < n; i++) {
      if (i > 0 && layout.region[i] !== layout.region[i - 1]) row += 1.5;
      const r = layout.region[i];
      if (!this.bands[r]) this.bands[r] = { from: row, to: row };
      this.rows[i] = row;
      this.bands[r].to = row;
      row += 1;
    }
    this.totalRows = row;
  }

  applyState(state) { this.push(state.mirror); }

  push(m) {
    if (!this.layout || !m || this.frozen) return;
    const n = this.layout.region.length;
    if (m.n !== n) return; // a new population is on its way in `hello`
    const { rates, units, times } = unpackUnits(m);
    const scale = this.layout.r_max / 255;
    this.rates = Float32Array.from(rates, (v) => v * scale);
    const regions = this.layout.regions.length;
    const sum = new Float64Array(regions), cnt = new Float64Array(regions);
    for (let i = 0; i < n; i++) { sum[this.layout.region[i]] += this.rates[i]; cnt[this.layout.region[i]]++; }
    this.regionRates = Array.from(sum, (s, r) => (cnt[r] ? s / cnt[r] : 0));
    for (let k = 0; k < units.length; k++) {
      this.times[this.head] = m.t - m.dt + ((times[k] + 0.5) / 256) * m.dt;
      this.units[this.head] = units[k];
      this.head = (this.head + 1) % CAPACITY;
      this.count = Math.min(this.count + 1, CAPACITY);
    }
    this.spikesReceived += units.length;
    // A replay that loops jumps back in time: start the picture afresh.
    if (this.clock && m.t < this.clock.t - 1) this.head = this.count = 0;
    this.clock = { t: m.t, at: performance.now() };
  }

  // The regions' words and the label column's width: measured again only when the layout,
  // the language or the size changes, not on every animation frame.
  labels(size, dpr) {
    const key = `${language}|${size}|${dpr}`;
    if (this.labelCache?.key !== key || this.labelCache.layout !== this.layout) {
      this.ctx.font = `600 ${size}px system-ui, sans-serif`;
      const words = this.layout.regions.map((r) => regionWords(r));
      const labelW = Math.max(...words.map((w) => this.ctx.measureText(w.plain).width), 60 * dpr) + 10 * dpr;
      this.labelCache = { key, layout: this.layout, words, labelW };
      this.labelW = labelW;
    }
    return this.labelCache;
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.canvas.clientWidth * dpr), h = Math.round(this.canvas.clientHeight * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) { this.canvas.width = w; this.canvas.height = h; }
    return dpr;
  }

  draw() {
    const dpr = this.resize();
    const ctx = this.ctx, W = this.canvas.width, H = this.canvas.height;
    ctx.clearRect(0, 0, W, H);
    if (!this.layout || !this.clock) return;
    // The stream's clock, run on between messages (at most half a second: a stalled stream stops).
    const ahead = this.frozen ? 0 : Math.min(0.5, (performance.now() - this.clock.at) / 1000);
    const now = this.clock.t + ahead;
    // Each region's plain name first, in its colour; its abbreviation and mean rate below, in grey.
    const size = Math.round(Math.max(13, Math.min(18, H / dpr / 16)) * dpr);
    ctx.textBaseline = "middle";
    const { words, labelW } = this.labels(size, dpr);
    const left = labelW, width = W - labelW - 4 * dpr;
    const rowH = (H - GAP * dpr) / this.totalRows;
    const x = (t) => left + ((t - (now - WINDOW)) / WINDOW) * width;
    this.bands.forEach((b, r) => {
      if (!b) return;
      const y0 = b.from * rowH, y1 = (b.to + 1) * rowH, mid = (y0 + y1) / 2;
      ctx.fillStyle = "rgba(255,255,255,0.04)";
      ctx.fillRect(left, y0, width, y1 - y0);
      ctx.font = `600 ${size}px system-ui, sans-serif`;
      ctx.fillStyle = REGION_COLOURS[r % REGION_COLOURS.length];
      ctx.fillText(words[r].plain, 4 * dpr, mid - 0.55 * size);
      ctx.font = `${Math.round(size * 0.8)}px system-ui, sans-serif`;
      ctx.fillStyle = "#9aa3b2";
      ctx.fillText(`${words[r].abbreviation} · ${(this.regionRates[r] ?? 0).toFixed(0)} Hz`, 4 * dpr, mid + 0.6 * size);
    });
    const tick = Math.max(1, rowH * 0.9);
    for (let r = 0; r < this.bands.length; r++) {
      ctx.fillStyle = REGION_COLOURS[r % REGION_COLOURS.length];
      ctx.beginPath();
      for (let k = 0, i = this.head; k < this.count; k++) {
        i = (i - 1 + CAPACITY) % CAPACITY;
        const t = this.times[i];
        if (t < now - WINDOW) break; // older spikes are further back in the ring
        const u = this.units[i];
        if (this.layout.region[u] !== r || t > now) continue;
        ctx.rect(x(t), this.rows[u] * rowH, Math.max(1, 1.5 * dpr), tick);
      }
      ctx.fill();
    }
  }
}
