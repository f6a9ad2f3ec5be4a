"""Kill -9 builds at every phase and check that the library stays consistent (issue 12).

    python bench/kill_builds.py [--kills 24] [--seed 12]

Builds a copy of corpus/ into a temporary data folder, then repeatedly changes the corpus (adds
or removes a small document, so a torn library would show as an index that cites sentences the
store lacks), starts ``policykg build``, waits for it to announce a phase (extract, validate,
model, store, index, publish), sleeps a random delay and sends SIGKILL. After every kill it opens
the published generation as a reader would (:func:`kg.library.verify_library`: manifest, store
marker, graphs, index generation and passage ids) and asks one question against it. A final
build must clean every leftover. Prints one line per kill and a summary; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from kg import config, library  # noqa: E402

PHASES = ("extract", "validate", "model", "store", "index", "publish")
EXTRA = "一、总体要求\n各地区要加强{name}产能监测。\n二、保障措施\n有关部门要在2015年底前完成{name}产能核查。\n"


def command() -> list[str]:
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kg.cli"]


def environment(data: Path, corpus: Path) -> dict[str, str]:
    env = dict(os.environ, POLICYKG_DATA=str(data), POLICYKG_CORPUS=str(corpus), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    env.setdefault("POLICYKG_MODELS", str(PROJECT / "var" / "models"))
    return env


def toggle_document(corpus: Path, round_: int) -> None:
    """Odd rounds add a small document, even rounds remove it: every build differs from the last."""
    name = "extra-kill"
    if round_ % 2:
        meta = json.loads((corpus / "guofa-2013-41.meta.json").read_text(encoding="utf-8"))
        meta.update(id=name, text=f"{name}.txt", number=f"测试〔2024〕{round_}号")
        (corpus / f"{name}.txt").write_text(EXTRA.format(name="钢铁"), encoding="utf-8")
        (corpus / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    else:
        for path in (corpus / f"{name}.txt", corpus / f"{name}.meta.json"):
            path.unlink(missing_ok=True)


def kill_at(data: Path, corpus: Path, phase: str, delay: float) -> str:
    process = subprocess.Popen([*command(), "build"], cwd=PROJECT, env=environment(data, corpus),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, encoding="utf-8", errors="replace")
    reached = False
    for line in process.stderr:
        if line.strip() == f"build: {phase}":
            reached = True
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            break
    process.stderr.close()
    code = process.wait(timeout=600)
    if code == -signal.SIGKILL:
        return "killed"
    return f"exited {code}" + ("" if reached else f" (phase {phase} not reached)")


def ask_once(data: Path, corpus: Path) -> str:
    result = subprocess.run([*command(), "ask", "--json", "电解铝2015年底前要做什么？"], cwd=PROJECT,
                            env=environment(data, corpus), capture_output=True, text=True, timeout=300)
    if result.returncode not in (0, 3):
        return f"ask failed: {result.stderr.strip()[:200]}"
    answer = json.loads(result.stdout)
    cited = {item["id"] for item in answer.get("evidence", [])}
    return f"answered, {len(cited)} citation(s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=24)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--ask-every", type=int, default=6, help="ask a question after every N-th kill")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="policykg-kill-") as work:
        corpus, data = Path(work) / "corpus", Path(work) / "data"
        shutil.copytree(PROJECT / "corpus", corpus)
        first = subprocess.run([*command(), "build", "--quiet"], cwd=PROJECT, env=environment(data, corpus),
                               capture_output=True, text=True, timeout=900)
        if first.returncode:
            print(first.stderr)
            return 1
        generations_seen = {config.current_generation(data)}
        counts: dict[str, int] = {}
        for round_ in range(1, args.kills + 1):
            phase = PHASES[(round_ - 1) % len(PHASES)]
            delay = rng.uniform(0, 4.0 if phase == "index" else 0.4)
            toggle_document(corpus, round_)
            outcome = kill_at(data, corpus, phase, delay)
            counts[outcome.split(" (")[0]] = counts.get(outcome.split(" (")[0], 0) + 1
            try:
                generation = library.verify_library(data)
                status = f"consistent, generation {generation}"
                generations_seen.add(generation)
            except Exception as exc:  # a torn library: the failure this bench exists to find
                status = f"TORN: {exc}"
                failures += 1
            if round_ % args.ask_every == 0:
                status += f"; {ask_once(data, corpus)}"
            print(f"kill {round_:2d} at {phase:<8} +{delay:4.2f}s: {outcome:<10} → {status}", flush=True)
        leftovers = [p.name for p in (data / "generations").iterdir() if p.name.startswith(".tmp-")]
        final = subprocess.run([*command(), "build", "--quiet"], cwd=PROJECT, env=environment(data, corpus),
                               capture_output=True, text=True, timeout=900)
        after = [p.name for p in (data / "generations").iterdir() if p.name.startswith(".tmp-")]
        generation = library.verify_library(data)
        print(f"\n{args.kills} kills: {counts}; torn libraries: {failures}; "
              f"generations published during the kills: {len(generations_seen) - 1}")
        print(f"leftover staging folders before the final build: {len(leftovers)}, after: {len(after)}; "
              f"final build exit {final.returncode}, generation {generation}; "
              f"generations kept: {len(list((data / 'generations').iterdir()))}")
        failures += bool(after) + bool(final.returncode)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
