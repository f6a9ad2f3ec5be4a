"""The app loads its answerer in the background when a page is first drawn, so the first question does
not wait for the engine (issue 10: the first answer ≤ 3 s after the page is ready)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _warm_up_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "policykg-warm-up"]


def test_a_drawn_page_loads_the_answerer_once_before_any_question(built_data: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from kg.answer import engine
    from kg.ui import cache

    made: list[object] = []

    class Counted(engine.Answerer):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(engine, "Answerer", Counted)
    monkeypatch.setattr(cache, "_warmed", set())
    cache.get_answerer.clear()
    # The browse page: no question is asked on it.
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/browse.py").run()
    assert not at.exception, [e.value for e in at.exception]
    for thread in _warm_up_threads():
        thread.join(timeout=120)
    assert len(made) == 1, "drawing a page should load the answerer once, in the background"
    key = cache.data_key()
    assert cache.get_answerer(key) is made[0] and len(made) == 1  # the first question finds it loaded
    cache.warm_answerer(key)  # once per generation: a second page draw starts nothing
    assert not _warm_up_threads() and len(made) == 1
    cache.get_answerer.clear()
