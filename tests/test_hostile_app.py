"""The app under hostile use (issue 12): SERVICE refused on the SPARQL page, a per-session rate
limit, and a running app that picks up a new generation without a restart."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from helpers import PROJECT, copy_seed, run_cli
from test_hostile_build import add_document
from test_hostile_sparql import Listener, service_queries

pytestmark = pytest.mark.slow

APP = PROJECT / "app.py"


def _open(page: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _run_sparql(at, text: str):
    at.text_area(key="sparql_text").input(text)
    at.button(key="sparql_run").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_sparql_page_refuses_service_and_limits_the_rate(built_data: Path) -> None:
    listener = Listener()
    try:
        at = _open("sparql")
        at = _run_sparql(at, service_queries(listener.port)[0])
        assert at.error and "SERVICE" in at.error[0].value
        for _ in range(5):  # six queries a minute per session (the refused one counted)
            at = _run_sparql(at, "ASK { ?s ?p ?o }")
            assert not at.warning
        at = _run_sparql(at, "ASK { ?s ?p ?o }")
        assert at.warning and ("频繁" in at.warning[0].value or "Too many" in at.warning[0].value)
        time.sleep(0.3)
        assert listener.hits == []
    finally:
        listener.close()


def test_a_running_app_picks_up_a_new_generation(built_data: Path, tmp_path: Path, monkeypatch) -> None:
    data, corpus = tmp_path / "data", copy_seed(tmp_path / "corpus")  # the new build: the seed and one more
    shutil.copytree(built_data, data, symlinks=True)
    monkeypatch.setenv("POLICYKG_DATA", str(data))
    at = _open("sparql")
    before = " ".join(str(c.value) for c in at.sidebar.caption)
    add_document(corpus, "app")
    result = run_cli("build", "--quiet", "--no-model", "--no-index", data=data, corpus=corpus)
    assert result.returncode == 0, result.stderr
    at.run()
    after = " ".join(str(c.value) for c in at.sidebar.caption)
    new = (data / "current").resolve().name
    assert new not in before and new in after, (before, after)
