"""An index answers only queries embedded by its own encoder backend (torch, onnx-fp32, onnx-int8)."""

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
    return write_index([PASSAGE], np.ones((1, 384), np.float32) / np.sqrt(384), folder / "index", model_spec="m",
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
    with pytest.raises(PolicyKGError, match="choose one of torch, onnx-fp32, onnx-int8"):
        config.encoder_backend()


@pytest.mark.slow
def test_ask_with_another_backend_than_the_build_exits_non_zero(built_data: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    built = config.encoder_backend()
    other = next(b for b in EncoderBackend if b is not built)
    monkeypatch.setenv("POLICYKG_ENCODER", other.value)
    done = run_cli("ask", "电解铝行业有哪些要求？", data=built_data, timeout=120)
    assert done.returncode == 2, done.stdout
    assert f"embedded with the {built} encoder but queries would use {other}" in done.stderr
    assert "Traceback" not in done.stderr
