"""Scale benchmark: the real ``policykg build`` over growing slices of the 771 government work reports.

Unpacks ``../shared/corpus/scale/government-work-reports.tar.xz`` once, writes a metadata sidecar for
each report (title from the front matter, date from the file name's year), adds the seed document,
and for each size runs ``policykg build`` from scratch in a subprocess (its own data folder, an empty
cache), timing every phase and measuring the peak resident memory of the build and its workers.
Then, over the store it built, it asks a few questions in one process and prints p50 / p95.

    python bench/scale.py                          # 50 and 200 reports, store only
    python bench/scale.py --sizes 50 200 0 --index # 0 = all 771; with the retrieval index
    python bench/scale.py --keep /work/scale-data  # keep the data folders (one per size)
    python bench/scale.py --sizes 0 --index --encoder none  # all 771, a lexical index (no embedding)

Per-document figures are what must stay flat as the corpus grows (issue 10).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from kg.config import EncoderBackend  # noqa: E402  (after the path insert)

ARCHIVE = ROOT.parent / "shared" / "corpus" / "scale" / "government-work-reports.tar.xz"
SEED = ("guofa-2013-41.txt", "guofa-2013-41.meta.json")
QUESTIONS = ("电解铝2015年底前要做什么？", "2010年国内生产总值增长目标是多少？", "哪些行业产能严重过剩？",
             "What applies to electrolytic aluminium by 2015?", "政府工作报告提出的财政赤字是多少？",
             "企业不得做什么？", "节能减排的目标是什么？", "城镇新增就业多少万人？")
_PHASES = re.compile(r"\((extract [^)]*)\)")


def make_corpus(source: Path, target: Path, limit: int) -> int:
    """The first ``limit`` reports (all with 0) and the seed, as a corpus folder; returns the report count."""
    files = sorted(source.rglob("*.md"))
    if limit:
        files = files[:limit]
    target.mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(files):
        text = path.read_text(encoding="utf-8")
        title = re.search(r"^title:\s*(.+)$", text, re.MULTILINE)
        year = re.search(r"(19|20)\d{2}", path.stem)
        doc_id = f"report-{index:04d}"
        (target / f"{doc_id}.md").write_text(text, encoding="utf-8")
        meta = {"id": doc_id, "title": title.group(1).strip() if title else path.stem,
                "number": path.parent.name + path.stem, "issuer": path.parent.name,
                "date": f"{year.group(0) if year else '2000'}-03-01", "type": "政府工作报告",
                "structure": "numbered", "text": f"{doc_id}.md"}
        (target / f"{doc_id}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    for name in SEED:
        shutil.copy(ROOT / "corpus" / name, target / name)
    return len(files)


def run_build(corpus: Path, data: Path, index: bool, workers: int | None,
              scheduler: str | None = None) -> tuple[float, float, str]:
    """``policykg build`` in a subprocess: wall seconds, peak RSS in MB (the build or any worker; not the
    Dask workers of ``scheduler``, which are not its children), its report line's phase timings."""
    env = {**os.environ, "POLICYKG_CORPUS": str(corpus), "POLICYKG_DATA": str(data)}
    command = [sys.executable, "-m", "kg.cli", "build", "--quiet", *([] if index else ["--no-index"]),
               *(["--workers", str(workers)] if workers else []),
               *(["--scheduler", scheduler] if scheduler else [])]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"build failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    # ru_maxrss of children is the largest of any waited-for descendant (build process or worker), in KB.
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    phases = _PHASES.search(done.stdout)
    return wall, peak, phases.group(1) if phases else done.stdout.strip().splitlines()[-1]


def ask_latency(data: Path, corpus: Path) -> tuple[float, float, float]:
    """Engine load seconds, then p50 / p95 ms of warm asks (each question asked three times)."""
    os.environ["POLICYKG_DATA"], os.environ["POLICYKG_CORPUS"] = str(data), str(corpus)
    from latency import percentile, warm  # bench/latency.py: the same warm asks

    from kg.answer.engine import Answerer

    started = time.perf_counter()
    answerer = Answerer()
    load = time.perf_counter() - started
    elapsed = warm(answerer, list(QUESTIONS) * 3)
    return load, percentile(elapsed, 0.5), percentile(elapsed, 0.95)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200], help="reports per build; 0 = all")
    parser.add_argument("--index", action="store_true", help="build the retrieval index too (embeds every sentence)")
    parser.add_argument("--workers", type=int, default=None, help="extraction processes (default: the cores)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="extract on this Dask cluster (peak MB is then the building process alone)")
    parser.add_argument("--keep", type=Path, help="keep each size's corpus and data folder under this folder")
    parser.add_argument("--no-ask", action="store_true", help="skip the ask latency")
    parser.add_argument("--encoder", choices=[b.value for b in EncoderBackend],
                        help="POLICYKG_ENCODER for the builds and asks (default: as set, else the default)")
    args = parser.parse_args()
    if args.encoder:
        os.environ["POLICYKG_ENCODER"] = args.encoder  # the build subprocesses inherit it

    work = Path(tempfile.mkdtemp(prefix="policykg-scale-"))
    base = args.keep or work
    try:
        unpacked = work / "raw"
        with tarfile.open(ARCHIVE) as archive:
            archive.extractall(unpacked, filter="data")
        print(f"{'reports':>7} {'docs':>5} {'MB text':>7} {'wall s':>7} {'s/doc':>6} {'peak MB':>8} "
              f"{'MB/doc':>7} {'store MB':>8} {'load s':>6} {'p50 ms':>7} {'p95 ms':>7}  phases", flush=True)
        for size in args.sizes:
            corpus, data = base / f"corpus-{size or 'all'}", base / f"data-{size or 'all'}"
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)
            reports = make_corpus(unpacked, corpus, size)
            documents = reports + 1
            text_mb = sum(p.stat().st_size for p in corpus.iterdir() if p.suffix in (".md", ".txt")) / 1e6
            wall, peak, phases = run_build(corpus, data, args.index, args.workers, args.scheduler)
            store_mb = sum(p.stat().st_size for p in (data / "current" / "store").rglob("*") if p.is_file()) / 1e6
            load = p50 = p95 = float("nan")
            if args.index and not args.no_ask:  # the answerer needs the index
                load, p50, p95 = ask_latency(data, corpus)
            print(f"{reports:>7} {documents:>5} {text_mb:>7.1f} {wall:>7.1f} {wall / documents:>6.2f} {peak:>8.0f} "
                  f"{peak / documents:>7.2f} {store_mb:>8.0f} {load:>6.1f} {p50:>7.1f} {p95:>7.1f}  {phases}",
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
