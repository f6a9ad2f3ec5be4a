"""Batch answering for ``policykg ask --jsonl``: one result per input line, as each line is read.

Input is JSON Lines, ``{"id": …, "question": …}`` per line. Every non-blank line yields exactly
one output object, in order, immediately (the caller writes and flushes it), so a long batch
shows progress and a crash loses nothing already answered. A bad line — not JSON, nested
100,000 deep, not an object, an id that is NaN or a lone surrogate — yields an error object for
that line and the batch goes on. :func:`dumps_line` always produces one valid JSON line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from kg.errors import PolicyKGError

#: Longest input line taken; longer lines are refused without being parsed.
MAX_LINE_CHARS = 1_000_000


class Asker(Protocol):
    def ask(self, question: object, question_id: object = None) -> dict: ...


def _error(question_id: object, message: str, line: int) -> dict:
    return {"id": question_id, "line": line, "answered": False, "answer": None, "evidence": [], "facts": [],
            "query": None, "error": message}


def clean_id(value: object) -> object:
    """An id that JSON can carry back: strings, finite numbers, booleans, null; else its text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=True, allow_nan=False, default=str)[:200] if _plain(value) else None


def _plain(value: object, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    return value is None or isinstance(value, str | bool | int) or (isinstance(value, float) and math.isfinite(value))


def parse_line(text: str, number: int) -> tuple[object, object] | dict:
    """(id, question) from one input line, or the error object to output for it."""
    if len(text) > MAX_LINE_CHARS:
        return _error(None, f"line {number}: longer than {MAX_LINE_CHARS} characters", number)
    try:
        item = json.loads(text, parse_constant=lambda name: float("nan"))
    except RecursionError:
        return _error(None, f"line {number}: not a JSON object (nested too deeply)", number)
    except ValueError as exc:
        return _error(None, f"line {number}: not a JSON object (invalid JSON: {exc})", number)
    if not isinstance(item, dict):
        return _error(None, f"line {number}: not a JSON object (got {type(item).__name__}; expected "
                            "{\"id\": …, \"question\": …})", number)
    return clean_id(item.get("id")), item.get("question")


def answer_lines(lines: Iterable[str], answerer: Asker, **scope: object) -> Iterator[dict]:
    """One result per non-blank line, yielded as soon as that line is answered; ``scope`` (documents,
    as_of) narrows every question alike."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parsed = parse_line(line, number)
        if isinstance(parsed, dict):
            yield parsed
            continue
        question_id, question = parsed
        try:
            result = answerer.ask(question, question_id, **scope)
        except PolicyKGError as exc:
            result = _error(question_id, str(exc), number)
        except RecursionError:
            result = _error(question_id, "the question is nested too deeply", number)
        except Exception as exc:  # one bad question must not lose the answers to all the others
            result = _error(question_id, f"internal error on this question: {type(exc).__name__}", number)
        if not isinstance(result, dict):
            result = _error(question_id, "internal error on this question: no answer object", number)
        yield result


def dumps_line(result: Any) -> str:
    """One JSON line, always valid and never split: Chinese kept readable where that is safe.

    ``ensure_ascii=False`` would write U+2028/U+2029 raw (line breaks to many readers) and fail on
    lone surrogates, so those lines fall back to ASCII escapes; NaN and infinities become null.
    """
    try:
        text = json.dumps(result, ensure_ascii=False, allow_nan=False, default=str)
    except ValueError:
        text = json.dumps(_finite(result), ensure_ascii=False, default=str)
    if "\u2028" in text or "\u2029" in text or "\n" in text or "\r" in text or "\x85" in text:
        return json.dumps(_finite(result), ensure_ascii=True, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from the input
        return json.dumps(_finite(result), ensure_ascii=True, default=str)
    return text


def _finite(value: Any, depth: int = 0) -> Any:
    if depth > 100:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v, depth + 1) for v in value]
    return value


def failed(result: dict) -> bool:
    """A line counts as failed when it produced an error (a "not found" answer is not a failure)."""
    return bool(result.get("error"))
