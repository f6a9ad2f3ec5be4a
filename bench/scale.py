"""Scale benchmark: structure + extraction + store over many documents of another shape.

Unpacks ``../shared/corpus/scale/government-work-reports.tar.xz`` (771 Markdown work reports),
writes a metadata sidecar for each (title from the front matter, date from the file name's year)
into a temporary corpus, and times the pipeline on the first N of them.

    python bench/scale.py            # 50 documents
    python bench/scale.py --limit 0  # all 771 (takes minutes)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARCHIVE = ROOT.parent / "shared" / "corpus" / "scale" / "government-work-reports.tar.xz"


def make_corpus(source: Path, target: Path, limit: int) -> int:
    files = sorted(p for p in source.rglob("*.md"))
    if limit:
        files = files[:limit]
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
    return len(files)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()

    from kg.build import extract_corpus
    from kg.graph.build import ontology_graph
    from kg.graph.store import GraphStore, write_store

    with tempfile.TemporaryDirectory() as work:
        unpacked, corpus, store = Path(work) / "raw", Path(work) / "corpus", Path(work) / "store"
        corpus.mkdir()
        with tarfile.open(ARCHIVE) as archive:
            archive.extractall(unpacked, filter="data")
        count = make_corpus(unpacked, corpus, args.limit)
        raw_bytes = sum(p.stat().st_size for p in corpus.glob("*.md"))

        started = time.perf_counter()
        documents = extract_corpus(corpus, progress=True)
        extract_seconds = time.perf_counter() - started
        sentences = sum(len(facts) for _, facts, _ in documents)
        provisions = sum(f.is_provision for _, facts, _ in documents for f in facts)
        quantities = sum(len(f.quantities) for _, facts, _ in documents for f in facts)

        started = time.perf_counter()
        write_store([ontology_graph(), *(graph for _, _, graph in documents)], store)
        store_seconds = time.perf_counter() - started
        triples = GraphStore(store).triple_count()
        size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())

        started = time.perf_counter()
        GraphStore(store).query("SELECT (COUNT(*) AS ?n) WHERE { ?p a pkg:Provision ; pkg:concernsIndustry ?i }")
        query_ms = (time.perf_counter() - started) * 1000

    print(f"documents        {count} ({raw_bytes / 1e6:.1f} MB of text)")
    print(f"sentences        {sentences}  provisions {provisions}  quantities {quantities}")
    print(f"extract          {extract_seconds:.1f} s  = {count / extract_seconds:.1f} docs/s, "
          f"{sentences / extract_seconds:.0f} sentences/s")
    print(f"store write      {store_seconds:.1f} s  for {triples} triples ({size / 1e6:.1f} MB)")
    print(f"count query      {query_ms:.1f} ms over the union of {count + 1} named graphs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
