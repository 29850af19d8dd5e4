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


# What visitors read (the kiosk's sentence, invitation, captions, region names): plain words.
VISITOR_KEYS = re.compile(r"^(story|invite|action|agent|brain|raster|gauge|evidence|region|class)\.|^caveat$")
JARGON = re.compile(r"\b(STS|premotor|parietal|prämotorisch|parietale?n?|brain cells|Nervenzellen|neurons?|"
                    r"Neuronen)\b", re.IGNORECASE)


def test_visitors_read_plain_words_with_the_regions_plain_name_first():
    for lang in ("en", "de"):
        words = strings(lang)
        for key, text in words.items():
            if not VISITOR_KEYS.match(key):
                continue
            if key.startswith("region.") and not key.endswith(".short"):
                # The long name: plain words first, the anatomy after, in brackets.
                plain = text.split("(")[0]
                assert "(" in text and not JARGON.search(plain), (lang, key, text)
            else:
                assert not JARGON.search(text), (lang, key, text)
