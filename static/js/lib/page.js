// What every page starts with: its URL's options, its language, its own camera feeding the
// server, landmarks out of a state, and a drawing loop. No page's layout or views here.
import { openCamera, FrameSender } from "./camera.js";
import { setLanguage, t } from "./i18n.js";

export const $ = (id) => document.getElementById(id);
export const params = new URLSearchParams(location.search);

// Before connecting: every word the page shows is translated from the start.
export async function startPage() { await setLanguage(params.get("lang") || "en"); }

// Model controls carry the token from the page's URL (?token=...): other devices need it.
export function withToken(control) {
  const token = params.get("token");
  return (action, extra = {}) => control(action, token ? { ...extra, token } : extra);
}

// This browser's camera, its new frames sent to the server; throws when there is none or it is refused.
export async function cameraFeed(video, link) {
  await openCamera(video);
  const sender = new FrameSender(video, (id, ts, jpeg) => link.sendFrame(id, ts, jpeg));
  sender.start();
  return sender;
}

export function landmarksOf(state) { return state?.person ? new Float32Array(state.person.landmarks) : null; }

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
}

export function everyFrame(draw) {
  const loop = () => { draw(); requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
}

// A source in the page's language: `status` is a stream's status ({ source: kind, label: name }),
// or a stream id ("camera", "cam:...", "replay:NAME", the server's own).
export function sourceLabel(status) {
  if (typeof status === "string") {
    if (status === "camera" || status.startsWith("cam:")) return t("source.camera");
    if (status.startsWith("replay:")) return t("source.recording", { name: status.slice(7) });
    return t("source.server");
  }
  const name = status.label ?? "";
  if (status.source === "browser") return t("source.camera");
  if (status.source === "replay") return t("source.recording", { name });
  if (status.source === "video") return t("source.video", { name });
  return t("source.server_camera", { name });
}
