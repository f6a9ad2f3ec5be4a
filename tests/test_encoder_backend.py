"""An index answers only queries embedded by its own encoder backend (torch, onnx-fp32, onnx-int8); an index
built with ``none`` has no vectors and answers from BM25 and the graph."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import run_cli

from kg import config
from kg.config import EncoderBackend
from kg.embedding import EncoderMismatchError
from kg.errors import PolicyKGError
from kg.graph.store import GraphStore
from kg.retrieval import Passage, SentenceIndex, write_index

PASSAGE = Passage(id="doc/s1", doc_id="doc", local_id="s1", label="s1", text="严禁建设新增产能项目。", section="",
                  lead="", role="body", modality="prohibition", order=1, paragraph="p1")


def tiny_index(folder: Path, encoder: EncoderBackend) -> Path:
    # An empty in-memory store: the passage features need no facts here (the build's store would cost ~25 s).
    width = 384 if encoder.dense else 0
    return write_index([PASSAGE], np.ones((1, width), np.float32) / np.sqrt(384), folder / "index", model_spec="m",
                       generation=None, encoder=encoder, store=GraphStore())


@pytest.mark.parametrize("backend", list(EncoderBackend))
def test_index_records_its_backend_and_loads_for_the_same_one(tmp_path: Path, backend: EncoderBackend) -> None:
    index = SentenceIndex.load(tiny_index(tmp_path, backend), query_encoder=backend)
    assert index.encoder is backend


def test_index_refuses_queries_of_another_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tiny_index(tmp_path, EncoderBackend.ONNX_INT8)
    with pytest.raises(EncoderMismatchError, match="embedded with the onnx-int8 encoder but queries would use torch"):
        SentenceIndex.load(folder, query_encoder=EncoderBackend.TORCH)
    monkeypatch.setenv("POLICYKG_ENCODER", "onnx-fp32")  # the configured backend is the default query encoder
    with pytest.raises(EncoderMismatchError, match="POLICYKG_ENCODER=onnx-int8"):
        SentenceIndex.load(folder)


def test_without_policykg_encoder_queries_follow_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLICYKG_ENCODER", raising=False)
    assert SentenceIndex.load(tiny_index(tmp_path, EncoderBackend.ONNX_INT8)).encoder is EncoderBackend.ONNX_INT8


@pytest.mark.parametrize("query", list(EncoderBackend))
def test_a_lexical_index_serves_every_query_backend_and_scores_nothing_dense(tmp_path: Path,
                                                                             query: EncoderBackend) -> None:
    index = SentenceIndex.load(tiny_index(tmp_path, EncoderBackend.NONE), query_encoder=query)
    assert index.embeddings.shape == (1, 0)
    assert index.dense_scores(np.ones(384, np.float32)).tolist() == [0.0]
    assert index.bm25 is not None and index.bm25_scores(["新增", "产能"]).shape == (1,)  # BM25 is what it has


def test_lexical_queries_search_a_dense_index_without_its_vectors(tmp_path: Path) -> None:
    assert SentenceIndex.load(tiny_index(tmp_path, EncoderBackend.TORCH), query_encoder=EncoderBackend.NONE)


@pytest.mark.parametrize(("recorded", "width"), [(EncoderBackend.NONE, 384), (EncoderBackend.ONNX_FP32, 0)])
def test_vectors_that_do_not_fit_the_recorded_backend_are_damage(tmp_path: Path, recorded: EncoderBackend,
                                                                  width: int) -> None:
    from kg.errors import StoreError

    folder = write_index([PASSAGE], np.ones((1, width), np.float32), tmp_path / "index", model_spec="m",
                         generation=None, encoder=recorded, store=GraphStore())
    with pytest.raises(StoreError, match=f"has {width} dimensions for the {recorded} encoder"):
        SentenceIndex.load(folder, query_encoder=recorded)


def test_no_encoder_is_loaded_for_none(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.embedding import ModelError, ensure_model, load_encoder

    assert ensure_model("/nowhere/model", backend=EncoderBackend.NONE) == "/nowhere/model"  # nothing converted
    with pytest.raises(ModelError, match="no embedding model is used"):
        load_encoder(backend=EncoderBackend.NONE)


def test_an_index_from_before_backends_is_torch(tmp_path: Path) -> None:
    import json

    folder = tiny_index(tmp_path, EncoderBackend.TORCH)
    data = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
    del data["encoder"]
    (folder / "passages.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert SentenceIndex.load(folder, query_encoder=EncoderBackend.TORCH).encoder is EncoderBackend.TORCH
    with pytest.raises(EncoderMismatchError):
        SentenceIndex.load(folder, query_encoder=EncoderBackend.ONNX_INT8)


def test_unknown_backend_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKG_ENCODER", "onnx-int4")
    with pytest.raises(PolicyKGError, match="choose one of torch, onnx-fp32, onnx-int8, none"):
        config.encoder_backend()


@pytest.mark.slow
def test_ask_with_another_backend_than_the_build_exits_non_zero(built_data: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    built = config.encoder_backend()
    other = next(b for b in EncoderBackend if b is not built and b.dense)
    monkeypatch.setenv("POLICYKG_ENCODER", other.value)
    done = run_cli("ask", "电解铝行业有哪些要求？", data=built_data, timeout=120)
    assert done.returncode == 2, done.stdout
    assert f"embedded with the {built} encoder but queries would use {other}" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_lexical_library_builds_without_the_model_and_answers_with_cited_evidence(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import shutil

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("guofa-2013-41.txt", "guofa-2013-41.meta.json"):
        shutil.copy(config.PROJECT_ROOT / "corpus" / name, corpus / name)
    monkeypatch.setenv("POLICYKG_ENCODER", "none")
    monkeypatch.setenv("POLICYKG_MODELS", str(tmp_path / "no-models"))  # a model step would convert here
    built = run_cli("build", "--quiet", data=tmp_path / "data", corpus=corpus, timeout=600)
    assert built.returncode == 0, built.stderr
    assert "embedded 0 passage(s)" in built.stdout
    assert not (tmp_path / "no-models").exists()
    monkeypatch.delenv("POLICYKG_ENCODER")  # the ask follows the index: no model is looked for
    asked = run_cli("ask", "--json", "电解铝2015年底前要做什么？", data=tmp_path / "data", corpus=corpus, timeout=120)
    assert asked.returncode == 0, asked.stderr
    evidence = json.loads(asked.stdout)["evidence"]
    assert evidence and all(e["id"].startswith("guofa-2013-41/") for e in evidence)
    assert any("电解铝" in e["text"] or "电解铝" in e["section"] for e in evidence[:5])
