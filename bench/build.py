"""Build benchmark: time to build the seed corpus (after imports) and the store's size on disk.

    python bench/build.py            # graph only (extract, validate, store)
    python bench/build.py --index    # plus the retrieval index (needs the converted model)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from kg.build import build  # imports are not part of the measurement

    timings = []
    with tempfile.TemporaryDirectory() as data:
        os.environ["POLICYKG_DATA"] = data
        build(with_index=False, with_model=False, progress=False)  # warm-up: jieba dictionary, lexicon
        for _ in range(args.repeat):
            started = time.perf_counter()
            report = build(with_index=args.index, with_model=args.index, progress=False)
            timings.append((time.perf_counter() - started, report))
        seconds = [t for t, _ in timings]
        report = timings[-1][1]
        print(f"documents           {report.documents}")
        print(f"sentences           {report.sentences}")
        print(f"provisions          {report.provisions}")
        print(f"quantities          {report.quantities}")
        print(f"triples             {report.triples}")
        print(f"build (median of {args.repeat}) {statistics.median(seconds):.2f} s  "
              f"[{', '.join(f'{k} {v:.2f}s' for k, v in report.seconds.items())}]")
        print(f"store size          {folder_size(Path(data) / 'store') / 1e6:.2f} MB")
        if args.index:
            print(f"index size          {folder_size(Path(data) / 'index') / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
