"""Incremental builds (issue 9): a full build of the library against adding and removing one law.

    python bench/incremental.py [--no-index] [--skip-cli] [--skip-inprocess]

Works on copies of corpus/ in a temporary folder (the repository's corpus and data are never
touched). Measured twice, in this process (imports done, the converted model shared through
POLICYKG_MODELS) and as ``policykg`` subprocesses (what a user waits for, imports included):

* full: a build of the 7-document library into an empty data folder (empty cache);
* add: ``policykg add`` of the Administrative Licensing Law (text and sidecar) into a built
  library of the 6 others;
* remove: ``policykg remove alp-2019`` right after.

It also checks what the cache promises: after add, the manifest's digests (sorted N-Quads of the
store, passages and vectors of the index) equal the full build's; after remove, the digests of
the 6-document library before the add. Prints wall and CPU seconds, the ratios (goal: add ≤ 10 %
of a full build) and the phases of each build; exits 1 if a digest differs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

DOC = "alp-2019"
SHARED_TEXT = PROJECT.parent / "shared" / "corpus" / "extra" / "administrative-licensing-law-2019.md"


def prepare(root: Path) -> tuple[Path, Path, Path, Path]:
    """corpus7 (the library), corpus6 (without the law), and the law's text and sidecar outside both."""
    corpus7, corpus6, incoming = root / "corpus7", root / "corpus6", root / "incoming"
    shutil.copytree(PROJECT / "corpus", corpus7)
    shutil.copytree(PROJECT / "corpus", corpus6)
    incoming.mkdir()
    meta = corpus6 / f"{DOC}.meta.json"
    text_name = json.loads(meta.read_text(encoding="utf-8"))["text"]
    shutil.move(meta, incoming / meta.name)
    shutil.move(corpus6 / text_name, incoming / "law.md")
    if SHARED_TEXT.is_file():  # the text as the shared corpus ships it (the same bytes as corpus/)
        shutil.copyfile(SHARED_TEXT, incoming / "law.md")
    return corpus7, corpus6, incoming / "law.md", incoming / meta.name


def digests(data: Path) -> dict:
    return json.loads((data / "current" / "manifest.json").read_text(encoding="utf-8"))["digests"]


def phases(report) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items())


def seed_cache(full: Path, data6: Path) -> None:
    """The setup library of 6 is built from the full build's cache: not measured, the same library
    (the digests check it), in seconds instead of minutes."""
    shutil.copytree(full / "cache", data6 / "cache")


class Clock:
    """Wall time and CPU time (this process's threads, or the finished children's) of one step."""

    def __init__(self, children: bool = False) -> None:
        self.children = children

    def _cpu(self) -> float:
        if self.children:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime
        return time.process_time()

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, self._cpu() - self.cpu


def warm_up() -> None:
    """What a process loads once (lexicon, jieba's dictionary, the SHACL shapes): not part of any build."""
    from kg.extract.lexicon import default_lexicon
    from kg.extract.tokens import tokens
    from kg.graph.shacl import _shapes

    default_lexicon()
    tokens("钢铁行业要在2015年底前淘汰落后产能。")
    _shapes()


def in_process(root: Path, index: bool) -> dict[str, Clock]:
    from kg.build import add_document, build, remove_document

    warm_up()
    corpus7, corpus6, text, sidecar = prepare(root / "inproc")
    data6, data7 = root / "inproc" / "data6", root / "inproc" / "data7"
    options = {"with_index": index, "with_model": index, "progress": False}
    clocks: dict[str, Clock] = {}
    os.environ["POLICYKG_DATA"] = str(data7)
    with Clock() as clocks["full"]:
        report = build(corpus7, **options)
    print(f"  full   {clocks['full'].wall:7.2f} s  [{phases(report)}]", flush=True)

    seed_cache(data7, data6)
    os.environ["POLICYKG_DATA"] = str(data6)
    build(corpus6, **options)
    before = digests(data6)
    with Clock() as clocks["add"]:
        _, report = add_document(text, sidecar, corpus6, **options)
    print(f"  add    {clocks['add'].wall:7.2f} s  [{phases(report)}; extracted {report.extracted}, "
          f"embedded {report.embedded}, reused {report.reused_vectors}]", flush=True)
    added = digests(data6)
    with Clock() as clocks["remove"]:
        _, report = remove_document(DOC, corpus6, **options)
    print(f"  remove {clocks['remove'].wall:7.2f} s  [{phases(report)}; embedded {report.embedded}]", flush=True)
    check(added, digests(data7), before, digests(data6))
    return clocks


def run(*args: str, data: Path, corpus: Path) -> Clock:
    env = {**os.environ, "POLICYKG_DATA": str(data), "POLICYKG_CORPUS": str(corpus), "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")]))}
    with Clock(children=True) as clock:
        result = subprocess.run([sys.executable, "-m", "kg.cli", *args, "--quiet"], cwd=PROJECT, env=env,
                                capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"policykg {' '.join(args)} failed: {result.stderr.strip()}")
    return clock


def cli(root: Path, index: bool) -> dict[str, Clock]:
    corpus7, corpus6, text, sidecar = prepare(root / "cli")
    flags = () if index else ("--no-index", "--no-model")
    data6, data7 = root / "cli" / "data6", root / "cli" / "data7"
    clocks = {"full": run("build", *flags, data=data7, corpus=corpus7)}
    print(f"  full   {clocks['full'].wall:7.2f} s", flush=True)
    seed_cache(data7, data6)
    run("build", *flags, data=data6, corpus=corpus6)
    before = digests(data6)
    clocks["add"] = run("add", str(text), "--meta", str(sidecar), *flags, data=data6, corpus=corpus6)
    print(f"  add    {clocks['add'].wall:7.2f} s", flush=True)
    added = digests(data6)
    clocks["remove"] = run("remove", DOC, *flags, data=data6, corpus=corpus6)
    print(f"  remove {clocks['remove'].wall:7.2f} s", flush=True)
    check(added, digests(data7), before, digests(data6))
    return clocks


FAILURES: list[str] = []


def check(added: dict, full: dict, before: dict, removed: dict) -> None:
    for name, got, want in (("add = full build", added, full), ("remove = library before the add", removed, before)):
        same = got == want
        print(f"  digests {name}: {'equal' if same else 'DIFFERENT'}", flush=True)
        if not same:
            FAILURES.append(name)


def summary(label: str, clocks: dict[str, Clock]) -> None:
    full, add, remove = clocks["full"], clocks["add"], clocks["remove"]
    for kind in ("wall", "cpu"):
        f, a, r = (getattr(c, kind) for c in (full, add, remove))
        print(f"{label}, {kind:4} time: full {f:6.1f} s, add {a:5.1f} s ({100 * a / f:4.1f} %), "
              f"remove {r:5.1f} s ({100 * r / f:4.1f} %)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-index", action="store_true", help="graph only: no embedding index")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--skip-inprocess", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("POLICYKG_MODELS", str(PROJECT / "var" / "models"))
    index = not args.no_index
    results = {}
    with tempfile.TemporaryDirectory(prefix="policykg-incremental-") as folder:
        root = Path(folder)
        if not args.skip_inprocess:
            print("in process (imports done, model converted):", flush=True)
            results["in process"] = in_process(root, index)
        if not args.skip_cli:
            print("policykg subprocesses (imports and model loading included):", flush=True)
            results["CLI"] = cli(root, index)
    for label, clocks in results.items():
        summary(label, clocks)
    # Other work on the machine stretches wall times (most of all the embedding's threads): CPU
    # time is the steadier comparison then.
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
