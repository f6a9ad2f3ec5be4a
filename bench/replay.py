"""Ask several question sets in one `policykg ask --jsonl` run, then score each set from the saved answers.

Loading the engine costs more than answering a set of 60 questions, so CI asks every set of one scope in a
single process and hands each set's answers to ../shared/eval/evaluate.py through `replay`:

    python bench/replay.py ask OUT.jsonl SET.jsonl... -- policykg ask --jsonl --doc guofa-2013-41
    python ../shared/eval/evaluate.py SET.jsonl --cmd "python bench/replay.py replay OUT.jsonl SET.jsonl"

The answers are the ones the command wrote; `replay` only restores each set's own question ids and order.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path


def _key(set_path: str, question_id: object) -> str:
    return f"{Path(set_path).name}\t{question_id}"


def ask(out: Path, sets: list[str], command: list[str]) -> int:
    """Run ``command`` once over the questions of every set; write its answers keyed by set and id."""
    lines = []
    for set_path in sets:
        for line in Path(set_path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                gold = json.loads(line)
                lines.append(json.dumps({"id": _key(set_path, gold["id"]), "question": gold["question"]},
                                        ensure_ascii=False))
    done = subprocess.run(command, input="\n".join(lines) + "\n", capture_output=True, text=True,
                          encoding="utf-8")
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        print(f"replay: {' '.join(command)} exited {done.returncode}", file=sys.stderr)
        return done.returncode
    answers = [line for line in done.stdout.splitlines() if line.strip()]
    if len(answers) != len(lines):
        print(f"replay: {len(lines)} questions in, {len(answers)} answers out", file=sys.stderr)
        return 1
    out.write_text("\n".join(answers) + "\n", encoding="utf-8")
    print(f"replay: {len(answers)} answers from {len(sets)} set(s) written to {out}")
    return 0


def replay(answers_path: Path, set_path: str) -> int:
    """Print, for the ids read on stdin, the saved answers of ``set_path`` with their own ids."""
    saved = {}
    for line in answers_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            answer = json.loads(line)
            saved[answer["id"]] = answer
    for line in sys.stdin:
        if not line.strip():
            continue
        question_id = json.loads(line)["id"]
        answer = saved.get(_key(set_path, question_id))
        if answer is None:
            print(f"replay: no saved answer for {question_id} of {set_path}", file=sys.stderr)
            return 1
        print(json.dumps({**answer, "id": question_id}, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1:]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    asking = sub.add_parser("ask")
    asking.add_argument("out", type=Path)
    asking.add_argument("sets", nargs="+")
    replaying = sub.add_parser("replay")
    replaying.add_argument("answers", type=Path)
    replaying.add_argument("set")
    args = parser.parse_args(argv)
    if args.action == "ask":
        if not command:
            parser.error("give the asking command after --")
        return ask(args.out, args.sets, command)
    return replay(args.answers, args.set)


if __name__ == "__main__":
    raise SystemExit(main())
