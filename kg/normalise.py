"""Rebuild paragraphs from PDF-extracted text without gaining or losing a character.

PDF extraction leaves hard line wraps mid-word ("电\\n\\n解铝"), blank lines
between every line, extra blank lines at page breaks and stray spaces between
digits and CJK ("1500 万吨"). Only white space is ever removed here, so the
white-space-stripped output equals the white-space-stripped input, and every
output character keeps its offset into the raw text.

Paragraph ends in hard-wrapped text are recognised from line widths: a full
line is the document's modal width; a paragraph's first line is indented and
so a little shorter; a line clearly shorter than both, or a line ending in
terminal punctuation short of the full width, closes its paragraph. Texts that
are not hard-wrapped (one paragraph per line) are detected and split on lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_TERMINAL = "。！？；：”』」）"
_ASCII_WORD = re.compile(r"[A-Za-z0-9.%]")


@dataclass(frozen=True)
class Paragraph:
    """A rebuilt paragraph: its text and, per character, the offset into the raw text."""

    text: str
    offsets: tuple[int, ...]

    @property
    def start(self) -> int:
        return self.offsets[0]

    @property
    def end(self) -> int:
        return self.offsets[-1] + 1


def display_width(line: str) -> int:
    """Width in half-width cells: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@dataclass(frozen=True)
class _Line:
    text: str
    start: int  # offset of text[0] in the raw string


def _lines(raw: str) -> list[_Line]:
    lines, pos = [], 0
    for piece in raw.splitlines(keepends=True):
        body = piece.rstrip("\r\n\f\v\x1c\x1d\x1e\x85\u2028\u2029")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            lines.append(_Line(stripped, pos + lead))
        pos += len(piece)
    return lines


def full_width(lines: list[_Line]) -> int | None:
    """The modal line width if the text is hard-wrapped, else None."""
    widths = [display_width(line.text) for line in lines]
    if len(widths) < 8:
        return None
    modal, _ = Counter(widths).most_common(1)[0]
    near = sum(1 for w in widths if abs(w - modal) <= 3)
    if modal >= 40 and near >= 0.4 * len(widths):
        return modal
    return None


def _closes_paragraph(line: str, width: int, full: int) -> bool:
    if width < full - 6:  # shorter than an indented first line: certainly the last line
        return True
    return line.endswith(tuple(_TERMINAL)) and width <= full - 3


def _opens_paragraph(previous: str, line: str, full: int) -> bool:
    """After a full line ending a sentence, an indented (slightly short) line starts a paragraph."""
    return previous.endswith(tuple(_TERMINAL)) and full - 6 <= display_width(line) <= full - 3


def paragraphs(raw: str) -> list[Paragraph]:
    """Split raw text into paragraphs, joining hard-wrapped lines."""
    lines = _lines(raw)
    full = full_width(lines)
    groups: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if current and full is not None and _opens_paragraph(current[-1].text, line.text, full):
            groups.append(current)
            current = []
        current.append(line)
        if full is None or _closes_paragraph(line.text, display_width(line.text), full):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return [_join(raw, group) for group in groups]


def _join(raw: str, group: list[_Line]) -> Paragraph:
    """Concatenate lines, dropping white space except a single space between two ASCII words."""
    chars: list[str] = []
    offsets: list[int] = []
    span_start = group[0].start
    span_end = group[-1].start + len(group[-1].text)
    pending_space = False
    for index in range(span_start, span_end):
        ch = raw[index]
        if ch.isspace():
            pending_space = bool(chars)
            continue
        if pending_space and _ASCII_WORD.match(chars[-1]) and _ASCII_WORD.match(ch) and _is_inline_space(raw, index):
            chars.append(" ")
            offsets.append(index - 1)
        pending_space = False
        chars.append(ch)
        offsets.append(index)
    return Paragraph("".join(chars), tuple(offsets))


def _is_inline_space(raw: str, index: int) -> bool:
    """A space inside a line separates words; a line break between two ASCII tokens does not."""
    back = index - 1
    while back >= 0 and raw[back].isspace():
        if raw[back] in "\r\n":
            return False
        back -= 1
    return True


_SENTENCE_END = re.compile(r"[。！？；!?]+[”’」』）)]*")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences: a sentence ends at 。！？ or ；, closing quotes included."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans
