// Draws the picture (camera or server image) and the skeleton on one canvas.
// Landmarks arrive as Float32Array(33 * 4): x, y in [0, 1], z, visibility.

const MIN_VISIBILITY = 0.5;

export class SkeletonView {
  // background: a colour, or null for the page's own (--bg, so the projector theme turns it light).
  constructor(canvas, { bone = "#56b4e9", joint = "#f0e442", background = null } = {}) {
    this.canvas = canvas;
    this.colours = { bone, joint, background };
    this.ctx = canvas.getContext("2d");
    this.edges = [];
    this.drawn = 0;          // frames that showed a skeleton (read by tests)
  }

  setEdges(edges) { this.edges = edges; }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.canvas.clientWidth * dpr), h = Math.round(this.canvas.clientHeight * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) { this.canvas.width = w; this.canvas.height = h; }
  }

  // The picture's box inside the canvas (letterboxed, aspect kept).
  fit(srcW, srcH) {
    const cw = this.canvas.width, ch = this.canvas.height;
    const s = Math.min(cw / srcW, ch / srcH);
    return { x: (cw - srcW * s) / 2, y: (ch - srcH * s) / 2, w: srcW * s, h: srcH * s };
  }

  // crop: [x0, y0, x1, y1] of the picture to show (normalised), for a figure filmed from afar.
  draw({ picture, picW, picH, landmarks, box, others, mirrored, crop }) {
    this.resize();
    const ctx = this.ctx;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.fillStyle = this.colours.background || getComputedStyle(document.body).getPropertyValue("--bg") || "#0b0d12";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (!picW || !picH) { picW = 4; picH = 3; }
    let fit = this.fit(picW, picH);
    if (crop) {
      const [x0, y0, x1, y1] = crop;
      const inner = this.fit((x1 - x0) * picW, (y1 - y0) * picH);
      const w = inner.w / (x1 - x0), h = inner.h / (y1 - y0);
      fit = { x: inner.x - x0 * w, y: inner.y - y0 * h, w, h };
    }
    ctx.save();
    if (mirrored) { ctx.translate(this.canvas.width, 0); ctx.scale(-1, 1); fit.x = this.canvas.width - fit.x - fit.w; }
    if (picture) {
      ctx.drawImage(picture, fit.x, fit.y, fit.w, fit.h);
    } else if (picture !== false) {
      ctx.strokeStyle = "#2a3040";
      ctx.strokeRect(fit.x, fit.y, fit.w, fit.h);
    }
    if (landmarks) { this.drawSkeleton(landmarks, fit); this.drawn++; }
    this.shown = { fit, mirrored: !!mirrored, box, landmarks };  // personRect() reads it, when asked
    // With several people in view, show whom the demo follows.
    if (others?.length && box) {
      for (const b of others) this.drawBox(b, fit, "#9aa3b2", [6, 6]);
      this.drawBox(box, fit, "#56b4e9", []);
    }
    ctx.restore();
  }

  // Where the followed person was last drawn, in page (CSS) pixels: { left, top, right, bottom }, or null.
  personRect() {
    const shown = this.shown;
    const box = shown?.box || (shown?.landmarks ? extent(shown.landmarks) : null);
    if (!box) return null;
    const fit = shown.fit, r = this.canvas.getBoundingClientRect();
    const sx = r.width / this.canvas.width, sy = r.height / this.canvas.height;
    let x0 = fit.x + box[0] * fit.w, x1 = fit.x + box[2] * fit.w;
    if (shown.mirrored) [x0, x1] = [this.canvas.width - x1, this.canvas.width - x0];
    // Landmarks may be guessed beyond the picture's edge; only what is inside the canvas is drawn.
    const clip = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return { left: clip(r.left + x0 * sx, r.left, r.right), right: clip(r.left + x1 * sx, r.left, r.right),
      top: clip(r.top + (fit.y + box[1] * fit.h) * sy, r.top, r.bottom),
      bottom: clip(r.top + (fit.y + box[3] * fit.h) * sy, r.top, r.bottom) };
  }

  drawBox(b, fit, colour, dash) {
    const ctx = this.ctx;
    ctx.setLineDash(dash);
    ctx.lineWidth = 2;
    ctx.strokeStyle = colour;
    ctx.strokeRect(fit.x + b[0] * fit.w, fit.y + b[1] * fit.h, (b[2] - b[0]) * fit.w, (b[3] - b[1]) * fit.h);
    ctx.setLineDash([]);
  }

  drawSkeleton(lm, box) {
    const ctx = this.ctx;
    const px = (i) => box.x + lm[i * 4] * box.w;
    const py = (i) => box.y + lm[i * 4 + 1] * box.h;
    const ok = (i) => lm[i * 4 + 3] >= MIN_VISIBILITY;
    const unit = Math.max(2, box.h / 180);
    ctx.lineCap = "round";
    ctx.lineWidth = unit * 1.6;
    ctx.strokeStyle = this.colours.bone;
    ctx.beginPath();
    for (const [a, b] of this.edges) {
      if (!ok(a) || !ok(b)) continue;
      ctx.moveTo(px(a), py(a));
      ctx.lineTo(px(b), py(b));
    }
    ctx.stroke();
    ctx.fillStyle = this.colours.joint;
    for (let i = 0; i < 33; i++) {
      if (!ok(i)) continue;
      ctx.beginPath();
      ctx.arc(px(i), py(i), unit * 1.4, 0, Math.PI * 2);
      ctx.fill();
    }
  }
}

// The box [x0, y0, x1, y1] (fractions) around the landmarks the pose model sees.
function extent(lm) {
  let x0 = 1, y0 = 1, x1 = 0, y1 = 0;
  for (let i = 0; i < 33; i++) {
    if (lm[i * 4 + 3] < MIN_VISIBILITY) continue;
    x0 = Math.min(x0, lm[i * 4]); x1 = Math.max(x1, lm[i * 4]);
    y0 = Math.min(y0, lm[i * 4 + 1]); y1 = Math.max(y1, lm[i * 4 + 1]);
  }
  return x1 > x0 && y1 > y0 ? [x0, y0, x1, y1] : null;
}

// The part of a picture around a standing figure, with room for arms raised overhead and
// held out to the side: [x0, y0, x1, y1] as fractions, for draw({ crop }).
export function figureCrop(lm) {
  const box = extent(lm);
  if (!box) return null;
  const [x0, y0, x1, y1] = box, h = y1 - y0, cx = (x0 + x1) / 2;
  return [cx - 0.75 * h, y0 - 0.3 * h, cx + 0.75 * h, y1 + 0.05 * h];
}
