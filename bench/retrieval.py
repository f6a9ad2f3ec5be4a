"""Retrieval benchmark.

    python bench/retrieval.py backends [--backends torch onnx-int8 onnx-fp32] [--root DIR] [--rebuild]
    python bench/retrieval.py modes [GOLD.jsonl ...]

``backends`` (the default) compares the encoder backends side by side (kg.config.EncoderBackend). Each
backend gets its own data folder (``DIR/<backend>``, default bench/out/backends) built by
``policykg build`` with POLICYKG_ENCODER set (once; --rebuild builds again), since an index answers only
queries of its own backend. It prints:

* encode speed: sentences per second (wall) and CPU seconds, passages in the build's own batches
  (kg.retrieval.embedding_batches) and questions one at a time as ``ask`` embeds them;
* cosine of each backend's vectors to the float32 torch ones: every passage of the library (the
  built indexes' embeddings.npy) and every question of the sets;
* the quality gate of .ci/run with each backend: ../shared/eval/dev.jsonl and library_tune60 asked of the
  whole library, the seed sets asked with ``--doc guofa-2013-41`` in one engine load (bench/replay.py),
  each scored by ../shared/eval/evaluate.py with CI's floors; hit@5 / MRR side by side, and whether
  every set stays within 1 point (0.01) of torch.

``modes`` is the evaluation for BM25 only, dense only and the full system, plus warm per-question
latency (p50, p95) once models are loaded (default sets: ../shared/eval/dev.jsonl and
bench/calibration.jsonl). It also prints, per question, the frame's kind, the dense similarity the
support checks read, and the answer's reason code, so the settings in kg/resources/answer.toml can be
re-calibrated when the corpus or model changes.

Set POLICYKG_MODELS (and HF_HUB_OFFLINE=1) as for a build; the machine's other load stretches wall times,
so CPU seconds are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
EVALUATE = SHARED / "eval" / "evaluate.py"
POLICYKG = Path(sys.executable).parent / "policykg"
SEED = "guofa-2013-41"

#: The quality gate of .ci/run: (set, asked of, evaluate.py floors).
DEV_FLOORS = "--min-hit 0.95 --min-mrr 0.85 --min-answer 0.90 --min-refuse 1.0 --max-wrong 0"
SEED_FLOORS = "--max-wrong 0 --min-refuse 0.95 --min-answer 0.80 --min-hit 0.85 --min-mrr 0.80"
LIBRARY_FLOORS = "--max-wrong 0.04 --min-refuse 0.90 --min-answer 0.70 --min-hit 0.78 --min-mrr 0.75"
LIBRARY_SETS = {SHARED / "eval" / "dev.jsonl": DEV_FLOORS,
                ROOT / "bench" / "questions" / "library_tune60.jsonl": LIBRARY_FLOORS}
SEED_SETS = [ROOT / f"bench/{name}.jsonl" for name in (
    "questions/seed_tune60", "questions/seed_sealed40", "questions/seed_sealed40_b", "heldout_like", "heldout_blind2",
    "calibration")]
TOLERANCE = 0.01  # the issue: retrieval quality within 1 point of the float32 model


# ------------------------------------------------------------------------------------ backends
def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu_self() -> float:
    return time.process_time()


def _env(data: Path, backend: str) -> dict[str, str]:
    return {**os.environ, "POLICYKG_DATA": str(data), "POLICYKG_ENCODER": backend, "HF_HUB_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false"}


def _build(data: Path, backend: str, rebuild: bool) -> str:
    from kg import config

    if config.current_generation(data) and not rebuild:
        return "(built before)"
    wall, cpu = time.perf_counter(), _cpu_children()
    done = subprocess.run([str(POLICYKG), "build"], env=_env(data, backend), capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.exit(f"policykg build with {backend} failed:\n{done.stderr[-2000:]}")
    line = next((line for line in done.stdout.splitlines() if line.startswith("built ")), "")
    phases = re.search(r"\(([^()]*)\)$", line)
    return (f"{time.perf_counter() - wall:.0f} s wall, {_cpu_children() - cpu:.0f} s CPU"
            f"{'; ' + phases.group(1) if phases else ''}")


def _summary(line: str) -> dict[str, float]:
    return {key: float(value) for key, value in re.findall(r"([a-z_@0-9]+)=([0-9.]+)", line)}


def _evaluate(gold: Path, command: str, floors: str, env: dict[str, str]) -> tuple[str, bool]:
    done = subprocess.run([sys.executable, str(EVALUATE), str(gold), "--cmd", command, *floors.split()],
                          env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    lines = done.stdout.strip().splitlines() or [done.stderr.strip()[-300:] or "(no output)"]
    return lines[-1], done.returncode == 0


def _quality(data: Path, backend: str, scratch: Path) -> dict[str, tuple[str, bool]]:
    """The sets of .ci/run's quality section, asked with one backend: {set name: (summary line, floors met)}."""
    env = _env(data, backend)
    results = {}
    for gold, floors in LIBRARY_SETS.items():
        results[gold.name] = _evaluate(gold, f"{POLICYKG} ask --jsonl", floors, env)
    answers = scratch / f"seed-answers-{backend}.jsonl"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "replay.py"), "ask", str(answers),
                           *map(str, SEED_SETS), "--", str(POLICYKG), "ask", "--jsonl", "--doc", SEED],
                          env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"replay ask with {backend} failed:\n{done.stderr[-2000:]}")
    for gold in SEED_SETS:
        command = f"{sys.executable} {ROOT / 'bench' / 'replay.py'} replay {answers} {gold}"
        results[gold.name] = _evaluate(gold, command, SEED_FLOORS, env)
    return results


def _questions() -> list[str]:
    sets = [*LIBRARY_SETS, *SEED_SETS]
    return [json.loads(line)["question"] for gold in sets
            for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]


def _speed_and_vectors(backend: str, passages: list, questions: list[str]):
    """Passages embedded in the build's batches and questions one at a time: (rates, passage and query vectors)."""
    import numpy as np

    from kg.config import EncoderBackend
    from kg.embedding import embed_passages, embed_queries, load_encoder
    from kg.retrieval import document_texts, embedding_batches

    encoder = load_encoder(backend=EncoderBackend(backend))
    embed_queries(encoder, questions[:2])  # warm-up
    batches = [batch for texts in document_texts(passages).values() for batch in embedding_batches(texts)]
    wall, cpu = time.perf_counter(), _cpu_self()
    vectors = {}
    for batch in batches:
        vectors.update(zip(batch, embed_passages(encoder, batch), strict=True))
    passage_rate = (len(vectors) / (time.perf_counter() - wall), _cpu_self() - cpu, len(vectors))
    wall, cpu = time.perf_counter(), _cpu_self()
    queries = np.vstack([embed_queries(encoder, [question]) for question in questions])
    query_rate = (len(questions) / (time.perf_counter() - wall), _cpu_self() - cpu, len(questions))
    return passage_rate, query_rate, vectors, queries


def backends(args: argparse.Namespace) -> int:
    from kg.config import EncoderBackend
    from kg.retrieval import _read_index

    names = [EncoderBackend(b).value for b in args.backends]
    reference = EncoderBackend.TORCH.value
    if reference not in names:
        names.insert(0, reference)
    root = args.root
    root.mkdir(parents=True, exist_ok=True)
    print(f"# encoder backends: {', '.join(names)} (data folders under {root})\n")
    print("## builds (policykg build: wall, CPU of the whole build, and its phases)")
    for name in names:
        print(f"{name:<10} {_build(root / name, name, args.rebuild)}")

    indexes = {name: _read_index(root / name / "index") for name in names}
    passages = indexes[reference][0]
    for name in names:
        if [p.id for p in indexes[name][0]] != [p.id for p in passages]:
            sys.exit(f"the {name} index does not hold the passages of the {reference} index: rebuild (--rebuild)")
    questions = _questions()

    print(f"\n## encode speed ({len(passages)} passages in the build's batches; {len(questions)} questions, one "
          "per call; wall rate, CPU seconds)")
    measured = {}
    for name in names:
        measured[name] = _speed_and_vectors(name, passages, questions)
        (p_rate, p_cpu, p_n), (q_rate, q_cpu, _), _, _ = measured[name]
        print(f"{name:<10} passages {p_rate:6.1f} /s  {p_cpu:6.1f} s CPU ({p_n} texts)   "
              f"questions {q_rate:6.1f} /s  {q_cpu:6.1f} s CPU")
    base_p, base_q = measured[reference][0], measured[reference][1]
    for name in names[1:]:
        p, q = measured[name][0], measured[name][1]
        print(f"{name:<10} vs {reference}: passages x{p[0] / base_p[0]:.2f} wall, x{base_p[1] / p[1]:.2f} CPU; "
              f"questions x{q[0] / base_q[0]:.2f} wall, x{base_q[1] / q[1]:.2f} CPU")

    print(f"\n## cosine to {reference} (min / mean)")
    for name in names[1:]:
        built = (indexes[name][1] * indexes[reference][1]).sum(axis=1)
        queries = (measured[name][3] * measured[reference][3]).sum(axis=1)
        print(f"{name:<10} index passages {built.min():.4f} / {built.mean():.4f}   "
              f"questions {queries.min():.4f} / {queries.mean():.4f}   (n={len(built)}, {len(queries)})")

    print("\n## quality: the .ci/run gate per backend (evaluate.py; seed sets asked with --doc guofa-2013-41)")
    scratch = root / "answers"
    scratch.mkdir(exist_ok=True)
    quality = {name: _quality(root / name, name, scratch) for name in names}
    ok = True
    for gold in [*LIBRARY_SETS, *SEED_SETS]:
        print(f"-- {gold.name}")
        base = _summary(quality[reference][gold.name][0])
        for name in names:
            line, passed = quality[name][gold.name]
            found = _summary(line)
            delta = ""
            if name != reference and {"hit@5", "mrr"} <= found.keys() & base.keys():
                d_hit, d_mrr = found["hit@5"] - base["hit@5"], found["mrr"] - base["mrr"]
                within = d_hit >= -TOLERANCE and d_mrr >= -TOLERANCE
                ok &= within or name != EncoderBackend.ONNX_INT8.value
                delta = f"  [Δhit@5 {d_hit:+.3f} Δmrr {d_mrr:+.3f}{'' if within else ' MORE THAN 1 POINT WORSE'}]"
            print(f"   {name:<10} {'pass' if passed else 'FAIL'}  {line}{delta}")
    print(f"\nonnx-int8 within 1 point of {reference} (hit@5 and MRR) on every set: {'yes' if ok else 'NO'}")
    return 0


# ------------------------------------------------------------------------------------ modes
def _evaluate_mode(gold: Path, mode: str) -> str:
    command = [sys.executable, str(EVALUATE), str(gold), "--cmd", f"{POLICYKG} ask --jsonl --mode {mode}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return (result.stdout.strip().splitlines() or ["(no output)"])[-1]


def modes(args: argparse.Namespace) -> int:
    golds = args.golds or [SHARED / "eval" / "dev.jsonl", ROOT / "bench" / "calibration.jsonl"]
    for gold in golds:
        print(f"## {gold.name}")
        for mode in ("bm25", "dense", "hybrid"):
            print(f"{mode:<7} {_evaluate_mode(gold, mode)}")

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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("backends", "modes", "-h", "--help"):
        argv = ["modes", *argv] if argv and argv[0].endswith(".jsonl") else ["backends", *argv]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    compare = sub.add_parser("backends", help="encoder backends side by side")
    compare.add_argument("--backends", nargs="+", default=["torch", "onnx-int8", "onnx-fp32"])
    compare.add_argument("--root", type=Path, default=ROOT / "bench" / "out" / "backends")
    compare.add_argument("--rebuild", action="store_true", help="build every backend's data folder again")
    by_mode = sub.add_parser("modes", help="bm25 / dense / hybrid, latency, per-question calibration lines")
    by_mode.add_argument("golds", nargs="*", type=Path)
    args = parser.parse_args(argv)
    return backends(args) if args.action == "backends" else modes(args)


if __name__ == "__main__":
    sys.exit(main())
