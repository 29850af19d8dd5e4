// The live pages' wiring (kiosk, lecture, view): chooses the source, connects, and hands every
// `state` to each view's applyState. Default source: this browser's camera; without one, the
// server's source or a bundled recording, so the page always shows something. `window.mirror`
// exposes what the page knows to tests and curious lecturers.
import { connect } from "../lib/connection.js";
import { Classes } from "../lib/classes.js";
import { t, onLanguage } from "../lib/i18n.js";
import { $, params, startPage, cameraFeed, landmarksOf, everyFrame, sourceLabel, median } from "../lib/page.js";
import { SkeletonView } from "../views/skeleton.js";
import { ActionView } from "../views/actions.js";
import { RasterView } from "../views/raster.js";
import { MatrixView } from "../views/matrix.js";
import { TrialsView } from "../views/trials.js";
import { BrainView } from "../views/brain.js";
import { SpikeSound } from "../views/sound.js";
import { StoryView } from "../views/story.js";
import { AgentView } from "../views/agent.js";
import { LectureControls } from "../views/controls.js";

export async function startLivePage(mode) {
  const viewer = mode === "view";  // /view: state only, never a camera
  const video = $("camera");
  const view = new SkeletonView($("view"));
  const raster = new RasterView($("raster"));
  const brain = new BrainView($("brain"), () => raster.regionRates);
  const matrix = mode === "lecture" ? new MatrixView($("matrix")) : null;  // drawn while its card is open
  const trials = mode === "lecture" ? new TrialsView($("trials"), raster) : null;
  const agent = new AgentView({ canvas: $("agent"), box: $("agent-box"), label: $("agent-label") });
  const actions = new ActionView({
    label: $("action-label"), explanation: $("action-explanation"), marker: $("gauge-marker"), list: $("evidence"),
  });
  const storyView = new StoryView($("story"));
  // A hall of phones on /view stays quiet unless asked (?sound=1).
  const soundOn = viewer ? params.get("sound") === "1" : params.get("sound") !== "0";
  const sound = new SpikeSound($("sound"), { on: soundOn, labels: (on) => t(on ? "sound.on" : "sound.off") });

  const page = {
    mode: "starting",        // "camera" | "watch"
    hello: null,
    state: null,
    landmarks: null,
    picture: null, picW: 0, picH: 0,
    latency: null,
    capturedAt: null,        // the capture time of the frame whose skeleton is drawn next
    glassToGlass: [],        // ms from a camera frame's capture to its skeleton drawn (the last 100)
    source: null,            // the stream's last status: its kind and name
    errors: [],
    statesReceived: 0,
    firstStateAt: null,      // ms after navigation start (the benchmark reads these three)
    framesDrawn: 0,
    drawMs: 0,               // time spent drawing, summed over framesDrawn
    frozen: false,           // the lecture's freeze
    view, raster, brain, sound, matrix, trials,
    get agent() { return agent.agent; },   // the model's own figure while it acts
    get story() { return storyView.text; },
  };
  window.mirror = page;
  await startPage();

  let sender = null;
  let cameraTried = false;
  let bannerKey = null;      // which message the banner shows, so it can be taken back

  function banner(key, vars) {
    const el = $("banner");
    bannerKey = key;
    el.hidden = !key;
    el.textContent = key ? t(key, vars) : "";
  }

  // The HUD names the source in the page's language (the server's status says its kind and name).
  function showSource(status) {
    page.source = status;
    const el = $("source");
    el.removeAttribute("data-i18n");  // no longer "connecting…"
    el.textContent = sourceLabel(status);
  }

  function watch(source) {
    page.mode = "watch";
    sender?.stop?.();
    sender = null;
    link.control("watch", source ? { source } : {});
  }

  async function startCamera() {
    cameraTried = true;
    sender?.stop?.();  // one sender at a time: a second one left running takes the page back to its camera
    sender = null;
    try {
      sender = await cameraFeed(video, link);
    } catch (err) {
      const refused = err?.name === "NotAllowedError" || err?.name === "SecurityError";
      banner(refused ? "banner.refused" : "banner.no_camera");
      setTimeout(() => { if (bannerKey === "banner.refused" || bannerKey === "banner.no_camera") banner(null); }, 5000);
      watch(null);
      return;
    }
    page.mode = "camera";
    page.picture = video;
    showSource({ source: "browser" });
  }

  // Every panel reads the state it needs from each `state`; a frozen lecture page takes none.
  let views = [actions, raster, brain, sound, agent, storyView];

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
      const classes = new Classes(h.classes || []);
      view.setEdges(h.edges);
      agent.setEdges(h.edges);
      for (const v of [actions, agent, storyView]) v.setClasses(classes);
      for (const v of [raster, brain, sound, agent]) v.setLayout(h.mirror);
      for (const v of [matrix, trials]) { v?.setLayout(h.mirror); v?.setClasses(classes); }
      controls?.setHello(h, classes);
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
      page.firstStateAt ??= performance.now();
      if (sender && s.client_ts != null) {
        sender.ack(s.frame_id);
        page.latency = performance.now() - s.client_ts;
        page.capturedAt = sender.captured(s.frame_id);  // glass-to-glass ends when its skeleton is drawn
      }
      if (page.frozen) return;
      page.state = s;
      page.landmarks = landmarksOf(s);
      for (const v of views) v.applyState(s);
      $("invite").hidden = !s.mirror?.attract;
      document.body.classList.toggle("attract", !!s.mirror?.attract);
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
      showSource(st);
      if (st.state === "reconnecting" || st.state === "error") { bannerKey = "status"; $("banner").hidden = false; $("banner").textContent = st.message; }
      else if (st.state === "ok" && bannerKey === "status") banner(null);
    },
    error(e) {
      page.errors.push(e);
      if (page.errors.length > 50) page.errors.shift();
      if (e.code === "forbidden") banner("lecture.forbidden");
      if (e.code === "busy" && page.mode === "camera") { banner("banner.busy"); watch(null); }
      else if (e.frame_id == null && e.code !== "forbidden") controls?.refused(e);
      console.warn(`server: ${e.code}: ${e.message} ${e.fix || ""}`);
    },
  });

  // Lecturers (and tests) may drive the model from the console: mirror.control("act", { class: "point" }).
  page.control = (action, extra = {}) => link.control(action, extra);
  const controls = mode === "lecture" ? new LectureControls({
    control: page.control,
    useSource: (value) => (value === "camera" ? startCamera() : watch(value)),
    raster, sound,
    onFreeze: (on) => { page.frozen = on; },
  }) : null;
  page.controls = controls;
  if (controls) views = [...views, controls, matrix, trials];

  onLanguage(() => {
    sound.render();
    if (page.source) showSource(page.source);
    if (page.hello) {
      const classes = new Classes(page.hello.classes || []);
      for (const v of [actions, agent, storyView]) v.setClasses(classes);
      controls?.setHello(page.hello, classes);
      for (const v of [matrix, trials]) v?.setClasses(classes);
    }
    if (page.state) for (const v of views) v.applyState(page.state);
  });
  sound.render();
  everyFrame(() => {
    const start = performance.now();
    if (page.mode === "camera") { page.picW = video.videoWidth; page.picH = video.videoHeight; }
    view.draw({
      picture: page.picture, picW: page.picW, picH: page.picH,
      landmarks: page.landmarks, mirrored: page.mode === "camera",
      box: page.state?.person?.box, others: page.state?.person?.others,
    });
    raster.draw();
    brain.draw();
    agent.draw();
    matrix?.draw();
    trials?.draw();
    if (page.capturedAt != null && page.mode === "camera") {
      // Glass to glass: from the camera frame's capture to the skeleton drawn on it.
      page.glassToGlass.push(performance.now() - page.capturedAt);
      if (page.glassToGlass.length > 100) page.glassToGlass.shift();
      page.capturedAt = null;
      $("glass").textContent = median(page.glassToGlass).toFixed(0);
    }
    page.framesDrawn++;
    page.drawMs += performance.now() - start;
  });
}
