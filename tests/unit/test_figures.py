"""README and docs quote figures from the commands that measured them (demo/lab/figures.py)."""

from __future__ import annotations

import shutil

import pytest

from demo.cli.main import BY_NAME
from demo.errors import DemoError
from demo.lab import figures


def test_every_quoted_figure_is_its_commands_output():
    """A figure in README or docs that differs from its source's file fails here: measure again
    with `python -m demo figures run NAME`, or `refresh` after editing a kept file."""
    assert figures.stale() == []


def test_a_figure_edited_by_hand_is_caught(tmp_path):
    """Negative control: the same check on a copy of the README with one figure changed by hand."""
    shutil.copy(figures.ROOT / "README.md", tmp_path / "README.md")
    text = (tmp_path / "README.md").read_text()
    mark = "<!-- fig:footage.shipped-library.goal -->"
    start = text.index(mark) + len(mark)
    (tmp_path / "README.md").write_text(text[:start] + "0.999" + text[text.index("<!--", start):])
    assert figures.stale(tmp_path) == ["README.md: footage.shipped-library.goal"]
    figures.refresh(tmp_path)
    assert figures.stale(tmp_path) == []


def test_a_figure_its_source_never_measured_is_named(tmp_path):
    (tmp_path / "README.md").write_text("Mean <!-- fig:eval-cv.accuracy -->0.9<!-- /fig --> and "
                                        "<!-- fig:no-such-source.x -->1<!-- /fig -->\n")
    with pytest.raises(DemoError) as err:
        figures.stale(tmp_path)
    assert "'eval-cv' have no 'accuracy'" in str(err.value) and "output" in str(err.value)
    assert "figures run eval-cv" in err.value.fix


def test_every_source_is_a_command_that_exists():
    for source in figures.SOURCES.values():
        argv = source.command()
        if argv[2] == "demo":
            assert argv[3] in BY_NAME, source.name
        else:
            assert all((figures.ROOT / a).exists() for a in argv if a.startswith("tests/")), source.name
