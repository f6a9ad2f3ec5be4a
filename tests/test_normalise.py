"""kg.normalise: paragraphs are rebuilt from PDF-extracted text by removing white space only.

The two promises tested here, on generated texts, on the seed and on every text of the shipped library:

* nothing is gained or lost: the white-space-free concatenation of the paragraphs equals the
  white-space-free raw text;
* every paragraph character keeps its offset into the raw text (the one space kept between two
  ASCII words points at the white space it stands for).
"""

from __future__ import annotations

import pytest
from helpers import CORPUS, LIBRARY, SEED, squash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.corpus import discover
from kg.normalise import Paragraph, display_width, full_width, paragraphs, split_sentences

RAW_SEED = SEED.read_text(encoding="utf-8")
LIBRARY_METAS = discover(CORPUS)


def assert_lossless(raw: str, paras: list[Paragraph]) -> None:
    assert squash("".join(p.text for p in paras)) == squash(raw)
    for para in paras:
        assert len(para.offsets) == len(para.text)
        assert list(para.offsets) == sorted(set(para.offsets)), "offsets must increase strictly"
        for char, offset in zip(para.text, para.offsets, strict=True):
            if char.isspace():  # the single space kept between ASCII words stands for raw white space
                assert raw[offset].isspace(), (char, offset, raw[max(0, offset - 5): offset + 5])
            else:
                assert raw[offset] == char, (char, offset, raw[max(0, offset - 5): offset + 5])
        assert para.text == para.text.strip(), "a paragraph neither starts nor ends with white space"
        assert para.text, "no empty paragraphs"


# ------------------------------------------------------------------ generated texts
CJK = "化解产能严重过剩矛盾钢铁水泥电解铝平板玻璃船舶淘汰落后严禁新增项目地方政府金融机构要须鼓励支持"
TOKENS = st.one_of(
    st.text(alphabet=CJK, min_size=1, max_size=6),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=1, max_size=5),
    st.integers(min_value=0, max_value=99999).map(str),
    st.sampled_from(["，", "。", "；", "：", "、", "“", "”", "（", "）", "%", ".", "——", "！", "？", "《", "》"]),
    # stray spaces between digits and CJK, as PDF extraction leaves them
    st.tuples(st.integers(1, 20000), st.sampled_from(["万吨", "亿吨", "年底", "万安培", "%"]),
              st.sampled_from([" ", "  ", "", "\u3000"])).map(lambda t: f"{t[0]}{t[2]}{t[1]}"),
    st.sampled_from(["PM 2.5", "GDP 7.5%", "2015 年底前", "72%、73.7%"]),
)
SEPARATORS = st.sampled_from(["", " ", "  ", "\t", "\u3000", "\n", "\n\n", "\r\n", "\n \n", "\n\n\n\n\n", "\f\n"])


@st.composite
def free_texts(draw) -> str:
    """Tokens separated by arbitrary white space: line breaks, blank runs, stray spaces."""
    pieces = draw(st.lists(st.tuples(TOKENS, SEPARATORS), min_size=1, max_size=80))
    lead = draw(st.sampled_from(["", " ", "\n", "\n\n", "  "]))
    return lead + "".join(token + sep for token, sep in pieces)


def _wrap(text: str, cells: int) -> list[str]:
    lines, current = [], ""
    for char in text:
        if display_width(current + char) > cells:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current] if current else lines


@st.composite
def wrapped_texts(draw) -> str:
    """Hard-wrapped paragraphs at a fixed display width, blank lines between lines, page-break runs."""
    cells = draw(st.integers(min_value=44, max_value=76))
    paras = draw(st.lists(st.lists(TOKENS, min_size=10, max_size=60).map("".join), min_size=3, max_size=8))
    lines: list[str] = []
    for para in paras:
        lines.extend(_wrap("  " + para.rstrip("。") + "。", cells))
    out = []
    for index, line in enumerate(lines):
        out.append(line)
        out.append(draw(st.sampled_from(["\n\n", "\n\n", "\n \n", "\n\n\n\n\n"])) if index < len(lines) - 1 else "\n")
    return "".join(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(free_texts())
def test_free_text_keeps_every_character(raw: str) -> None:
    assert_lossless(raw, paragraphs(raw))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wrapped_texts())
def test_hard_wrapped_text_keeps_every_character(raw: str) -> None:
    assert_lossless(raw, paragraphs(raw))


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_any_unicode_keeps_every_character(raw: str) -> None:
    assert_lossless(raw, paragraphs(raw))


# ------------------------------------------------------------------ real texts
def test_seed_keeps_every_character() -> None:
    assert_lossless(RAW_SEED, paragraphs(RAW_SEED))


def test_library_texts_are_present() -> None:
    assert tuple(m.id for m in LIBRARY_METAS) == LIBRARY, f"expected the shipped library in {CORPUS}"


@pytest.mark.parametrize("path", [m.text_path for m in LIBRARY_METAS], ids=lambda p: p.name)
def test_library_text_keeps_every_character(path) -> None:
    raw = path.read_text(encoding="utf-8")
    assert_lossless(raw, paragraphs(raw))


def test_seed_is_recognised_as_hard_wrapped() -> None:
    from kg.normalise import _lines

    assert full_width(_lines(RAW_SEED)) is not None


# ------------------------------------------------------------------ concrete cases
def test_word_split_across_blank_line_is_joined_in_the_seed() -> None:
    assert "水泥、电\n\n解铝、平板玻璃" in RAW_SEED  # the PDF broke 电解铝 over a blank line
    texts = [p.text for p in paragraphs(RAW_SEED)]
    assert any("2012年底，我国钢铁、水泥、电解铝、平板玻璃、船舶产能利用率" in t for t in texts)
    assert not any(t.endswith("电") or t.startswith("解铝") for t in texts)


def test_word_split_across_blank_line_is_joined_in_wrapped_text() -> None:
    body = "为积极有效地化解钢铁、水泥、电解铝、平板玻璃、船舶等行业产能严重过剩矛盾，同时指导其他产能过剩行业化解工作"
    line = body[:27]
    filler = [line] * 8
    broken = body[:17] + "特别是钢铁、水泥、电"  # a full line that ends mid-word
    raw = "\n\n".join([*filler, broken, "解铝等高消耗、高排放行业尤为突出。"]) + "\n"
    # a hard-wrapped document: eight full lines, then 电 | 解铝 broken over a blank line
    assert display_width(line) >= 40 and display_width(broken) == display_width(line)
    texts = [p.text for p in paragraphs(raw)]
    assert any("水泥、电解铝等高消耗" in t for t in texts), texts


def test_space_between_digits_and_cjk_is_removed() -> None:
    assert [p.text for p in paragraphs("淘汰炼铁 1500 万吨。")] == ["淘汰炼铁1500万吨。"]
    assert "再淘汰炼铁 1500 万吨、炼钢 1500万吨" in RAW_SEED
    assert any("再淘汰炼铁1500万吨、炼钢1500万吨、水泥（熟料及粉磨能力）1亿吨" in p.text for p in paragraphs(RAW_SEED))


def test_space_between_two_ascii_words_is_kept() -> None:
    assert [p.text for p in paragraphs("采用 PM 2.5 标准")] == ["采用PM 2.5标准"]


def test_seed_electrolytic_aluminium_paragraph() -> None:
    found = [p for p in paragraphs(RAW_SEED) if p.text.startswith("电解铝。2015年底前淘汰16万安培以下预焙槽")]
    assert len(found) == 1
    para = found[0]
    assert para.text.endswith("鼓励国内企业在境外能源丰富地区建设电解铝生产基地。")
    assert squash(RAW_SEED[para.start: para.end]) == para.text


def test_seed_paragraph_count_is_plausible() -> None:
    # 61 numbered parts/items/leads and body paragraphs, plus the addressee and signature lines
    texts = [p.text for p in paragraphs(RAW_SEED)]
    assert texts[0] == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
    assert texts[-2:] == ["国务院", "2013年10月6日"]
    assert "一、充分认识化解产能严重过剩矛盾的重要性和紧迫性" in texts
    assert all(len(t) < 2000 for t in texts), "paragraphs must not run into each other"


def test_sentence_split_keeps_terminators_and_closing_quotes() -> None:
    text = "要求“严禁新增产能。”其后照办；最后（完）。无标点结尾"
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "要求“严禁新增产能。”", "其后照办；", "最后（完）。", "无标点结尾"]


def test_sentence_split_on_real_paragraph() -> None:
    para = next(p.text for p in paragraphs(RAW_SEED) if p.text.startswith("分类妥善处理在建违规项目。"))
    sentences = [para[a:b] for a, b in split_sentences(para)]
    assert sentences[0] == "分类妥善处理在建违规项目。"
    assert "凡是未开工的违规项目，一律不得开工建设；" in sentences
    assert "凡是不符合产业政策、准入标准、环保要求的违规项目一律停建；" in sentences
    assert "".join(sentences) == para
    assert all(s[-1] in "。；" for s in sentences)


def test_sentence_split_ignores_blank_tail() -> None:
    assert split_sentences("严禁建设新增产能项目。  ") == [(0, 11)]
    assert split_sentences("") == []
