"""Hostile batches for ``policykg ask --jsonl`` (issue 12, item 4).

Every non-blank line yields exactly one valid JSON line, as it is read; a bad line yields an
error object for that line and the batch goes on; the exit status says whether any line failed.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import PROJECT, cli_env, policykg_command, run_cli

from kg.answer.batch import answer_lines, dumps_line, failed


class EchoAnswerer:
    """Answers with the question; raises for the questions that name an exception."""

    def ask(self, question: object, question_id: object = None) -> dict:
        if question == "boom":
            raise RuntimeError("boom")
        if not isinstance(question, str) or not question.strip():
            return {"id": question_id, "answered": False, "error": "the question is empty"}
        return {"id": question_id, "answered": True, "answer": question}


HOSTILE = [
    "[" * 100_000,
    '{"id": "\\ud800", "question": "q1"}',
    '{"id": NaN, "question": "q2"}',
    '{"id": Infinity, "question": "q3"}',
    "[1, 2]",
    '"a string"',
    '{"id": "sep", "question": "a\u2028b\u2029c\x85d"}',
    '{"id": {"nested": [1, 2]}, "question": "q4"}',
    '{"id": "boom", "question": "boom"}',
    '{"id": "deep", "question": ' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"id": "ok", "question": "q5"}',
]


def test_every_hostile_line_yields_one_valid_json_line() -> None:
    results = list(answer_lines(HOSTILE, EchoAnswerer()))
    assert len(results) == len(HOSTILE)
    text = "".join(dumps_line(r) + "\n" for r in results)
    lines = text.split("\n")[:-1]
    assert len(lines) == len(HOSTILE) and len(text.splitlines()) == len(HOSTILE)  # no line split by U+2028/U+0085
    decoded = [json.loads(line) for line in lines]  # every line is valid JSON (NaN would not be)
    text.encode("utf-8")  # no lone surrogate written raw
    ids = [d["id"] for d in decoded]
    assert ids[1] == "\ud800" and ids[2] is None and ids[3] is None
    assert ids[7] == '{"nested": [1, 2]}' and ids[-1] == "ok"
    assert decoded[0]["error"].startswith("line 1: not a JSON object")
    assert decoded[4]["error"].startswith("line 5: not a JSON object")
    assert decoded[6]["answer"] == "a\u2028b\u2029c\x85d"
    assert "internal error" in decoded[8]["error"]
    assert decoded[-1] == {"id": "ok", "answered": True, "answer": "q5"}
    assert [failed(r) for r in results] == [True, False, False, False, True, True, False, False, True, True, False]


def test_results_are_yielded_as_lines_are_read() -> None:
    seen: list[str] = []

    def lines():
        for number in range(3):
            seen.append(f"read {number}")
            yield json.dumps({"id": number, "question": "q"})

    for result in answer_lines(lines(), EchoAnswerer()):
        seen.append(f"answer {result['id']}")
    assert seen == ["read 0", "answer 0", "read 1", "answer 1", "read 2", "answer 2"]


def test_dumps_line_keeps_chinese_readable_when_safe() -> None:
    assert dumps_line({"answer": "电解铝"}) == '{"answer": "电解铝"}'
    assert dumps_line({"x": float("nan")}) == '{"x": null}'


@pytest.mark.slow
def test_cli_streams_answers_before_stdin_closes(built_data: Path) -> None:
    process = subprocess.Popen([*policykg_command(), "ask", "--jsonl"], cwd=PROJECT, env=cli_env(built_data),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8")
    try:
        process.stdin.write(json.dumps({"id": "first", "question": "电解铝2015年底前要做什么？"},
                                       ensure_ascii=False) + "\n")
        process.stdin.flush()
        first = json.loads(process.stdout.readline())  # arrives while stdin is still open
        assert first["id"] == "first" and first["answered"] is True
        process.stdin.write("[" * 100_000 + "\n")
        process.stdin.write('{"id": "\\ud800", "question": "钢铁产能利用率是多少"}\n')
        process.stdin.close()
        rest = [json.loads(line) for line in process.stdout.read().splitlines()]
    finally:
        process.kill() if process.poll() is None else None
        code = process.wait(timeout=60)
    assert [r["id"] for r in rest] == [None, "\ud800"]
    assert code == 4  # one line failed


@pytest.mark.slow
def test_cli_batch_where_every_line_fails_exits_non_zero(built_data: Path) -> None:
    result = run_cli("ask", "--jsonl", data=built_data, stdin="not json\n[1]\n{\"id\": NaN}\n")
    assert result.returncode == 4, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3 and all(r["error"] for r in out)
