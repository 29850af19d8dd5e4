// The record page, for developers: name a class, record examples with a countdown (the
// server trims each to its movement), replay or discard them, and save the class. It is
// live at once: the server retrains and sends every page the new classes and units.
import { connect } from "../lib/connection.js";
import { t } from "../lib/i18n.js";
import { $, params, startPage, withToken, cameraFeed, landmarksOf, everyFrame } from "../lib/page.js";
import { SkeletonView, figureCrop } from "../views/skeleton.js";

const view = new SkeletonView($("view"));
const video = $("camera");

// window.recorder exposes what the page knows to tests.
const page = {
  hello: null, state: null, examples: [], errors: [], saved: null, savedAt: null, savedAfter: null, recording: false, mode: "starting",
  saving: false,  // a save sent, its answer (the new class in `hello`, or an error) not yet here
};

// Save is clickable only with examples and no save under way; a save says so while it lasts.
function saving(on) {
  page.saving = on;
  $("save").disabled = on || page.examples.length === 0;
  if (on) message(t("record.saving"));
}
window.recorder = page;
await startPage();
let sender = null;
let edges = [];

function message(text, error = false) {
  $("message").textContent = text;
  $("message").classList.toggle("error", error);
}

const control = withToken((action, extra) => link.control(action, extra));

const link = connect({
  hello(h) {
    const before = page.hello ? new Set(page.hello.classes.map((c) => c.name)) : null;
    page.hello = h;
    edges = h.edges;
    view.setEdges(h.edges);
    const added = before && h.classes.find((c) => !before.has(c.name));
    if (added) {
      saving(false);
      page.saved = added.name;
      page.savedAfter = page.savedAt != null ? (performance.now() - page.savedAt) / 1000 : null;
      message(t("record.saved", { label: added.label, seconds: (page.savedAfter ?? 0).toFixed(1) }));
    }
    if (page.mode !== "starting") return;
    const wanted = params.get("source");
    if (wanted && wanted !== "camera") { page.mode = "watch"; control("watch", { source: wanted }); return; }
    start();
  },
  state(s) {
    page.state = s;
    if (sender && s.client_ts != null) sender.ack(s.frame_id);
    page.landmarks = landmarksOf(s);
  },
  error(e) {
    page.errors.push(e);
    if (page.saving) saving(false);
    message(`${e.message} ${e.fix || ""}`, true);
  },
  examples: (payload) => showExamples(payload),
});

async function start() {
  try {
    sender = await cameraFeed(video, link);
    page.mode = "camera";
  } catch (err) {
    page.mode = "watch";
    message(t("banner.no_camera"), true);
    control("watch", {});
  }
}

// Examples come back from the server after each recording, discard or save.
function showExamples(payload) {
  page.examples = payload.examples;
  const list = $("examples");
  list.replaceChildren();
  payload.examples.forEach((ex, i) => {
    const li = document.createElement("li");
    const canvas = document.createElement("canvas");
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = t("record.example", { n: i + 1, seconds: ex.duration.toFixed(1) });
    const drop = document.createElement("button");
    drop.type = "button";
    drop.textContent = t("record.discard");
    drop.addEventListener("click", () => control("discard", { index: i }));
    li.append(canvas, meta, drop);
    list.append(li);
    replay(canvas, new Float32Array(ex.landmarks), ex.fps);
  });
  $("save").disabled = page.saving || payload.examples.length === 0;
}

// Each example replays its trimmed landmarks, looping, so a bad take is easy to spot.
function replay(canvas, lm, fps) {
  const skeleton = new SkeletonView(canvas);
  skeleton.setEdges(edges);
  const n = lm.length / (33 * 4);
  const crop = figureCrop(lm.subarray(0, 132));
  const t0 = performance.now();
  const frame = () => {
    if (!canvas.isConnected) return;
    const i = Math.floor(((performance.now() - t0) / 1000) * fps) % n;
    skeleton.draw({ picture: false, picW: 640, picH: 480, landmarks: lm.subarray(i * 132, (i + 1) * 132), crop });
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

$("record").addEventListener("click", async () => {
  if (page.recording) return;
  page.recording = true;
  $("record").disabled = true;
  message("");
  const countdown = $("countdown");
  countdown.hidden = false;
  for (const n of [3, 2, 1]) { countdown.textContent = String(n); await sleep(700); }
  countdown.textContent = t("record.go");
  control("record", { on: true });
  const seconds = Number($("seconds").value);
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    $("progress").style.width = `${((performance.now() - started) / (seconds * 10)).toFixed(1)}%`;
    if (performance.now() - started > 600) countdown.hidden = true;
    await sleep(50);
  }
  control("record", { on: false });
  $("progress").style.width = "0";
  countdown.hidden = true;
  page.recording = false;
  $("record").disabled = false;
});

$("form").addEventListener("submit", (e) => {
  e.preventDefault();
  const spec = {
    name: $("name").value.trim(),
    goal_directed: document.querySelector("input[name=kind]:checked").value === "goal",
  };
  if ($("label").value.trim()) spec.label = $("label").value.trim();
  if ($("explanation").value.trim()) spec.explanation = $("explanation").value.trim();
  saving(true);
  page.savedAt = performance.now();
  control("save", { class: spec });
});

$("save").disabled = true;
everyFrame(() => {
  if (page.mode === "camera") {
    view.draw({ picture: video, picW: video.videoWidth, picH: video.videoHeight, landmarks: page.landmarks, mirrored: true });
  } else {
    view.draw({ picture: null, picW: page.state?.image_size?.[0], picH: page.state?.image_size?.[1], landmarks: page.landmarks });
  }
});
