// The lecture page's controls: the source, the model's own actions, learning and training,
// reset, freeze, projector theme, language, keyboard shortcuts and the unit inspector.
// Model controls carry the token from the page's URL (?token=...): other devices need it.
import { t, has, setLanguage, LANGUAGES, language } from "../lib/i18n.js";
import { Classes } from "../lib/classes.js";
import { $, withToken, sourceLabel } from "../lib/page.js";

export class LectureControls {
  // `raster` and `sound`: the views these controls inspect and switch; `onFreeze(on)`: the page
  // stops taking new states while frozen.
  constructor({ control, useSource, raster, sound, onFreeze }) {
    const send = withToken(control);
    this.lastSent = null;  // the control a refusal from the server answers
    this.send = (action, extra) => { this.lastSent = action; return send(action, extra); };
    this.useSource = useSource;
    this.raster = raster;
    this.sound = sound;
    this.onFreeze = onFreeze;
    this.frozen = false;
    this.classes = new Classes();
    this.layout = null;
    this.selected = -1;
    this.actions = [];
    this.why = false;
    this.resetTally();
    $("ctl-source").addEventListener("change", (e) => useSource(e.target.value));
    $("ctl-learning").addEventListener("change", (e) => this.send("learning", { on: e.target.checked }));
    $("ctl-training").addEventListener("change", (e) => this.send("train", { mode: e.target.value }));
    $("ctl-scene").addEventListener("change", (e) => this.send("scene", { goal: e.target.value || null }));
    $("ctl-reset").addEventListener("click", () => this.send("reset", { weights: "default" }));
    $("ctl-untrained").addEventListener("click", () => this.send("reset", { weights: "untrained" }));
    $("ctl-freeze").addEventListener("click", () => this.freeze(!this.frozen));
    $("ctl-speed").addEventListener("change", (e) => this.send("speed", { factor: Number(e.target.value) }));
    $("ctl-why").addEventListener("click", () => this.showWhy(!this.why));
    for (const [button, card] of [["ctl-debate", "debate"], ["ctl-matrix", "matrix-card"], ["ctl-trials", "trials-card"]]) {
      $(button).addEventListener("click", () => {
        const on = $(card).hidden;
        $(card).hidden = !on;
        $(button).setAttribute("aria-pressed", String(on));
        if (on) $(card).scrollIntoView({ block: "nearest" });  // the column scrolls on small screens
      });
    }
    $("ctl-projector").addEventListener("click", () => this.projector(!document.body.classList.contains("projector")));
    const lang = $("ctl-language");
    for (const [code, name] of Object.entries(LANGUAGES)) lang.add(new Option(name, code, false, code === language));
    lang.addEventListener("change", (e) => setLanguage(e.target.value));  // the page relabels every view
    $("raster").addEventListener("click", (e) => {
      const r = e.target.getBoundingClientRect();
      this.selected = raster.unitAt(e.clientX - r.left, e.clientY - r.top);
      this.resetTally();
      this.inspect();
    });
    window.addEventListener("keydown", (e) => this.key(e));
  }

  setHello(h, classes) {
    const src = $("ctl-source"), chosen = src.value;
    src.replaceChildren(new Option(sourceLabel("camera"), "camera"));
    if (h.server_source) src.add(new Option(sourceLabel(h.server_source.stream), h.server_source.stream));
    for (const name of h.replays) src.add(new Option(sourceLabel(`replay:${name}`), `replay:${name}`));
    if (chosen) src.value = chosen;
    this.classes = classes;
    this.layout = h.mirror;
    this.lesionBoxes(h.mirror ? h.mirror.regions : []);
    this.actions = h.mirror ? h.mirror.actions : [];
    this.relabel();
  }

  // One toggle a region: its units silenced (recognition, upstream, goes on as before).
  lesionBoxes(regions) {
    const box = $("ctl-lesion");
    box.replaceChildren(...regions.map((r) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.value = r.key;
      input.addEventListener("change", () => this.send("lesion", {
        regions: [...box.querySelectorAll("input:checked")].map((i) => i.value) }));
      const name = document.createElement("span");
      name.textContent = has(`region.${r.key}.short`) ? t(`region.${r.key}.short`) : r.label;
      label.append(input, " ", name);
      return label;
    }));
  }

  relabel() {
    const box = $("ctl-act");
    box.replaceChildren();
    this.actions.forEach((name, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = `${i + 1} ${this.classes.label(name)}`;
      b.addEventListener("click", () => this.send("act", { class: name }));
      box.append(b);
    });
    const stop = document.createElement("button");
    stop.type = "button";
    stop.textContent = t("lecture.stop");
    stop.addEventListener("click", () => this.send("act", { class: null }));
    box.append(stop);
    // What the scene can offer: a goal-directed action's target (Fogassi's container, or a cup).
    const scene = $("ctl-scene"), chosen = scene.value;
    scene.replaceChildren(new Option(t("lecture.scene.none"), ""));
    for (const name of this.actions) {
      if (this.classes.get(name)?.goal_directed) scene.add(new Option(this.classes.label(name), name));
    }
    scene.value = chosen;
    this.inspect();
  }

  applyState(state) {
    const m = state.mirror;
    if (!m) return;
    if (document.activeElement !== $("ctl-learning")) $("ctl-learning").checked = m.learning;
    if (document.activeElement !== $("ctl-training")) $("ctl-training").value = m.training;
    if (document.activeElement !== $("ctl-scene")) $("ctl-scene").value = m.scene ?? "";
    for (const box of $("ctl-lesion").querySelectorAll("input")) {
      if (document.activeElement !== box) box.checked = (m.lesions || []).includes(box.value);
    }
    const source = state.stream.startsWith("cam:") ? "camera" : state.stream;
    if ($("ctl-source").value !== source && document.activeElement !== $("ctl-source")) $("ctl-source").value = source;
    if (this.selected >= 0) { this.tally(state); this.inspect(); }
    this.renderWhy(state.action?.why);
    const share = `${location.origin}/view?source=${encodeURIComponent(state.stream)}`;
    if ($("ctl-share").textContent !== share) $("ctl-share").textContent = share;
    // Phones cannot open a loopback address: say how to serve the room.
    $("ctl-share-hint").hidden = !["127.0.0.1", "localhost", "[::1]"].includes(location.hostname);
    const [from, learnt] = (m.weights || "default").split("+");
    const weights = t(`lecture.weights.${from}`) + (learnt ? ` ${t("lecture.weights.learnt")}` : "");
    if ($("ctl-weights").textContent !== weights) $("ctl-weights").textContent = weights;
  }

  // The server refused a control: say so on the page, and show the setting that stands.
  refused(err) {
    const speed = this.lastSent === "speed";
    if (speed) $("ctl-speed").value = "1";
    const notice = $("ctl-notice");
    notice.textContent = speed ? t("lecture.speed_refused") : `${err.message} ${err.fix || ""}`.trim();
    notice.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => { notice.hidden = true; }, 8000);
  }

  resetTally() { this.seenDone = { seen: { sum: 0, n: 0 }, done: { sum: 0, n: 0 } }; }

  // The inspected unit's mean rate while its action is seen and while the model does it.
  tally(state) {
    const layout = this.layout, rates = this.raster.rates, i = this.selected;
    if (!layout || !rates || layout.pref[i] < 0) return;
    const pref = layout.actions[layout.pref[i]], m = state.mirror;
    const phase = m.acting === pref ? "done" : (!m.acting && state.action?.label === pref ? "seen" : null);
    if (!phase) return;
    const s = this.seenDone[phase];
    s.sum += rates[i];
    s.n += 1;
  }

  inspect() {
    const box = $("inspector"), layout = this.layout, rates = this.raster.rates;
    if (this.selected < 0 || !layout) { box.hidden = true; return; }
    const i = this.selected, type = layout.types[layout.type[i]], region = layout.regions[layout.region[i]];
    const pref = layout.pref[i] >= 0 ? layout.actions[layout.pref[i]] : "—";
    box.hidden = false;
    const words = (key, fallback) => (has(key) ? t(key) : fallback);
    box.textContent = t("lecture.unit", {
      index: i, type: words(`unit.${type.key}`, type.label), region: words(`region.${region.key}.short`, region.label),
      action: pref === "—" ? pref : this.classes.label(pref), rate: rates ? rates[i].toFixed(0) : "–",
    });
    const mean = (s) => (s.n ? (s.sum / s.n).toFixed(0) : "–");
    if (pref !== "—") box.textContent += ` · ${t("lecture.unit_seen_done", { seen: mean(this.seenDone.seen), done: mean(this.seenDone.done) })}`;
  }

  // The "why" view: which body parts and which stretch of the movement drove the decision,
  // and the closest stored examples (the server computes it only while this view is open).
  showWhy(on) {
    this.why = on;
    this.send("why", { on });
    $("ctl-why").setAttribute("aria-pressed", String(on));
    $("why").hidden = !on;
  }

  renderWhy(why) {
    if (!this.why || !why) return;
    const bars = (list, entries, cls) => {
      list.replaceChildren(...entries.map(([name, share]) => {
        const li = document.createElement("li");
        const label = document.createElement("span");
        label.textContent = t(`why.${name.replace(/ /g, "_")}`);
        const bar = document.createElement("span");
        bar.className = "bar";
        const fill = document.createElement("span");
        fill.className = "fill";
        fill.style[cls === "strip" ? "height" : "width"] = `${Math.round(share * 100)}%`;
        bar.append(fill);
        if (cls === "strip") li.append(fill, label); else li.append(label, bar);
        return li;
      }));
    };
    bars($("why-parts"), Object.entries(why.parts), "bars");
    bars($("why-times"), Object.entries(why.times), "strip");
    $("why-nearest").replaceChildren(...why.nearest.map((n) => {
      const li = document.createElement("li");
      li.textContent = `${n.class} — ${n.example} (${n.distance.toFixed(2)})`;
      return li;
    }));
  }

  freeze(on) {
    this.frozen = on;
    this.onFreeze(on);
    this.raster.frozen = on;
    $("ctl-freeze").setAttribute("aria-pressed", String(on));
  }

  projector(on) {
    document.body.classList.toggle("projector", on);
    $("ctl-projector").setAttribute("aria-pressed", String(on));
  }

  key(e) {
    // Shortcuts work wherever the focus is after a click (a select, a checkbox), except in a text field.
    if (isTextEntry(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key.toLowerCase();
    if (/^[1-9]$/.test(k) && this.actions[Number(k) - 1]) this.send("act", { class: this.actions[Number(k) - 1] });
    else if (k === "l") this.send("learning", { on: !$("ctl-learning").checked });
    else if (k === "i") this.send("train", { mode: $("ctl-training").value === "imitation" ? "off" : "imitation" });
    else if (k === "c") this.send("train", { mode: $("ctl-training").value === "counter" ? "off" : "counter" });
    else if (k === "r") this.send("reset", { weights: "default" });
    else if (k === "u") this.send("reset", { weights: "untrained" });
    else if (k === "f") this.freeze(!this.frozen);
    else if (k === "m") {  // slow motion: 1x, 1/2x, 1/4x, round again
      const speed = $("ctl-speed");
      speed.selectedIndex = (speed.selectedIndex + 1) % speed.options.length;
      this.send("speed", { factor: Number(speed.value) });
    }
    else if (k === "p") this.projector(!document.body.classList.contains("projector"));
    else if (k === "w") this.showWhy(!this.why);
    else if (k === "h") $("controls").classList.toggle("collapsed");  // the view unobstructed
    else if (k === "s") this.sound.set(!this.sound.on);
    else return;
    e.preventDefault();
  }
}

function isTextEntry(el) {
  if (el?.isContentEditable || el?.tagName === "TEXTAREA") return true;
  return el?.tagName === "INPUT" && !["checkbox", "radio", "button", "range"].includes(el.type);
}
