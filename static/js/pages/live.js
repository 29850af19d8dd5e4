// The kiosk and lecture page: chooses the source, wires the connection to the views.
// Default: this browser's camera; without one, the server's source or a
// bundled recording, so the page always shows something.
import { connect } from "../lib/connection.js";
import { openCamera, FrameSender } from "../lib/camera.js";
import { SkeletonView, figureCrop } from "../views/skeleton.js";
import { ActionView } from "../views/actions.js";
import { RasterView } from "../views/raster.js";
import { BrainView } from "../views/brain.js";
import { SpikeSound } from "../views/sound.js";
import { story } from "../views/story.js";
import { setLanguage, t, classLabel } from "../lib/i18n.js";
import { LectureControls } from "../views/controls.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const lecture = document.body.dataset.mode === "lecture";
const viewer = document.body.dataset.mode === "view";  // /view: state only, never a camera
const view = new SkeletonView($("view"));
const video = $("camera");
const raster = new RasterView($("raster"));
const brain = new BrainView($("brain"));
const agentView = new SkeletonView($("agent"), { bone: "#e69f00", joint: "#f2f2f2", background: "rgba(0,0,0,0)" });
const actions = new ActionView({
  label: $("action-label"), explanation: $("action-explanation"), marker: $("gauge-marker"), list: $("evidence"),
});
// A hall of phones on /view stays quiet unless asked (?sound=1).
const soundOn = viewer ? params.get("sound") === "1" : params.get("sound") !== "0";
const sound = new SpikeSound($("sound"), { on: soundOn, labels: (on) => t(on ? "sound.on" : "sound.off") });

// What the page knows now; window.mirror exposes it to tests and curious lecturers.
const page = {
  mode: "starting",        // "camera" | "watch"
  hello: null,
  state: null,
  landmarks: null,
  picture: null, picW: 0, picH: 0,
  latency: null,
  errors: [],
  statesReceived: 0,
  frozen: false,           // the lecture's freeze
  view, raster, brain, sound,
  agent: null,             // the model's own figure while it acts
  story: "",
};
window.mirror = page;
await setLanguage(params.get("lang") || "en");  // before connecting: every word shown is translated

let sender = null;
let cameraTried = false;
let bannerKey = null;      // which message the banner shows, so it can be taken back

function banner(key, vars) {
  const el = $("banner");
  bannerKey = key;
  el.hidden = !key;
  el.textContent = key ? t(key, vars) : "";
}

function watch(source) {
  page.mode = "watch";
  sender?.stop?.();
  sender = null;
  link.control("watch", source ? { source } : {});
}

async function startCamera() {
  cameraTried = true;
  try {
    await openCamera(video);
  } catch (err) {
    const refused = err?.name === "NotAllowedError" || err?.name === "SecurityError";
    banner(refused ? "banner.refused" : "banner.no_camera");
    setTimeout(() => { if (bannerKey === "banner.refused" || bannerKey === "banner.no_camera") banner(null); }, 5000);
    watch(null);
    return;
  }
  page.mode = "camera";
  page.picture = video;
  sender = new FrameSender(video, (id, ts, jpeg) => link.sendFrame(id, ts, jpeg));
  sender.start();
  $("source").textContent = t("source.camera");
}

const link = connect({
  onConnect() {
    if (bannerKey === "banner.unreachable") banner(null);
    // After a server restart, resume what we were doing.
    if (page.mode === "watch") watch(params.get("source"));
  },
  onDisconnect() {
    banner("banner.unreachable");
  },
  hello(h) {
    page.hello = h;
    view.setEdges(h.edges);
    agentView.setEdges(h.edges);
    actions.setClasses(h.classes || []);
    raster.setLayout(h.mirror);
    brain.setLayout(h.mirror);
    controls?.setHello(h);
    if (h.mirror_error) console.warn(`the mirror model is off: ${h.mirror_error}`);
    if (h.actions_error) {
      console.warn(`action recognition is off: ${h.actions_error}`);
      banner("banner.recognition_off", { why: h.actions_error });
      setTimeout(() => { if (bannerKey === "banner.recognition_off") banner(null); }, 8000);
    }
    if (cameraTried) return;
    const wanted = params.get("source");
    if (wanted && wanted !== "camera") { cameraTried = true; watch(wanted); return; }
    if ((!wanted || viewer) && h.server_source) { cameraTried = true; watch(h.server_source.stream); return; }
    if (viewer) { cameraTried = true; watch(null); return; }
    startCamera();
  },
  async state(s) {
    page.statesReceived++;
    if (sender && s.client_ts != null) {
      sender.ack(s.frame_id);
      page.latency = performance.now() - s.client_ts;
    }
    if (page.frozen) return;
    page.state = s;
    page.landmarks = s.person ? new Float32Array(s.person.landmarks) : null;
    actions.update(s.action);
    raster.push(s.mirror);
    brain.update(raster.regionRates);
    sound.play(s.mirror, page.hello?.mirror);
    showAgent(s.agent);
    controls?.update(s);
    $("invite").hidden = !s.mirror?.attract;
    document.body.classList.toggle("attract", !!s.mirror?.attract);
    page.story = story(s, page.hello);
    if ($("story").textContent !== page.story) $("story").textContent = page.story;
    if (s.image) {
      const bitmap = await createImageBitmap(new Blob([s.image], { type: "image/jpeg" }));
      page.picture?.close?.();
      page.picture = bitmap;
    }
    if (page.mode === "watch") { page.picW = s.image_size[0]; page.picH = s.image_size[1]; }
    $("fps").textContent = s.fps.toFixed(0);
    $("latency").textContent = page.latency != null ? page.latency.toFixed(0) : "–";
    // Nobody in view: say so, unless the invitation already does.
    if (!s.person && !s.mirror?.attract) banner(page.mode === "camera" ? "banner.step_in" : "banner.nobody");
    else if (bannerKey === "banner.step_in" || bannerKey === "banner.nobody") banner(null);
  },
  status(st) {
    $("source").textContent = st.label;
    if (st.state === "reconnecting" || st.state === "error") { bannerKey = "status"; $("banner").hidden = false; $("banner").textContent = st.message; }
    else if (st.state === "ok" && bannerKey === "status") banner(null);
  },
  error(e) {
    page.errors.push(e);
    if (page.errors.length > 50) page.errors.shift();
    if (e.code === "forbidden") banner("lecture.forbidden");
    if (e.code === "busy" && page.mode === "camera") { banner("banner.busy"); watch(null); }
    console.warn(`server: ${e.code}: ${e.message} ${e.fix || ""}`);
  },
});

// Lecturers (and tests) may drive the model from the console: mirror.control("act", { class: "point" }).
page.control = (action, extra = {}) => link.control(action, extra);
const controls = lecture ? new LectureControls(page, {
  control: page.control,
  useSource: (value) => (value === "camera" ? startCamera() : watch(value)),
}) : null;
page.controls = controls;

// The figure moves smoothly at the screen's rate whatever the state rate: it is drawn between
// the last two poses received, one state interval behind (it has no picture to keep in step with).
const agentMotion = { from: null, to: null, at: 0, interval: 100 };

function agentPose(now) {
  const { from, to, at, interval } = agentMotion;
  if (!to) return null;
  if (!from) return to;
  const a = Math.min(1, (now - at) / interval);
  const out = new Float32Array(to.length);
  for (let i = 0; i < to.length; i++) out[i] = from[i] + (to[i] - from[i]) * a;
  return out;
}

function showAgent(agent) {
  const fresh = agent && (!page.agent || page.agent.action !== agent.action || agent.phase < page.agent.phase);
  page.agent = agent ? { ...agent, landmarks: new Float32Array(agent.landmarks), crop: page.agent?.crop } : null;
  const now = performance.now();
  if (agent) {
    agentMotion.interval = 0.8 * agentMotion.interval + 0.2 * Math.min(500, Math.max(16, now - agentMotion.at));
    agentMotion.from = fresh ? null : agentPose(now);
    agentMotion.to = page.agent.landmarks;
  } else {
    agentMotion.from = agentMotion.to = null;
  }
  agentMotion.at = now;
  // The agent is filmed whole from afar: show the part of the picture around it, fixed for the
  // whole performance (a crop that followed every frame would make the figure breathe).
  if (fresh) page.agent.crop = figureCrop(page.agent.landmarks);
  $("agent-box").classList.toggle("acting", !!agent);
  const cls = agent && (page.hello?.classes || []).find((c) => c.name === agent.action);
  $("agent-label").textContent = agent ? t("agent.acts", { action: cls ? classLabel(cls) : agent.action }) : "";
}

function render() {
  if (page.mode === "camera") { page.picW = video.videoWidth; page.picH = video.videoHeight; }
  view.draw({
    picture: page.picture, picW: page.picW, picH: page.picH,
    landmarks: page.landmarks, mirrored: page.mode === "camera",
    box: page.state?.person?.box, others: page.state?.person?.others,
  });
  raster.draw();
  brain.draw();
  agentView.draw({ picture: false, picW: 640, picH: 480, landmarks: agentPose(performance.now()), crop: page.agent?.crop });
  requestAnimationFrame(render);
}

sound.render();
requestAnimationFrame(render);
