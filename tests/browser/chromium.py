"""Headless Debian Chromium driven by Playwright, and fake cameras made from real clips.

Shared by the page tests. Chromium comes from Debian (apt-get install chromium),
never from `playwright install`; without it the browser tests skip, or fail when
MIRROR_REQUIRE_BROWSER is set (CI).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from demo.lab.chromium import CHROMIUM, start
from demo.lab.chromium import stop as close  # noqa: F401 (the tests' name)

from helpers import ARTIFACTS


def need_chromium() -> None:
    """Skip without Debian's chromium; fail instead when MIRROR_REQUIRE_BROWSER is set (CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("MIRROR_REQUIRE_BROWSER"):
            pytest.fail("chromium is missing: apt-get install chromium")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")


def open_page(tmp_path, url: str, camera: Path | None, viewport=(1280, 720), csp: bool = False):
    """Chromium on `url`; `csp`: keep the page's Content-Security-Policy (Playwright's
    wait_for_function needs it bypassed, so such tests poll with evaluate instead)."""
    need_chromium()
    pw, ctx = start(tmp_path / "profile", camera, viewport, bypass_csp=not csp)
    page = ctx.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(url)
    return pw, ctx, page, console


# Elements whose text is cut (wider than their box, overflow hidden) with no title to read it by.
CUT_TEXT = """(() => [...document.querySelectorAll('main *')].filter((el) => {
  if (!el.checkVisibility() || !el.textContent.trim() || el.children.length) return false;
  const style = getComputedStyle(el);
  const hides = style.overflow !== 'visible' || style.textOverflow === 'ellipsis';
  return hides && el.scrollWidth > el.clientWidth + 1 && !el.title && !el.closest('[title]');
}).map((el) => el.textContent.trim()))()"""


# JS, evaluated with a CSS selector: which visible elements overlap the followed person as drawn.
COVERING = """(selectors) => {
  const p = window.mirror.view.personRect();
  if (!p) return null;
  const over = (r) => r.left < p.right && r.right > p.left && r.top < p.bottom && r.bottom > p.top;
  return [...document.querySelectorAll(selectors)].filter((el) => el.checkVisibility())
    .filter((el) => over(el.getBoundingClientRect())).map((el) => el.id || el.className);
}"""


def sample(page, js: str, seconds: float, every_ms: int = 100) -> list:
    """What `js` says on the page, every `every_ms`, for `seconds`."""
    rows = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        rows.append(page.evaluate(js))
        page.wait_for_timeout(every_ms)
    return rows


def shot(page, name: str) -> None:
    """A screenshot of the page into test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
