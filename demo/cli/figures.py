"""`python -m demo figures [run NAME ... | refresh | check]`: README and docs figures from the
commands that measure them (demo/lab/figures.py). `run` measures (slow: it runs the command);
`refresh` rewrites the quoted figures from the kept files; `check` lists those that differ."""

from __future__ import annotations

import argparse
import sys

from demo.lab import figures


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("run", "refresh", "check"), nargs="?", default="check")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"sources to run (default: all): {', '.join(figures.SOURCES)}")


def run(args: argparse.Namespace) -> int:
    if args.action == "run":
        for name in args.names or list(figures.SOURCES):
            print(f"running {figures.SOURCES[name].shown() if name in figures.SOURCES else name} ...",
                  file=sys.stderr, flush=True)
            figures.run(name)
    if args.action in ("run", "refresh"):
        for path in figures.refresh():
            print(f"rewrote {path.relative_to(figures.ROOT)}")
        return 0
    stale = figures.stale()
    for line in stale:
        print(f"differs from its source: {line}")
    if stale:
        print("Run `python -m demo figures refresh` (or `run NAME` to measure again).", file=sys.stderr)
    return 1 if stale else 0
