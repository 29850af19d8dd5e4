// Spikes as clicks, like an electrophysiology rig's loudspeaker: one pitch per region
// (STS high, parietal middle, premotor low). Browsers start audio only after a gesture:
// the context is resumed on the first click or key press.
import { unpackUnits } from "./raster.js";

const PITCH = [2600, 1500, 800];  // Hz, per region in raster order
const MAX_CLICKS = 48;            // per state message: enough to hear bursts, never a roar

export class SpikeSound {
  constructor(button, { on = true, labels } = {}) {
    this.button = button;
    this.labels = labels;
    this.on = on;
    this.ctx = null;
    this.buffers = [];
    this.clicks = 0;  // clicks scheduled (read by tests)
    button.addEventListener("click", () => this.set(!this.on));
    const wake = () => { if (this.on) this.start(); };
    window.addEventListener("pointerdown", wake, { once: true });
    window.addEventListener("keydown", wake, { once: true });
    this.render();
  }

  start() {
    if (!this.ctx) {
      this.ctx = new AudioContext();
      this.buffers = PITCH.map((f) => this.click(f));
    }
    if (this.ctx.state === "suspended") this.ctx.resume();
  }

  click(freq) {
    const rate = this.ctx.sampleRate, n = Math.round(rate * 0.004);
    const buf = this.ctx.createBuffer(1, n, rate);
    const d = buf.getChannelData(0);
    for (let i = 0; i < n; i++) d[i] = Math.sin((2 * Math.PI * freq * i) / rate) * Math.exp(-i / (rate * 0.0008)) * 0.5;
    return buf;
  }

  set(on) {
    this.on = on;
    if (on) this.start();
    this.render();
  }

  render() {
    this.button.setAttribute("aria-pressed", String(this.on));
    this.button.textContent = this.labels ? this.labels(this.on) : (this.on ? "Sound on" : "Sound off");
  }

  setLayout(layout) { this.layout = layout; }

  applyState(state) { this.play(state.mirror, this.layout); }

  play(m, layout) {
    if (!this.on || !m || !layout) return;
    if (!this.ctx) this.start();
    if (this.ctx.state !== "running") return;
    const { units, times } = unpackUnits(m);
    const step = Math.max(1, Math.ceil(units.length / MAX_CLICKS));
    const t0 = this.ctx.currentTime + 0.03;
    for (let k = 0; k < units.length; k += step) {
      const region = layout.region[units[k]];
      const src = this.ctx.createBufferSource();
      src.buffer = this.buffers[region % this.buffers.length];
      src.connect(this.ctx.destination);
      src.start(t0 + (times[k] / 256) * m.dt);
      this.clicks++;
    }
  }
}
