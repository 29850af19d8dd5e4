// The page's camera: getUserMedia, and JPEG frames for the server.
// Sends only new camera frames and keeps at most `maxInFlight` unanswered;
// the server's latest-wins slot drops the rest, so lag never builds up.

const MAX_WIDTH = 640;
const JPEG_QUALITY = 0.8;

export async function openCamera(video) {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new Error("This browser offers no camera here (cameras need https:// or localhost).");
  }
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
    audio: false,
  });
  video.srcObject = stream;
  await video.play();
  return stream;
}

export class FrameSender {
  constructor(video, send, maxInFlight = 2) {
    this.video = video;
    this.send = send;
    this.maxInFlight = maxInFlight;
    this.nextId = 1;
    this.lastAcked = 0;
    this.canvas = document.createElement("canvas");
    this.ctx = this.canvas.getContext("2d");
    this.busy = false;
    this.lastMediaTime = -1;
    this.sent = 0;
    this.stopped = false;
    // When each sent frame left the camera (performance.now() time), for glass-to-glass: the
    // capture time where the browser gives it, else when the frame was shown; the last few only.
    this.capturedAt = new Map();
  }

  // When frame `id` was captured, or null (too old, or not a frame of this sender).
  captured(id) { return this.capturedAt.get(id) ?? null; }

  // Stop sending (the page switched to another source); the camera itself stays open.
  stop() { this.stopped = true; clearInterval(this.timer); }

  // A state for frame `id` acknowledges every earlier frame too: frames the
  // server dropped never get their own state.
  ack(id) { if (id > this.lastAcked) this.lastAcked = id; }

  get inFlight() { return this.nextId - 1 - this.lastAcked; }

  start() {
    const v = this.video;
    if ("requestVideoFrameCallback" in HTMLVideoElement.prototype) {
      const onFrame = (_now, meta) => {
        if (this.stopped) return;
        this.offer(meta.mediaTime, meta.captureTime ?? meta.presentationTime);
        v.requestVideoFrameCallback(onFrame);
      };
      v.requestVideoFrameCallback(onFrame);
    } else {
      const poll = (now) => { if (this.stopped) return; this.offer(v.currentTime, now); requestAnimationFrame(poll); };
      requestAnimationFrame(poll);
    }
    // A lost answer (server restart) must not block sending for ever.
    this.timer = setInterval(() => { if (this.inFlight > 0 && performance.now() - this.lastSentAt > 2000) this.lastAcked = this.nextId - 1; }, 1000);
  }

  async offer(mediaTime, capturedAt) {
    if (mediaTime === this.lastMediaTime || this.busy || this.inFlight >= this.maxInFlight) return;
    const v = this.video;
    if (!v.videoWidth) return;
    this.lastMediaTime = mediaTime;
    this.busy = true;
    try {
      const scale = Math.min(1, MAX_WIDTH / v.videoWidth);
      const w = Math.round(v.videoWidth * scale), h = Math.round(v.videoHeight * scale);
      if (this.canvas.width !== w || this.canvas.height !== h) { this.canvas.width = w; this.canvas.height = h; }
      this.ctx.drawImage(v, 0, 0, w, h);
      const blob = await new Promise((resolve) => this.canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
      if (!blob) return;
      const jpeg = await blob.arrayBuffer();
      // Stopped while encoding (the page switched source): a frame sent now would reach the
      // server after the switch and take this page back to its camera.
      if (this.stopped) return;
      const id = this.nextId++;
      this.lastSentAt = performance.now();
      this.capturedAt.set(id, capturedAt ?? this.lastSentAt);
      if (this.capturedAt.size > 32) this.capturedAt.delete(this.capturedAt.keys().next().value);
      this.send(id, this.lastSentAt, jpeg);
      this.sent++;
    } finally {
      this.busy = false;
    }
  }
}
