"""Precision of modality and bearers on a hand-checked sample of 50 provisions must not regress.

``tests/fixtures/provision_sample.json`` holds the sample (ids, texts, the predictions when it was
drawn, gold labels and notes on each disagreement) and the precision measured then. A change that
lowers any of the three numbers fails here; one that raises them should update ``measured``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.checklist import MODALITIES, load_provisions
from kg.extract.lexicon import default_lexicon
from kg.graph.store import rows

SAMPLE = json.loads((Path(__file__).parent / "fixtures" / "provision_sample.json").read_text(encoding="utf-8"))
RECORDS = SAMPLE["records"]


def scores(records: list[dict], predicted: dict[str, tuple[str | None, list[str]]]) -> dict[str, float]:
    modality = sum(predicted[r["id"]][0] == r["gold_modality"] for r in records) / len(records)
    agreement = sum(set(predicted[r["id"]][1]) == set(r["gold_bearers"]) for r in records) / len(records)
    real = [r for r in records if r["gold_modality"] is not None]
    guessed = sum(len(predicted[r["id"]][1]) for r in real)
    correct = sum(len(set(predicted[r["id"]][1]) & set(r["gold_bearers"])) for r in real)
    return {"modality_precision": modality, "bearer_agreement": agreement,
            "bearer_precision": correct / guessed if guessed else 0.0}


def test_fixture_is_well_formed() -> None:
    assert len(RECORDS) == 50
    assert len({r["id"] for r in RECORDS}) == 50
    agencies = {c.label_zh for c in default_lexicon().by_kind("agency")}
    for record in RECORDS:
        assert record["gold_modality"] in (*MODALITIES, None), record["id"]
        assert record["predicted_modality"] in (*MODALITIES, None), record["id"]  # None: no longer a provision
        assert set(record["gold_bearers"]) <= agencies, record["id"]
        assert (record["gold_modality"] is None) == (record["gold_bearers"] == []), record["id"]
        disagrees = (record["predicted_modality"] != record["gold_modality"]
                     or set(record["predicted_bearers"]) != set(record["gold_bearers"]))
        assert disagrees == bool(record.get("note")), f"{record['id']}: explain each disagreement, and only those"


def test_measured_numbers_match_the_recorded_predictions() -> None:
    recorded = {r["id"]: (r["predicted_modality"], r["predicted_bearers"]) for r in RECORDS}
    found = scores(RECORDS, recorded)
    assert {k: round(v, 4) for k, v in found.items()} == SAMPLE["measured"]


@pytest.mark.slow
def test_sample_sentences_are_unchanged(store) -> None:
    """The sample cites sentences by id: if ids or texts move, the gold labels no longer apply."""
    texts = {f"{r['doc']}/{r['id']}": r["text"] for r in rows(store.query(
        "SELECT ?doc ?id ?text WHERE { ?s a pkg:Sentence ; pkg:localId ?id ; pkg:text ?text ; "
        "eli:is_member_of/pkg:localId ?doc }"))}
    for record in RECORDS:
        assert texts.get(record["id"]) == record["text"], record["id"]


@pytest.mark.slow
def test_precision_does_not_regress(store) -> None:
    current = {item.id: (item.modality, item.bearers) for item in load_provisions(store)}
    predicted = {r["id"]: current.get(r["id"], (None, [])) for r in RECORDS}  # no longer a provision: no modality
    found = scores(RECORDS, predicted)
    for name, floor in SAMPLE["measured"].items():
        assert round(found[name], 4) >= floor, f"{name} fell from {floor} to {found[name]:.4f}"
