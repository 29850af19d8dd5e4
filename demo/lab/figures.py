"""Figures in README and docs from one source: the output of the command that measured them.

Each source below names a command. `python -m demo figures run NAME` runs it and keeps what it
printed (or, for a test file, the figures its tests recorded) in `docs/figures/NAME.json`; every
README and docs passage between `<!-- fig:NAME.KEY -->` and `<!-- /fig -->` is then rewritten
from that file (`output` is the command's whole output as a fenced block; each of its lines
"label: value" is also kept under the label, in lower case with dashes). `check` says which
passages differ from their file; a unit test runs it, so a figure copied by hand, or edited
after the fact, fails the suite. Nothing here measures anything itself.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from demo.config import ROOT, SHARED_DATA
from demo.errors import DemoError

FIGURES_DIR = ROOT / "docs" / "figures"
DOCUMENTS = ("README.md", "docs/*.md")  # where figures are quoted
# Tests record their figures here when it is set (tests/conftest.py, from `helpers.figure`).
TESTS_OUT = "MIRROR_FIGURES_OUT"
# A quote: source and key in lower case (so that docs can write the pattern itself in capitals).
MARK = re.compile(r"(<!-- fig:(?P<name>[a-z][a-z0-9-]*)\.(?P<key>[a-z0-9][\w.-]*) -->)"
                  r"(?P<body>.*?)(<!-- /fig -->)", re.S)


@dataclass(frozen=True)
class Source:
    """A command whose output is quoted: `argv` after `python`; {data} is the shared data folder.
    `tests`: a pytest run whose tests record figures (keys), not an output to quote."""

    name: str
    argv: tuple[str, ...]
    tests: bool = False

    def command(self) -> list[str]:
        return [sys.executable, *(a.format(data=SHARED_DATA) for a in self.argv)]

    def shown(self) -> str:
        return shlex.join(["python", *(a.format(data="../shared/data") for a in self.argv)])


SOURCES = {s.name: s for s in (
    Source("eval-cv", ("-m", "demo", "eval", "--cv", "5", "--biisc", "{data}/biisc")),
    Source("eval-cv-five", ("-m", "demo", "eval", "--cv", "5", "--biisc", "{data}/biisc",
                            "--per-class", "5", "--draws", "2")),
    *(Source(f"eval-cv-{v}", ("-m", "demo", "eval", "--cv", "5", "--biisc", "{data}/biisc", "--pose-model", v))
      for v in ("lite", "heavy")),
    Source("eval-live", ("-m", "demo", "eval", "--live", "--biisc", "{data}/biisc", "--clips", "40")),
    Source("bench-page", ("-m", "demo", "bench", "--only", "page")),
    Source("bench", ("-m", "demo", "bench")),
    *(Source(f"bench-{v}", ("-m", "demo", "bench", "--pose-model", v)) for v in ("lite", "heavy")),
    Source("bench-viewers", ("-m", "demo", "bench", "--only", "viewers")),
    Source("mirror", ("-m", "pytest", "tests/unit/test_mirror.py", "-q", "-p", "no:cacheprovider"), tests=True),
    Source("footage", ("-m", "pytest", "tests/footage/test_recognition_on_people.py", "-q",
                       "-p", "no:cacheprovider", "-k", "shipped_library_judges or shown_at_rest"), tests=True),
)}


def labelled_lines(output: str) -> dict[str, str]:
    """Each line "label: value" of a command's output under its label as a key ("8-way accuracy:
    mean 0.810, ..." -> "8-way-accuracy"); none for an output that is JSON (quoted whole)."""
    out: dict[str, str] = {}
    if output.lstrip().startswith("{"):
        return out
    for line in output.splitlines():
        label, sep, value = line.strip().partition(": ")
        key = re.sub(r"[^a-z0-9.]+", "-", label.lower()).strip("-")
        if sep and key and value and key[0].isalnum() and key not in out:
            out[key] = value.strip()
    return out


def figure_file(name: str) -> Path:
    return FIGURES_DIR / f"{name}.json"


def run(name: str) -> dict:
    """Run a source's command and keep its figures (the command's output, or its tests' records)."""
    if name not in SOURCES:
        raise DemoError(f"No figure source called {name!r}.", f"Choose one of: {', '.join(SOURCES)}.")
    source = SOURCES[name]
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        recorded = Path(tmp) / "figures.json"
        if source.tests:
            env[TESTS_OUT] = str(recorded)
        # Its progress and warnings go to this terminal, and a test run's whole report (its tests
        # record the figures); a command's output is the figures.
        done = subprocess.run(source.command(), cwd=ROOT, env=env, text=True,
                              stdout=None if source.tests else subprocess.PIPE)
        if done.returncode != 0:
            raise DemoError(f"`{source.shown()}` failed (exit {done.returncode}).",
                            "Its messages are above; the figures were left as they were.")
        values = (json.loads(recorded.read_text()) if source.tests
                  else {"output": done.stdout.rstrip("\n"), **labelled_lines(done.stdout)})
    kept = {"command": source.shown(), "measured": date.today().isoformat(), "values": values}
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    figure_file(name).write_text(json.dumps(kept, indent=2, ensure_ascii=False) + "\n")
    return kept


def documents(root: Path = ROOT) -> list[Path]:
    return sorted({p for pattern in DOCUMENTS for p in root.glob(pattern)})


def _values(name: str, cache: dict[str, dict]) -> dict:
    if name not in cache:
        path = figure_file(name)
        if not path.is_file():
            raise DemoError(f"A document quotes figures of {name!r}, but {path} is missing.",
                            f"Run `python -m demo figures run {name}`.")
        cache[name] = json.loads(path.read_text())["values"]
    return cache[name]


def render(name: str, key: str, cache: dict[str, dict]) -> str:
    """What stands between a passage's marks: the figure, or the whole output as a fenced block."""
    values = _values(name, cache)
    if key not in values:
        raise DemoError(f"Figures of {name!r} have no {key!r} (they have: {', '.join(sorted(values))}).",
                        f"Quote one of those, or have it measured (`python -m demo figures run {name}`).")
    value = str(values[key])
    return f"\n```\n{value}\n```\n" if key == "output" else value


def refreshed(text: str, cache: dict[str, dict]) -> str:
    return MARK.sub(lambda m: m.group(1) + render(m["name"], m["key"], cache) + m.group(5), text)


def refresh(root: Path = ROOT) -> list[Path]:
    """Rewrite every quoted figure from its file; the documents that changed."""
    cache: dict[str, dict] = {}
    changed = []
    for path in documents(root):
        text = path.read_text()
        new = refreshed(text, cache)
        if new != text:
            path.write_text(new)
            changed.append(path)
    return changed


def stale(root: Path = ROOT) -> list[str]:
    """Each quoted figure that differs from its file, as 'document: name.key'."""
    cache: dict[str, dict] = {}
    out = []
    for path in documents(root):
        for m in MARK.finditer(path.read_text()):
            if m["body"] != render(m["name"], m["key"], cache):
                out.append(f"{path.relative_to(root)}: {m['name']}.{m['key']}")
    return out
