"""Extraction on a Dask distributed cluster (``policykg build --scheduler``): the library it publishes is
the one a local build publishes, and a cluster that cannot be used stops the build before it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import DOC, copy_seed, run_cli

from kg import cluster
from kg.build import build
from kg.errors import PolicyKGError

distributed = pytest.importorskip("distributed")


def _store_digest(data: Path) -> str:
    return json.loads((data / "current" / "manifest.json").read_text(encoding="utf-8"))["digests"]["store"]


def test_a_build_on_a_local_cluster_publishes_the_library_a_local_build_does(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = copy_seed(tmp_path / "corpus")
    # Worker processes, as on other machines: they import the code themselves and get only the tasks.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as dask:
        result = run_cli("build", "--no-index", "--quiet", "--scheduler", dask.scheduler_address,
                         data=tmp_path / "cluster", corpus=corpus)
    assert result.returncode == 0, result.stderr
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path / "local"))
    report = build(corpus, with_index=False, with_model=False, progress=False, workers=1)
    assert report.extracted == [DOC]
    assert _store_digest(tmp_path / "cluster") == _store_digest(tmp_path / "local")


def test_workers_running_other_code_stop_the_build_before_anything_is_published(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = copy_seed(tmp_path / "corpus")
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path / "data"))
    # The workers answer with the real fingerprint; this process pretends its code has changed.
    monkeypatch.setattr(cluster, "code_fingerprint", lambda: "a build of other code")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as dask, \
            pytest.raises(PolicyKGError, match="other PolicyKG code"):
        build(corpus, with_index=False, with_model=False, progress=False, scheduler=dask.scheduler_address)
    assert not (tmp_path / "data" / "current").exists()


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.serve import free_port

    corpus = copy_seed(tmp_path / "corpus")
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2.0)
    with pytest.raises(PolicyKGError, match="cannot reach the Dask scheduler"):
        build(corpus, with_index=False, with_model=False, progress=False, scheduler=f"tcp://127.0.0.1:{free_port()}")
    assert not (tmp_path / "data" / "current").exists()


@pytest.mark.parametrize("address", ["127.0.0.1:8786", "http://127.0.0.1:8786", "tcp://127.0.0.1", "tcp://:8786",
                                     "tcp://127.0.0.1:99999"])
def test_a_scheduler_address_must_be_tcp_host_and_port(tmp_path: Path, address: str) -> None:
    result = run_cli("build", "--scheduler", address, "--no-index", data=tmp_path / "data")
    assert result.returncode == 2 and "--scheduler" in result.stderr and "Traceback" not in result.stderr
