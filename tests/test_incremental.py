"""Incremental builds (issue 9): a per-document cache, ``policykg add`` and ``policykg remove``.

What the cache promises: a build redoes only what changed, and what it publishes does not depend
on the library's history — removing a document gives the digests (sorted N-Quads of the store,
passages and vectors of the index) of a build of the library without it, from scratch. The fast
tests use small generated documents and a stand-in encoder whose vectors, like the real model's,
depend in their last bits on the other texts of their batch; the slow ones use the shipped library.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import PROJECT, kill_build_at, run_cli

from kg import embedding, library
from kg.build import BuildReport, add_document, build, remove_document
from kg.errors import CorpusError, ValidationError
from kg.graph.export import export
from kg.graph.shacl import ValidationReport
from kg.graph.store import GraphStore


def content_digest(nquads: bytes) -> str:
    """The store digest as documented, from an N-Quads export: graphs in order of name, each named, then
    its sorted N-Triples (computed here from the export, not by the store's own code)."""
    import pyoxigraph as ox

    graphs: dict[str, list[bytes]] = {}
    for quad in ox.parse(nquads, ox.RdfFormat.N_QUADS):
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs.setdefault(name, []).append(f"{ox.Triple(quad.subject, quad.predicate, quad.object)} .".encode())
    graphs.setdefault("", [])
    digest = hashlib.sha256()
    for name in sorted(graphs):
        digest.update(f"# graph <{name}>\n".encode())
        digest.update(b"\n".join(sorted(graphs[name])) + b"\n")
    return digest.hexdigest()

SEED_META = PROJECT / "corpus" / "guofa-2013-41.meta.json"
INDUSTRIES = ("钢铁", "水泥", "电解铝", "平板玻璃", "船舶", "炼焦", "铁合金", "电石")


def document_text(name: str, sentences: int) -> str:
    """A small numbered document; every sentence differs, so each has its own vector."""
    lines = ["一、总体要求"]
    for number in range(sentences):
        industry = INDUSTRIES[number % len(INDUSTRIES)]
        lines.append(f"各地区要加强{industry}产能监测，{name}在{2014 + number % 3}年底前完成第{number + 1}项核查。")
        if number == sentences // 2:
            lines.append("二、保障措施")
    return "\n".join(lines) + "\n"


def write_document(folder: Path, doc_id: str, sentences: int = 30) -> tuple[Path, Path]:
    """Text and sidecar of a document ``doc_id`` in ``folder`` (the sidecar as ``<id>.meta.json``)."""
    meta = json.loads(SEED_META.read_text(encoding="utf-8"))
    meta.update(id=doc_id, text=f"{doc_id}.txt", number=f"测试〔2024〕{sum(map(ord, doc_id)) % 1000}号",
                title=f"关于{doc_id}的通知")
    folder.mkdir(parents=True, exist_ok=True)
    text = folder / f"{doc_id}.txt"
    text.write_text(document_text(doc_id, sentences), encoding="utf-8")
    sidecar = folder / f"{doc_id}.meta.json"
    sidecar.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return text, sidecar


class StandInEncoder:
    """Counts what is embedded; a vector is its text's hash plus a term from its whole batch."""

    def __init__(self) -> None:
        self.loads = 0
        self.texts: list[str] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> StandInEncoder:
        monkeypatch.setattr(embedding, "load_encoder", self.load)
        monkeypatch.setattr(embedding, "embed_passages", self.embed)
        return self

    def load(self, spec: str | None = None) -> StandInEncoder:
        self.loads += 1
        return self

    def embed(self, encoder: object, texts: list[str]) -> np.ndarray:
        self.texts += texts
        batch = hashlib.sha256("\0".join(texts).encode()).digest()[0] / 1e6  # what padding does, exaggerated
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[:32], np.uint8).astype(np.float32) + batch
                for t in texts]
        return np.vstack(rows).astype(np.float32)


@pytest.fixture()
def encoder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> StandInEncoder:
    monkeypatch.setenv("POLICYKG_MODEL", str(tmp_path / "stand-in-model"))
    return StandInEncoder().install(monkeypatch)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write_document(folder, "notice-a", 30)
    write_document(folder, "notice-b", 40)
    return folder


def use_data(monkeypatch: pytest.MonkeyPatch, data: Path) -> Path:
    monkeypatch.setenv("POLICYKG_DATA", str(data))
    return data


def quick(**options: object) -> dict:
    return {"with_model": False, "progress": False, **options}


def manifest(data: Path) -> dict:
    return json.loads((data / "current" / "manifest.json").read_text(encoding="utf-8"))


def passages(data: Path) -> list[dict]:
    return json.loads((data / "current" / "index" / "passages.json").read_text(encoding="utf-8"))["passages"]


def fresh_digests(corpus: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The digests of a build from scratch: an empty data folder, so an empty cache."""
    use_data(monkeypatch, data)
    return build(corpus, **quick()).digests


# ------------------------------------------------------------------ byte-identical states
def test_add_then_remove_gives_the_digests_of_the_library_without_it(
        tmp_path: Path, corpus: Path, encoder: StandInEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    data = use_data(monkeypatch, tmp_path / "data")
    before = build(corpus, **quick()).digests
    index, nquads = passages(data), export("nq", GraphStore(data / "store"))
    assert set(before) == {"store", "index"} and before == manifest(data)["digests"]
    assert before["store"] == content_digest(nquads)  # the digest is that of `export --format nq`'s content

    text, sidecar = write_document(tmp_path / "incoming", "notice-c", 25)
    written, added = add_document(text, sidecar, corpus, **quick())
    assert sorted(p.name for p in written) == ["notice-c.meta.json", "notice-c.txt"]
    assert added.extracted == ["notice-c"] and sorted(added.reused) == ["notice-a", "notice-b"]
    assert manifest(data)["documents"] == ["notice-a", "notice-b", "notice-c"]
    with_it = dict(added.digests)

    removed, report = remove_document("notice-c", corpus, **quick())
    assert sorted(p.name for p in removed) == ["notice-c.meta.json", "notice-c.txt"]
    assert not (corpus / "notice-c.txt").exists() and report.extracted == [] and report.embedded == 0
    assert report.digests == before == manifest(data)["digests"]
    assert export("nq", GraphStore(data / "store")) == nquads and passages(data) == index
    # …and equal to builds from scratch, with and without the document
    assert fresh_digests(corpus, tmp_path / "fresh-without", monkeypatch) == before
    write_document(corpus, "notice-c", 25)
    assert fresh_digests(corpus, tmp_path / "fresh-with", monkeypatch) == with_it


def test_an_edited_document_gives_the_digests_of_a_build_from_scratch(
        tmp_path: Path, corpus: Path, encoder: StandInEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    use_data(monkeypatch, tmp_path / "data")
    build(corpus, **quick())
    text = corpus / "notice-b.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("第7项核查", "第7项核查和整改"), encoding="utf-8")
    encoder.texts.clear()
    report = build(corpus, **quick())
    assert report.extracted == ["notice-b"] and report.reused == ["notice-a"]
    # Only the edited sentence's batch is embedded again (a batch is reused whole or not at all).
    assert 0 < report.embedded <= 32 and report.embedded == len(encoder.texts)
    assert any("第7项核查和整改" in t for t in encoder.texts)
    assert report.digests == fresh_digests(corpus, tmp_path / "fresh", monkeypatch)


# ------------------------------------------------------------------ only what changed
def test_a_rebuild_with_nothing_changed_extracts_and_embeds_nothing(
        tmp_path: Path, corpus: Path, encoder: StandInEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    use_data(monkeypatch, tmp_path / "data")
    first = build(corpus, **quick())
    assert sorted(first.extracted) == ["notice-a", "notice-b"] and first.embedded == len(encoder.texts) > 60
    assert encoder.loads == 1
    import kg.build

    def no_extraction(*args: object) -> None:
        raise AssertionError("nothing should be extracted")

    monkeypatch.setattr(kg.build, "extract_entry", no_extraction)
    monkeypatch.setattr(kg.build, "validate", no_extraction)
    again = build(corpus, **quick())
    assert again.extracted == [] and sorted(again.reused) == ["notice-a", "notice-b"]
    assert again.embedded == 0 and again.reused_vectors == manifest(tmp_path / "data")["counts"]["passages"]
    assert encoder.loads == 1  # the model is not even loaded
    assert again.digests == first.digests and again.generation != first.generation  # a new generation all the same


def test_a_changed_document_is_re_extracted_alone(tmp_path: Path, corpus: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    use_data(monkeypatch, tmp_path / "data")
    build(corpus, **quick(with_index=False))
    sidecar = corpus / "notice-a.meta.json"
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    sidecar.write_text(json.dumps({**meta, "title": "关于notice-a的补充通知"}, ensure_ascii=False), encoding="utf-8")
    report = build(corpus, **quick(with_index=False))
    assert report.extracted == ["notice-a"] and report.reused == ["notice-b"]
    titles = GraphStore(tmp_path / "data" / "store").query(
        'SELECT ?t WHERE { ?d pkg:localId "notice-a" ; eli:title ?t }')
    assert [str(row.t) for row in titles] == ["关于notice-a的补充通知"]


def test_a_code_change_invalidates_every_document(tmp_path: Path, corpus: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.build

    use_data(monkeypatch, tmp_path / "data")
    build(corpus, **quick(with_index=False))
    monkeypatch.setattr(kg.build, "code_fingerprint", lambda: "0" * 64)
    assert sorted(build(corpus, **quick(with_index=False)).extracted) == ["notice-a", "notice-b"]


def test_the_cache_keeps_only_what_the_documents_use(tmp_path: Path, corpus: Path, encoder: StandInEncoder,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    data = use_data(monkeypatch, tmp_path / "data")
    build(corpus, **quick())
    text, sidecar = write_document(tmp_path / "incoming", "notice-c", 10)
    add_document(text, sidecar, corpus, **quick())
    assert len(list((data / "cache" / "docs").glob("*.json"))) == 3
    remove_document("notice-c", corpus, **quick())
    cache = data / "cache"
    assert len(list((cache / "docs").glob("*.json"))) == len(list((cache / "docs").glob("*.nt"))) == 2
    assert len(list((cache / "vectors").glob("*/*.npz"))) == 2 and len(list((cache / "ontology").iterdir())) == 1
    assert not [p for p in cache.rglob("*") if p.name.startswith(".tmp-")]


# ------------------------------------------------------------------ damage and kills
def test_a_corrupted_cache_file_is_detected_and_recomputed(
        tmp_path: Path, corpus: Path, encoder: StandInEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    data = use_data(monkeypatch, tmp_path / "data")
    first = build(corpus, **quick())
    cache = data / "cache"
    graph = next((cache / "docs").glob("*.nt"))
    content = bytearray(graph.read_bytes())
    content[len(content) // 2] ^= 0x20  # one flipped bit: still N-Triples, a different graph
    graph.write_bytes(bytes(content))
    pack = next((cache / "vectors").glob("*/*.npz"))
    pack.write_bytes(pack.read_bytes()[:-200])
    ontology = next((cache / "ontology").iterdir())
    ontology.write_bytes(ontology.read_bytes().replace(b"skos", b"SKOS", 1))
    encoder.texts.clear()
    report = build(corpus, **quick())
    assert len(report.extracted) == 1 and len(report.rejected) == 3
    assert 0 < report.embedded == len(encoder.texts) < first.embedded
    assert report.digests == first.digests
    again = build(corpus, **quick())  # the damaged entries were rewritten
    assert again.extracted == [] and again.embedded == 0 and again.rejected == []


def test_a_record_without_its_graph_file_is_not_trusted(tmp_path: Path, corpus: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    data = use_data(monkeypatch, tmp_path / "data")
    first = build(corpus, **quick(with_index=False))
    for graph in (data / "cache" / "docs").glob("*.nt"):
        graph.unlink()  # as if killed between the two renames (the record goes last, but disks fail)
    (data / "cache" / "docs" / ".tmp-0000-leftover.nt").write_bytes(b"<a> <b> ")
    report = build(corpus, **quick(with_index=False))
    assert sorted(report.extracted) == ["notice-a", "notice-b"] and report.digests == first.digests
    assert not list((data / "cache" / "docs").glob(".tmp-*"))


@pytest.mark.slow
def test_builds_killed_while_writing_the_cache_leave_it_usable(tmp_path: Path, corpus: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    data = use_data(monkeypatch, tmp_path / "data")
    for number, delay in enumerate((0.3, 0.8, 1.5, 2.5)):
        write_document(corpus, f"notice-k{number}", 20)
        kill_build_at(data, corpus, "validate", delay, "--no-model", "--no-index")
    report = build(corpus, **quick(with_index=False))
    assert report.rejected == [] and report.documents == 6
    assert not [p for p in (data / "cache").rglob("*") if p.name.startswith(".tmp-")]
    assert report.digests == fresh_digests_no_index(corpus, tmp_path / "fresh", monkeypatch)
    assert build(corpus, **quick(with_index=False)).extracted == []


def fresh_digests_no_index(corpus: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    use_data(monkeypatch, data)
    return build(corpus, **quick(with_index=False)).digests


# ------------------------------------------------------------------ add and remove refuse cleanly
def one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("policykg: error:") and result.stderr.count("\n") == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_add_of_a_duplicate_id_fails_cleanly(tmp_path: Path, corpus: Path) -> None:
    before = sorted(p.name for p in corpus.iterdir())
    text, sidecar = write_document(tmp_path / "incoming", "notice-a", 5)
    result = run_cli("add", str(text), "--meta", str(sidecar), "--no-model", "--no-index", "--quiet",
                     data=tmp_path / "data", corpus=corpus, timeout=120)
    one_line_error(result, "'notice-a' is already in the corpus", "policykg remove notice-a")
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert not (tmp_path / "data" / "current").exists()


@pytest.mark.parametrize("problem", ["not json", "no id", "bad text name", "missing text", "text not utf-8"])
def test_add_of_an_invalid_document_fails_cleanly(problem: str, tmp_path: Path, corpus: Path) -> None:
    text, sidecar = write_document(tmp_path / "incoming", "notice-z", 5)
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    if problem == "not json":
        sidecar.write_text("{", encoding="utf-8")
    elif problem == "no id":
        sidecar.write_text(json.dumps({**meta, "id": ""}), encoding="utf-8")
    elif problem == "bad text name":
        sidecar.write_text(json.dumps({**meta, "text": "sub/notice-z.txt"}), encoding="utf-8")
    elif problem == "missing text":
        text.unlink()
    else:
        text.write_bytes("一、总体要求\n".encode("gbk") * 20)
    before = sorted(p.name for p in corpus.iterdir())
    result = run_cli("add", str(text), "--meta", str(sidecar), "--no-model", "--no-index", "--quiet",
                     data=tmp_path / "data", corpus=corpus, timeout=120)
    one_line_error(result)
    assert sorted(p.name for p in corpus.iterdir()) == before


def test_remove_of_an_unknown_id_fails_cleanly(tmp_path: Path, corpus: Path) -> None:
    result = run_cli("remove", "notice-x", "--no-model", "--no-index", "--quiet", data=tmp_path / "data",
                     corpus=corpus, timeout=120)
    one_line_error(result, "no document with id 'notice-x'", "notice-a, notice-b")


def test_add_takes_the_files_out_again_when_the_build_fails(tmp_path: Path, corpus: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.build

    data = use_data(monkeypatch, tmp_path / "data")
    build(corpus, **quick(with_index=False))
    generation = library.verify_library(data)
    monkeypatch.setattr(kg.build, "validate", lambda graph, ontology: ValidationReport(False, 1, "", ["x: broken"]))
    text, sidecar = write_document(tmp_path / "incoming", "notice-c", 5)
    with pytest.raises(ValidationError, match=r"notice-c was not added\)$"):
        add_document(text, sidecar, corpus, **quick(with_index=False))
    assert sorted(p.name for p in corpus.iterdir()) == [
        "notice-a.meta.json", "notice-a.txt", "notice-b.meta.json", "notice-b.txt"]
    assert library.verify_library(data) == generation


def test_the_last_document_cannot_be_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    write_document(corpus, "notice-a", 5)
    use_data(monkeypatch, tmp_path / "data")
    with pytest.raises(CorpusError, match="the only document"):
        remove_document("notice-a", corpus, **quick(with_index=False))
    assert (corpus / "notice-a.txt").exists()


def test_cli_add_and_remove(tmp_path: Path, corpus: Path) -> None:
    data = tmp_path / "data"
    text, sidecar = write_document(tmp_path / "incoming", "notice-c", 8)
    result = run_cli("add", str(text), "--meta", str(sidecar), "--no-model", "--no-index", "--quiet",
                     data=data, corpus=corpus, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "extracted 3, reused 0" in result.stdout  # the first build of this data folder: nothing cached
    assert (corpus / "notice-c.txt").read_bytes() == text.read_bytes()
    assert (corpus / "notice-c.meta.json").read_bytes() == sidecar.read_bytes()
    assert manifest(data)["documents"] == ["notice-a", "notice-b", "notice-c"]
    result = run_cli("remove", "notice-c", "--no-model", "--no-index", "--quiet", data=data, corpus=corpus,
                     timeout=300)
    assert result.returncode == 0, result.stderr
    assert "extracted 0, reused 2" in result.stdout
    assert manifest(data)["documents"] == ["notice-a", "notice-b"] and not (corpus / "notice-c.txt").exists()


# ------------------------------------------------------------------ the shipped library
@pytest.mark.slow
def test_removing_a_law_restores_the_shipped_library_byte_identically(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, incoming = tmp_path / "corpus", tmp_path / "incoming"
    shutil.copytree(PROJECT / "corpus", corpus)
    incoming.mkdir()
    for name in ("alp-2019.meta.json", "alp-2019.md"):
        shutil.move(corpus / name, incoming / name)
    data = use_data(monkeypatch, tmp_path / "data")
    before: BuildReport = build(corpus, **quick(with_index=False))
    dump = export("nq", GraphStore(data / "store"))
    _, added = add_document(incoming / "alp-2019.md", incoming / "alp-2019.meta.json", corpus,
                            **quick(with_index=False))
    assert added.extracted == ["alp-2019"] and len(added.reused) == 6
    _, removed = remove_document("alp-2019", corpus, **quick(with_index=False))
    assert removed.extracted == [] and removed.digests == before.digests
    assert export("nq", GraphStore(data / "store")) == dump
    # and the library with the law, as added, is the library built with it from scratch
    shutil.copytree(PROJECT / "corpus", tmp_path / "corpus7")
    assert fresh_digests_no_index(tmp_path / "corpus7", tmp_path / "fresh", monkeypatch) == added.digests
