"""Retrieval benchmark: the evaluation for BM25 only, dense only and the full system, plus warm
per-question latency (p50, p95) once models are loaded.

    python bench/retrieval.py [GOLD.jsonl ...]   (default: ../shared/eval/dev.jsonl and bench/calibration.jsonl)

Also prints, per question, the frame's kind, the dense similarity the support checks read, and the
answer's reason code, so the settings in kg/resources/answer.toml can be re-calibrated when the corpus
or model changes.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EVALUATE = ROOT.parent / "shared" / "eval" / "evaluate.py"


def evaluate(gold: Path, mode: str) -> str:
    command = [sys.executable, str(EVALUATE), str(gold), "--cmd", f"{Path(sys.executable).parent / 'policykg'} "
               f"ask --jsonl --mode {mode}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return (result.stdout.strip().splitlines() or ["(no output)"])[-1]


def main() -> int:
    golds = [Path(p) for p in sys.argv[1:]] or [ROOT.parent / "shared" / "eval" / "dev.jsonl",
                                                 ROOT / "bench" / "calibration.jsonl"]
    for gold in golds:
        print(f"## {gold.name}")
        for mode in ("bm25", "dense", "hybrid"):
            print(f"{mode:<7} {evaluate(gold, mode)}")

    from kg.answer.engine import Answerer
    from kg.answer.question import parse_question

    answerer = Answerer()
    questions = [json.loads(line)["question"] for gold in golds for line in gold.open(encoding="utf-8") if line.strip()]
    answerer.ask(questions[0])  # warm-up
    latencies = []
    for _ in range(3):
        for question in questions:
            started = time.perf_counter()
            answerer.ask(question)
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"\nwarm latency over {len(latencies)} asks: p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms")

    print("\n## per question: kind, dense max, top-median gap, bm25 max -> reason code (or 'answer')")
    import numpy as np

    for gold in golds:
        for line in gold.open(encoding="utf-8"):
            item = json.loads(line)
            question = parse_question(item["question"])
            _, bm25, dense = answerer.rank(question)
            result = answerer.ask(item["question"])
            reason = (result.get("reason") or {}).get("code") or "answer"
            print(f"{item['id']} {question.language} answerable={item['answerable']!s:<5} kind={result['kind']:<11} "
                  f"dense_max={dense.max():.3f} gap={dense.max() - np.median(dense):.3f} bm25_max={bm25.max():5.1f} "
                  f"-> {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
