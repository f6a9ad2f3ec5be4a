"""Answer latency: a one-off `policykg ask`, the engine's load, warm asks, and warm asks on an enlarged index.

    python bench/latency.py [--runs 3] [--scale 50] [--scale-questions 30] [GOLD.jsonl ...]

Prints, for the built library (POLICYKG_DATA):

* one-off: wall time of ``policykg ask "…"`` as a subprocess (interpreter start, imports, engine load,
  one answer), median of ``--runs``;
* engine load: ``Answerer()`` in this process (store, index, features, encoder), and its first ask;
* warm ask p50 / p95 over the questions of the gold sets (default ../shared/eval/dev.jsonl and
  bench/questions/library_tune60.jsonl), each asked once after a warm-up; then again with each
  question's vector remembered from that round, which leaves out the encoder's forward pass (the
  dense encoder's own cost; everything else the engine does per question is in);
* the same warm asks with every passage replicated ``--scale`` times (dense vectors, BM25 matrix and
  passage features replicated with them; the store is the real one), to show how the per-question cost
  grows with the number of passages. ``--scale 0`` skips it; ``--scale 135`` gives ~350 000 passages.

Issue 10's targets: one-off <= 3 s, warm p95 <= 50 ms on the library and <= 300 ms at 350 000 sentences.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_SETS = [ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT / "bench" / "questions" / "library_tune60.jsonl"]


def questions_of(paths: list[Path]) -> list[str]:
    return [json.loads(line)["question"] for path in paths for line in path.open(encoding="utf-8") if line.strip()]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))]


def warm(answerer, questions: list[str]) -> list[float]:
    answerer.ask(questions[0])  # warm-up, and the facts the engine reads on first use:
    for lazy in ("quantities", "provisions", "signatures", "citations"):
        getattr(answerer, lazy)
    elapsed = []
    for question in questions:
        started = time.perf_counter()
        answerer.ask(question)
        elapsed.append((time.perf_counter() - started) * 1000)
    return elapsed


def remember_query_vectors() -> None:
    """From now on a question's vector is encoded once and then reused (the engine asks kg.embedding)."""
    from kg import embedding

    encode, seen = embedding.embed_queries, {}

    def remembered(model, texts):
        key = (id(model), tuple(texts))
        if key not in seen:
            seen[key] = encode(model, texts)
        return seen[key]

    embedding.embed_queries = remembered


def report(label: str, elapsed: list[float]) -> None:
    print(f"{label}: {len(elapsed)} asks, p50 {statistics.median(elapsed):.1f} ms, "
          f"p95 {percentile(elapsed, 0.95):.1f} ms, max {max(elapsed):.1f} ms", flush=True)


def one_off(question: str, runs: int) -> None:
    command = [shutil.which("policykg") or str(Path(sys.executable).parent / "policykg"), "ask", question]
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - started)
        if done.returncode not in (0, 3):
            print(done.stderr[-1000:], file=sys.stderr)
            raise SystemExit(f"policykg ask exited {done.returncode}")
    print(f"one-off `policykg ask`: median {statistics.median(walls):.2f} s of {runs} "
          f"({', '.join(f'{w:.2f}' for w in walls)})", flush=True)


def enlarged(answerer, scale: int):
    """An engine over every passage ``scale`` times (ids made unique), sharing the store and encoder."""
    from kg.answer.engine import Answerer
    from kg.answer.features import PassageFeatures, Sets
    from kg.retrieval import Bm25Index, SentenceIndex, passage_tokens

    index, features = answerer.index, answerer.features
    passages = [p if k == 0 else dataclasses.replace(p, id=f"{p.id}~{k}")
                for k in range(scale) for p in index.passages]
    tokens = [passage_tokens(p) for p in index.passages]
    bm25 = Bm25Index.from_tokens(tokens * scale)
    big = SentenceIndex(passages, np.tile(np.asarray(index.embeddings), (scale, 1)), bm25)

    def tile_sets(found: Sets) -> Sets:
        lengths = np.tile(np.diff(found.offsets), scale)
        return Sets(np.concatenate([[0], np.cumsum(lengths)]), np.tile(np.asarray(found.values), scale),
                    found.vocabulary)

    columns = {name: np.tile(np.asarray(column), scale) for name, column in features.columns.items()
               if name != "citation_offsets"}
    offsets = np.asarray(features.columns["citation_offsets"])
    lengths = np.tile(np.diff(offsets), scale)
    columns["citation_offsets"] = np.concatenate([[0], np.cumsum(lengths)])
    tiled = PassageFeatures({name: tile_sets(found) for name, found in features.sets.items()}, columns,
                            np.tile(np.asarray(features.min_deadline), scale),
                            bytes(features._citations) * scale, {**features.summary, "passages": len(passages)})
    started = time.perf_counter()
    engine = Answerer(store=answerer.store, index=big, encoder=answerer.encoder, features=tiled)
    print(f"engine over {len(passages)} passages (x{scale}) loaded in {time.perf_counter() - started:.2f} s "
          "(index and features replicated in memory beforehand)", flush=True)
    return engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--runs", type=int, default=3, help="one-off asks (0: none)")
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--scale-questions", type=int, default=30, help="questions asked of the enlarged index")
    args = parser.parse_args()
    questions = questions_of(args.sets)

    if args.runs:
        one_off(questions[0], args.runs)

    from kg.answer.engine import Answerer

    started = time.perf_counter()
    answerer = Answerer()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    answerer.ask(questions[0])
    print(f"engine load: {loaded:.2f} s ({len(answerer.index.passages)} passages); first ask "
          f"{(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
    remember_query_vectors()
    report(f"warm ask, library ({', '.join(p.name for p in args.sets)})", warm(answerer, questions))
    report("  the same, query vectors remembered (no encoder forward pass)", warm(answerer, questions))

    if args.scale > 1:
        engine = enlarged(answerer, args.scale)
        sample = questions[:: max(1, len(questions) // args.scale_questions)][: args.scale_questions]
        report(f"warm ask, passages x{args.scale} (query vectors remembered)", warm(engine, sample))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
