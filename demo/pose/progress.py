"""A dependency-free text progress bar for long steps (downloads, builds).

It only writes to a stream; it must not decide anything about the work.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """`with ProgressBar("model", total) as bar: bar.update(n)`; total may be unknown (0)."""

    def __init__(self, label: str, total: int = 0, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self._last = 0.0
        self._text = ""

    def __enter__(self) -> ProgressBar:
        self._draw(force=True)
        return self

    def __exit__(self, *exc) -> None:
        self._draw(force=True)
        if self.stream.isatty():
            self.stream.write("\n")
        else:
            self.stream.write(f"{self.label}: {self._text or f'{self.done / 1e6:.1f} MB'}\n")
        self.stream.flush()

    def update(self, n: int) -> None:
        self.done += n
        self._draw()

    def step(self, text: str) -> None:
        """A step without a byte count (for example "building bundle")."""
        self._text = text
        self._write(text)

    def _write(self, text: str) -> None:
        # On a terminal, redraw in place; in a log (CI), one line per update is noise.
        if self.stream.isatty():
            self.stream.write(f"\r{self.label}: {text}\x1b[K")
            self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._text or (not force and now - self._last < 0.1):
            return
        self._last = now
        mb = self.done / 1e6
        if self.total:
            frac = min(1.0, self.done / self.total)
            filled = int(frac * 30)
            bar = "#" * filled + "-" * (30 - filled)
            text = f"[{bar}] {frac:4.0%} {mb:.1f}/{self.total / 1e6:.1f} MB"
        else:
            text = f"{mb:.1f} MB"
        self._write(text)
