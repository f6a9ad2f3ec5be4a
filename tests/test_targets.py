"""``policykg targets``: every quantity with its industry, value, unit, comparator, date and kind."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest
from helpers import DOC, LIBRARY, PROJECT, cli_env, policykg_command, run_cli

from kg.answer.facts import list_targets
from kg.errors import QueryError
from kg.extract.lexicon import default_lexicon

pytestmark = pytest.mark.slow

FIELDS = ("id", "text", "industry", "value", "unit", "comparator", "date", "kind")


@pytest.fixture(scope="module")
def targets(built_data) -> list[dict]:
    result = run_cli("targets", "--format", "json", data=built_data)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def by_id(targets) -> dict[str, dict]:
    return {t["id"]: t for t in targets}


def pick(by_id: dict[str, dict], sentence: str, order: int) -> dict:
    return by_id[f"{DOC}/{sentence}/q{order}"]


def test_every_quantity_is_listed_with_its_fields(targets, library_facts) -> None:
    """Every quantity of every document of the library, the seed's twenty among them."""
    assert len(targets) == sum(len(f.quantities) for facts in library_facts.values() for f in facts)
    seed = [t for t in targets if t["id"].startswith(f"{DOC}/")]
    assert len(seed) == sum(len(f.quantities) for f in library_facts[DOC]) == 20
    for record in targets:
        assert set(FIELDS) <= set(record), record
        assert record["kind"] in ("target", "figure")
        assert isinstance(record["value"], int | float)
        assert record["unit"]
        assert record["id"].split("/")[0] in LIBRARY and record["id"].rsplit("/", 1)[1].startswith("q")
        assert record["surface"] in record["text"]
    assert len({t["id"] for t in targets}) == len(targets)


def test_ironmaking_target(by_id) -> None:
    record = pick(by_id, "3.3.p1.s2", 1)
    assert (record["value"], record["unit"], record["comparator"]) == (1500, "万吨", None)
    assert (record["date"], record["kind"]) == ("2015-12-31", "target")
    assert record["industry"] == "钢铁"  # the top-level industry; the product is extra
    assert record["product"] == "炼铁"
    assert "炼铁1500万吨" in record["text"]


def test_list_items_share_the_deadline(by_id) -> None:
    steelmaking, cement, glass = (pick(by_id, "3.3.p1.s2", n) for n in (2, 3, 4))
    assert (steelmaking["value"], steelmaking["unit"], steelmaking["industry"], steelmaking["product"]) == (
        1500, "万吨", "钢铁", "炼钢")
    assert (cement["value"], cement["unit"], cement["industry"]) == (1, "亿吨", "水泥")
    assert (glass["value"], glass["unit"], glass["industry"]) == (2000, "万重量箱", "平板玻璃")
    assert {r["date"] for r in (steelmaking, cement, glass)} == {"2015-12-31"}


def test_steel_capacity_cut(by_id) -> None:
    record = pick(by_id, "4.p2.s2", 1)
    assert (record["value"], record["unit"], record["comparator"], record["industry"]) == (8000, "万吨", "以上", "钢铁")
    assert record["kind"] == "target"


def test_cement_share(by_id) -> None:
    record = pick(by_id, "4.p3.s4", 1)
    assert (record["value"], record["unit"], record["comparator"], record["industry"]) == (10, "%", "不低于", "水泥")


def test_prebaked_cells(by_id) -> None:
    record = pick(by_id, "4.p4.s2", 1)
    assert (record["value"], record["unit"], record["comparator"]) == (16, "万安培", "以下")
    assert (record["industry"], record["date"], record["kind"]) == ("电解铝", "2015-12-31", "target")
    assert record["role"] == "threshold"


def test_glass_processing_rate(by_id) -> None:
    record = pick(by_id, "4.p5.s3", 1)
    assert (record["value"], record["unit"], record["comparator"], record["industry"]) == (50, "%", "以上", "平板玻璃")


def test_loan_term(by_id) -> None:
    record = pick(by_id, "5.4.p1.s6", 1)
    assert (record["value"], record["unit"], record["comparator"], record["operator"]) == (7, "年", "延长至", "<=")


def test_capacity_utilisation_figures(by_id) -> None:
    expected = [(72, "钢铁"), (73.7, "水泥"), (71.9, "电解铝"), (73.1, "平板玻璃"), (75, "船舶")]
    found = [pick(by_id, "1.p2.s2", n) for n in range(1, 6)]
    assert [(r["value"], r["industry"]) for r in found] == expected
    assert {(r["unit"], r["date"], r["kind"]) for r in found} == {("%", "2012-12-31", "figure")}
    assert all(r["measure"] == "产能利用率" for r in found)


def test_industries_are_top_level(targets) -> None:
    lexicon = default_lexicon()
    tops = {c.label_zh for c in lexicon.by_kind("industry") if lexicon.is_top_industry(c.iri)}
    assert {t["industry"] for t in targets} <= tops | {None}
    seed = {"钢铁", "水泥", "电解铝", "平板玻璃", "船舶", None}
    assert {t["industry"] for t in targets if t["id"].startswith(f"{DOC}/")} <= seed


def test_kind_filter(store) -> None:
    """The filters `policykg targets --kind --industry` passes to list_targets."""
    (record,) = list_targets(industry="船舶", kind="figure", store=store)
    assert (record["value"], record["industry"], record["kind"]) == (75, "船舶", "figure")


def test_industry_filter_includes_products(store) -> None:
    found = list_targets(industry="steel", kind="target", store=store)
    assert {r["industry"] for r in found} == {"钢铁"}
    assert {r["product"] for r in found} >= {"炼铁", "炼钢", None}


def test_unknown_industry_is_a_clear_error(store) -> None:
    with pytest.raises(QueryError, match="unknown industry"):
        list_targets(industry="煤炭不存在", store=store)


def test_csv_has_bom_crlf_and_parses(built_data, targets) -> None:
    raw = subprocess.run([*policykg_command(), "targets", "--format", "csv"], cwd=PROJECT, env=cli_env(built_data),
                         capture_output=True, check=True, timeout=300).stdout
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == len(targets) + 1  # CRLF rows, as Excel expects: a header and every quantity
    parsed = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(parsed) == len(targets)
    assert set(FIELDS) <= set(parsed[0])
    assert list(parsed[0])[:3] == ["id", "text", "industry"]
    iron = next(r for r in parsed if r["id"] == f"{DOC}/3.3.p1.s2/q1")
    assert (iron["industry"], iron["value"], iron["unit"], iron["date"], iron["kind"]) == (
        "钢铁", "1500", "万吨", "2015-12-31", "target")
