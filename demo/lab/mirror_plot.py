"""`python -m demo mirror plot`: typical responses of the model, as one PNG.

Runs the protocols of demo/lab/mirror_experiments.py (the ones the tests check)
on performances of the virtual actor that the library has never seen, seen
through the real recogniser, and draws: single units seeing and doing, the
population's goal preference, the intention units parting, and the
observation tuning before and after imitation and counter-mirror training.
It draws; it must not change the model's files.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np

from demo.lab import mirror_experiments as ex
from demo.mirror.params import load
from demo.mirror.population import actions_of
from demo.mirror.session import MirrorSystem, counter_map
from demo.recognition import training
from demo.recognition.library import Library
from demo.synth import virtual_actor

SHOWN = ("grasp-to-mouth", "point", "arm-circles")


def _tuning_by_action(session: MirrorSystem, probe: dict) -> np.ndarray:
    """(motor-preferred action, seen action): mean rate of the plastic units."""
    tuning = ex.observation_tuning(session, probe)
    pop = session.population
    k = len(session.names)
    out = np.zeros((k, k))
    for a in range(k):
        units = [u for u in np.flatnonzero(pop.plastic) if pop.pref[u] == a]
        out[a] = np.nanmean(tuning[units], axis=0) if units else np.nan
    return out


def _first_example(lib: Library, name: str):
    """A class's first example recording: the model's own movement when it acts."""
    return (lib[name].recordings() or [None])[0]


def plot(out: Path, library: Path | None = None, params: Path | None = None, log=print) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lib = Library(library)
    model = training.fit(lib)
    p = load(params)
    names = [a.name for a in actions_of(model.classes)]
    labels = {c.name: c.label for c in model.classes}
    examples = partial(_first_example, lib)
    log("seeing and doing...")
    seen = {a: [ex.observations(model, virtual_actor.recording(a, 1000 + s), names) for s in range(2)]
            for a in names if a in virtual_actor.SCRIPTS}
    s = MirrorSystem(model.classes, p, examples)
    trace = ex.see_and_do(s, {a: seen[a][:1] for a in SHOWN if a in seen}, act=[a for a in SHOWN if a in seen])
    pop = s.population

    fig = plt.figure(figsize=(16, 11), constrained_layout=True)
    grid = fig.add_gridspec(3, 4)
    ax = fig.add_subplot(grid[0, :])
    t = np.array(trace.t)
    rates = trace.array()
    lines = [("strict", "grasp-to-mouth", "mirror unit (drink)", "#009e73"),
             ("motor", "grasp-to-mouth", "motor-only unit (drink)", "#e69f00"),
             ("visual", "grasp-to-mouth", "STS visual unit (drink)", "#56b4e9"),
             ("motion", None, "STS biological-motion unit", "#999999")]
    for kind, action, label, colour in lines:
        unit = pop.select(type=kind, action=action)[0]
        ax.plot(t, rates[:, unit], color=colour, label=label, lw=1.6)
    for seen_or_done, style in (("seen", 0.12), ("done", 0.25)):
        marks = getattr(trace, seen_or_done)
        i = 0
        while i < len(marks):
            if marks[i] is None:
                i += 1
                continue
            j = i
            while j < len(marks) and marks[j] == marks[i]:
                j += 1
            ax.axvspan(t[i], t[j - 1], color="k", alpha=style, lw=0)
            ax.text((t[i] + t[j - 1]) / 2, p.dynamics.r_max * 0.97, f"{seen_or_done}: {labels[marks[i]]}",
                    ha="center", va="top", fontsize=9)
            i = j
    ax.set(title="Single units: the mirror unit fires when the model drinks and when it sees drinking; "
                 "aimless arm circles barely move it", xlabel="s", ylabel="rate (Hz)", ylim=(0, p.dynamics.r_max))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4, fontsize=9)

    log("goal preference...")
    full = ex.see_and_do(MirrorSystem(model.classes, p, examples), seen, act=())
    ax = fig.add_subplot(grid[1, :2])
    shown = [a for a in names if a in seen]
    mirror, sts = pop.mirror_units(), pop.select(region="STS")
    x = np.arange(len(shown))
    own = {a: np.intersect1d(mirror, pop.select(action=a)) for a in shown}  # each class's own mirror units
    ax.bar(x - 0.2, [full.mean(own[a], seen=a) for a in shown], 0.4, color="#009e73",
           label="its own mirror units")
    ax.bar(x + 0.2, [full.mean(sts, seen=a) for a in shown], 0.4, color="#56b4e9", label="STS units")
    ax.axhline(s.model.rest[mirror].mean(), color="k", ls=":", lw=1, label="rest")
    goal_flags = {c.name: c.goal_directed for c in model.classes}
    ax.set_xticks(x, [f"{labels[a]}\n({'goal' if goal_flags[a] else 'aimless'})" for a in shown],
                  fontsize=7, rotation=25, ha="right")
    ax.set(title="Seen actions: mirror units answer goals, STS sees all movement", ylabel="mean rate (Hz)")
    ax.legend(fontsize=9)

    log("intention...")
    ax = fig.add_subplot(grid[1, 2:])
    eat = pop.select(type="chain", action="grasp-to-mouth")
    place = pop.select(type="chain", action="grasp-to-place")
    for action, style in (("grasp-to-mouth", "-"), ("grasp-to-place", "--")):
        rec, marks = virtual_actor.marked_recording(action, 1001)
        watcher = MirrorSystem(model.classes, p, examples)
        watcher.set_context(action)  # the scene offers the goal: a cup, or Fogassi's container
        run = ex.Runner(watcher)
        run.rest(0.5)
        start = run.t
        run.watch(ex.observations(model, rec, names), action)
        tt, rr = np.array(run.trace.t) - start, run.trace.array()
        for units, colour, name in ((eat, "#009e73", "eat"), (place, "#cc79a7", "place")):
            ax.plot(tt, rr[:, units].mean(axis=1), style, color=colour,
                    label=f"'{name}' units, seeing {labels[action]}")
        ax.axvspan(marks["grasp"], marks["lift"], color="0.85" if style == "-" else "0.93", lw=0)
    ax.set(title="Intention: the scene picks a PF chain; eat vs place in the grasp (grey)",
           xlabel="s from the clip's start", ylabel="rate (Hz)")
    ax.legend(fontsize=8)

    log("learning...")
    seen_examples = {a: [ex.observations(model, virtual_actor.recording(a, 2000 + k), names) for k in range(3)]
                for a in shown}
    probe = {a: seen[a] for a in shown}
    learner = MirrorSystem(model.classes, p, examples)
    learner.reset("untrained")
    stages = [("untrained", None, 0), ("after imitation training", "imitation", 2),
              ("after counter-mirror training", "counter", 3)]
    pairs = counter_map(names)
    for col, (title, mode, rounds) in enumerate(stages):
        if mode:
            ex.train(learner, mode, seen_examples, rounds=rounds)
        m = _tuning_by_action(learner, probe)
        ax = fig.add_subplot(grid[2, col])
        idx = [names.index(a) for a in shown]
        ax.imshow(m[np.ix_(idx, idx)], cmap="viridis", vmin=0, vmax=40)
        ax.set_xticks(range(len(shown)), [labels[a] for a in shown], rotation=60, fontsize=7, ha="right")
        ax.set_yticks(range(len(shown)), [labels[a] for a in shown], fontsize=7)
        ax.set(title=title, xlabel="seen action", ylabel="unit's own (motor) action")
    ax = fig.add_subplot(grid[2, 3])
    ax.axis("off")
    ax.text(0, 0.98, "Learning from contingency\n(Heyes 2010; Cook et al. 2010)\n\n"
            "Rows: plastic units by the action\nthey perform. Columns: the action\nthey see."
            " Colour: mean rate, 0-40 Hz.\n\n"
            "Imitation (the model does what it\nsees) builds the diagonal from\nnothing;"
            " counter-mirror training\n(it does another action) moves it:\n"
            + "\n".join(f"  sees {labels[a]} -> {labels[b]}" for a, b in pairs.items() if a in shown)
            + "\nAimless movement stays weak:\nthe goal gate.",
            va="top", fontsize=8)
    fig.suptitle("Mirror: a toy population of mirror units (models/mirror/params.toml, docs/model.md)")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out
