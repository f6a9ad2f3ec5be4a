"""Modality and bearer quality on hand-labelled samples must not regress.

The ratchet is the blind samples of ``bench/labels/`` (``modality_bearers_160.jsonl``: 100 seed sentences
and 20 from each of three laws; ``laws_fresh_60.jsonl`` and ``laws_third_60.jsonl``: 60 law sentences each;
each labelled by an annotator who saw only the texts), measured by ``bench/provision_eval.py``:
:data:`FLOORS` are the figures last measured. A change that lowers one fails here; one that raises it
should raise the floor.

``tests/fixtures/provision_sample.json`` is the earlier 50-provision sample; its gold labels predate
liability clauses and implied bearers (it gives 追究…责任 clauses to their enforcers and impersonal
encouragements to the addressees), so only its form and its recorded figures are checked now.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kg.checklist import MODALITIES
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


# (correct, total) on each whole sample (tune and sealed splits together), as measured: the 160-row sample
# (seed and laws) and the later samples of 60 law sentences, each labelled by a new annotator. Every law
# sentence is labelled with bench/labels/GUIDE.md, which makes a sentence without a deontic word null
# (国家实行…制度, 由国务院批准): the law rows of the first three samples were labelled again with it on
# 2026-11-28 by an annotator who saw only the texts and the guide (their first labels read such sentences as
# obligations, so the samples disagreed with each other).
FLOORS = {
    "modality_bearers_160.jsonl": {
        "seed": {"modality_accuracy": (99, 100), "bearer_agreement": (83, 86), "bearer_text_exact": (18, 20)},
        "laws": {"modality_accuracy": (58, 60), "bearer_agreement": (33, 36), "bearer_text_exact": (23, 25)},
    },
    "laws_fresh_60.jsonl": {
        "laws": {"modality_accuracy": (59, 60), "bearer_agreement": (37, 39), "bearer_text_exact": (26, 28)},
    },
    "laws_third_60.jsonl": {
        "laws": {"modality_accuracy": (58, 60), "bearer_agreement": (42, 43), "bearer_text_exact": (31, 34)},
    },
    "laws_fifth_60.jsonl": {
        "laws": {"modality_accuracy": (59, 60), "bearer_agreement": (38, 43), "bearer_text_exact": (22, 25)},
    },
    "laws_sixth_60.jsonl": {
        "laws": {"modality_accuracy": (60, 60), "bearer_agreement": (33, 37), "bearer_text_exact": (22, 23)},
    },
    "laws_seventh_60.jsonl": {
        "laws": {"modality_accuracy": (58, 60), "bearer_agreement": (48, 48), "bearer_text_exact": (27, 30)},
    },
    # all 60 sealed, run once at f367734 (the environmental law had only 7 unlabelled sentences left)
    "laws_eighth_60.jsonl": {
        "laws": {"modality_accuracy": (58, 60), "bearer_agreement": (42, 46), "bearer_text_exact": (23, 25)},
    },
    # 2026-11-28, tenth session: first 10 rows per law tuned; the sealed rest was exposed (three of its
    # failures were printed by an all-rows script before its sealed run), so the whole sample counts as tuning
    "laws_ninth_60.jsonl": {
        "laws": {"modality_accuracy": (58, 60), "bearer_agreement": (20, 22), "bearer_text_exact": (9, 12)},
    },
    # the last 50 unlabelled law sentences, all sealed, run once at 0cbc650
    "laws_tenth_50.jsonl": {
        "laws": {"modality_accuracy": (48, 50), "bearer_agreement": (18, 20), "bearer_text_exact": (10, 11)},
    },
}


@pytest.fixture(scope="module")
def provision_eval():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import provision_eval

    if not provision_eval.EXTRA.is_dir():
        pytest.skip(f"{provision_eval.EXTRA} (the laws) is not beside the project")
    return provision_eval


@pytest.fixture(scope="module")
def provision_output(provision_eval):
    """One build of the labelled documents, shared by every sample (a build per sample cost CI minutes)."""
    return provision_eval.build_output()


@pytest.mark.slow
@pytest.mark.parametrize("sample", sorted(FLOORS))
def test_blind_samples_do_not_regress(provision_eval, provision_output, sample: str) -> None:
    figures = provision_eval.evaluate("all", labels_path=provision_eval.ROOT / "bench" / "labels" / sample,
                                      output=provision_output)
    for group, floors in FLOORS[sample].items():
        for name, (correct, total) in floors.items():
            found = figures[group][name]
            got, of = (int(n) for n in found.split(" = ")[0].split("/"))
            assert of == total, f"{sample} {group} {name}: the sample changed ({found})"
            assert got >= correct, f"{sample} {group} {name} fell from {correct}/{total} to {found}"
    assert figures["unaligned"]["count"] == 0
