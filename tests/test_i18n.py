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


def _app_sources() -> dict[Path, str]:
    files = [PROJECT / "app.py", *sorted((PROJECT / "app_pages").glob("*.py")),
             *sorted((PROJECT / "kg" / "ui").glob("*.py")), PROJECT / "kg" / "exports.py"]
    return {path: path.read_text("utf-8") for path in files}


def test_every_ui_key_used_by_the_app_exists() -> None:
    """tr("key") in app.py, app_pages/ and kg/ui/, the keys built from closed sets, and the tables of keys."""
    from kg.checklist import ALL_MODALITIES
    from kg.exports import FIELDS
    from kg.queries import ParamType, named_queries
    from kg.ui.answer import LIST_ORDER
    from kg.ui.chrome import PAGES

    used: set[str] = set()
    for source in _app_sources().values():
        used |= set(re.findall(r"""\btr\(\s*['"]([a-z_]+)['"]""", source))
        used |= set(re.findall(r"""\btr\(\s*['"][a-z_]+['"] if \w+ else ['"]([a-z_]+)['"]""", source))
        used |= set(re.findall(r"""\(\s*['"]\w+['"],\s*['"]((?:download|sparql)_[a-z_]+)['"]""", source))
        used |= set(re.findall(r"""\),\s*['"](sparql_[a-z_]+)['"]\)""", source))
    used |= {f"page_{p}" for p in PAGES} | {f"modality_{m}" for m in ALL_MODALITIES}
    used |= {f"list_{m}" for m in (*LIST_ORDER, *ALL_MODALITIES)} | {f"col_{f}" for f in FIELDS}
    used |= {f"view_{v}" for v in ("table", "cards")} | {f"query_{q}" for q in named_queries()}
    # Every parameter of every named query has its input's type and description in both languages.
    used |= {f"param_type_{t.value}" for t in ParamType}
    used |= {f"qparam_{q.name}_{p.name}" for q in named_queries().values() for p in q.parameters}
    used |= {f"kind_{k}" for k in ("industry", "agency", "provision", "deadline", "valid_from", "target", "figure")}
    used |= {f"rel_{r}" for r in ("concerns", "bears", "bears_addressee", "narrower", "region", "uses", "quantity",
                                  "in_section")}
    assert {"sparql_refused", "sparql_syntax", "download_json", "list_summary", "col_citation"} <= used
    missing = {f"ui.{key}" for key in used} - set(catalogue(Language.ZH))
    assert not missing, missing
    assert {f"ui.{key}" for key in used} <= set(catalogue(Language.EN))


def test_the_app_has_no_string_table_of_its_own() -> None:
    """UI words come from the catalogue: no STRINGS dict, no st.* label written as an English literal."""
    for path, source in _app_sources().items():
        assert "STRINGS" not in source, path
        calls = r"st\.(?:subheader|caption|button|info|warning|error|text_input|selectbox|radio|checkbox|expander|"
        calls += r"download_button|form_submit_button)"
        literal = re.findall(calls + r'\(\s*"([A-Za-z][^"]*)"', source)
        assert not literal, (path, literal)


def test_chinese_ui_strings_have_no_english_words() -> None:
    """Every zh UI string is Chinese, but for names that stay as they are (PolicyKG, SPARQL, formats, code)."""
    allowed = {"PolicyKG", "Language", "SPARQL", "CSV", "JSON", "Excel", "Markdown", "ID", "ASK", "LOAD", "SERVICE",
               "SELECT", "CONSTRUCT", "DESCRIBE", "policykg", "build", "guofa"}
    for key, value in catalogue(Language.ZH).items():
        if not key.startswith("ui."):
            continue
        words = set(re.findall(r"[A-Za-z]{2,}", re.sub(r"{[^}]*}|`[^`]*`", "", value)))
        assert words <= allowed, (key, words - allowed)
