"""Every visitor-facing word comes from a translation file, and every language has them all."""

from __future__ import annotations

import json
import re

from helpers import ROOT

I18N = ROOT / "static" / "i18n"


def strings(lang: str) -> dict:
    return json.loads((I18N / f"{lang}.json").read_text())


def used_keys() -> set[str]:
    keys = set()
    for path in (ROOT / "templates").glob("*.html"):
        keys |= set(re.findall(r'data-i18n(?:-title)?="([^"]+)"', path.read_text()))
    for path in (ROOT / "static" / "js").rglob("*.js"):
        text = path.read_text()
        keys |= set(re.findall(r'\bt\("([a-z_.-]+)"', text))
        keys |= set(re.findall(r'banner\("([a-z_.-]+)"', text))
        prefixes = "story|lecture|banner|sound|invite|agent|action|record|why"
        keys |= set(re.findall(rf'"((?:{prefixes})\.[a-z_.]+)"', text))
    return keys


def test_languages_have_the_same_keys_and_no_empty_text():
    en, de = strings("en"), strings("de")
    assert set(en) == set(de), set(en) ^ set(de)
    assert all(isinstance(v, str) and v.strip() for v in (*en.values(), *de.values()))
    # Placeholders match, so no sentence loses its {action}.
    for key, text in en.items():
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", de[key])), key


def test_every_key_the_pages_use_exists():
    en = strings("en")
    missing = {k for k in used_keys() if k not in en}
    assert not missing, missing
    assert len(used_keys()) > 30


def test_every_shipped_class_has_its_words():
    from demo.recognition.library import Library

    en, de = strings("en"), strings("de")
    for c in Library():
        assert f"class.{c.name}.label" in en and f"class.{c.name}.label" in de
        assert en[f"class.{c.name}.label"] == c.label  # the library and the words agree
        assert en[f"class.{c.name}.explanation"] == c.explanation and f"class.{c.name}.explanation" in de
