"""Extraction in worker processes: the same library whatever the number of workers, errors that cross
the process boundary intact, and a build that never holds every document's graph at once."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from helpers import copy_library, run_cli

from kg.build import build
from kg.errors import CorpusError, OutputError


def _manifest(data: Path) -> dict:
    return json.loads((data / "current" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("error", [CorpusError("corpus/a.meta.json", "date is not a date"),
                                   OutputError("out.csv", "is a directory")])
def test_errors_raised_in_a_worker_reach_the_parent_whole(error: Exception) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and str(back) == str(error) and back.path == error.path


def test_the_store_does_not_depend_on_the_number_of_workers(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = copy_library(tmp_path / "corpus")
    digests = {}
    for workers in (1, 2):
        data = tmp_path / f"data-{workers}"
        monkeypatch.setenv("POLICYKG_DATA", str(data))
        report = build(corpus, with_index=False, with_model=False, progress=False, workers=workers)
        assert len(report.extracted) == 7
        digests[workers] = _manifest(data)["digests"]["store"]
    assert digests[1] == digests[2]


def test_workers_must_be_a_positive_count(tmp_path: Path) -> None:
    for bad in ("0", "-2", "two", "100000"):
        result = run_cli("build", "--workers", bad, "--no-index", data=tmp_path / "data")
        assert result.returncode != 0 and "--workers" in result.stderr and "Traceback" not in result.stderr
