"""The language catalogue: both languages have the same keys, and every reason code has its message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.answer.frame import AskedKind, UnitFamily
from kg.answer.model import Localized, Reason, ReasonCode
from kg.i18n import Language, catalogue, text

PROJECT = Path(__file__).resolve().parent.parent


def test_languages_have_the_same_keys() -> None:
    assert set(catalogue(Language.ZH)) == set(catalogue(Language.EN))


def test_every_closed_set_has_its_words() -> None:
    keys = set(catalogue(Language.ZH))
    assert {f"reason.{code.value}" for code in ReasonCode} <= keys
    assert {f"kind.{kind.value}" for kind in AskedKind} <= keys
    assert {f"family.{family.value}" for family in UnitFamily} <= keys


def test_every_key_used_in_the_code_exists() -> None:
    used = set()
    for path in (PROJECT / "kg").rglob("*.py"):
        used |= set(re.findall(r'i18n\(\s*f?"([a-z_]+\.[a-z_]+)"', path.read_text("utf-8")))
    assert used and used <= set(catalogue(Language.ZH))


def test_placeholders_match_across_languages() -> None:
    zh, en = catalogue(Language.ZH), catalogue(Language.EN)
    for key in zh:
        assert set(re.findall(r"{(\w+)}", zh[key])) == set(re.findall(r"{(\w+)}", en[key])), key


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_renders_in_both_languages(code: ReasonCode) -> None:
    names = set(re.findall(r"{(\w+)}", catalogue(Language.ZH)[f"reason.{code.value}"]))
    reason = Reason(code, {name: Localized("船舶", " for shipbuilding") for name in names})
    rendered = reason.as_dict("en")
    assert rendered["code"] == code.value and rendered["text"] == rendered["text_en"]
    assert "{" not in rendered["text_zh"] + rendered["text_en"]
    assert text("text.not_found", "zh", reason=rendered["text_zh"]).startswith("未找到")
