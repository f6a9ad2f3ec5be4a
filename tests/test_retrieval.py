"""BM25 on bm25s: the saved index round-trips, is refused when missing or damaged, and ranks as BM25Okapi did.

Fast: small token lists, no build, no model.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from kg.answer.features import Sets
from kg.errors import StoreError
from kg.retrieval import BM25_FILES, Bm25Index, build_bm25, reciprocal_rank_fusion

# Token lists as analyse_tokens gives them (jieba search mode, stop words out); no token is in more than
# half of the passages, where bm25s's idf and BM25Okapi's epsilon floor part (see BM25_PARAMS).
CORPUS = [
    ["钢铁", "产能", "利用率", "2012", "年底"],
    ["电解铝", "产能", "利用率", "电解", "铝"],
    ["水泥", "熟料", "淘汰", "落后", "产能"],
    ["船舶", "造船", "完工", "量", "船舶"],
    ["并购", "贷款", "期限", "延长", "7", "年"],
    ["平板", "玻璃", "淘汰", "重量", "箱"],
    ["钢铁", "炼铁", "炼钢", "淘汰", "1500", "万吨"],
    [],
]
QUERIES = [["钢铁", "产能"], ["淘汰", "炼钢", "产能"], ["船舶"], ["贷款", "期限", "几年"], ["产能", "产能"],
           ["未知"]]


def okapi(corpus: list[list[str]], query: list[str], k1: float = 1.5, b: float = 0.75,
          epsilon: float = 0.25) -> np.ndarray:
    """rank_bm25 0.2.2's BM25Okapi.get_scores, written out (the scores the engine ranked by before bm25s)."""
    n = len(corpus)
    avgdl = sum(len(d) for d in corpus) / n
    df: dict[str, int] = {}
    for doc in corpus:
        for token in set(doc):
            df[token] = df.get(token, 0) + 1
    idf = {t: math.log(n - f + 0.5) - math.log(f + 0.5) for t, f in df.items()}
    floor = epsilon * sum(idf.values()) / len(idf)
    idf = {t: (floor if v < 0 else v) for t, v in idf.items()}
    scores = np.zeros(n)
    for token in query:
        tf = np.array([doc.count(token) for doc in corpus], dtype=float)
        lengths = np.array([len(doc) for doc in corpus], dtype=float)
        scores += idf.get(token, 0) * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths / avgdl)))
    return scores


@pytest.fixture()
def saved(tmp_path: Path) -> Path:
    return build_bm25(CORPUS, tmp_path / "bm25")


def test_scores_are_bm25okapi_scores_and_rank_the_same(saved: Path) -> None:
    index = Bm25Index.load(saved, len(CORPUS))
    for query in QUERIES:
        expected = okapi(CORPUS, query)
        found = index.scores(query)
        assert found == pytest.approx(expected, rel=1e-5, abs=1e-6), query
        assert np.argsort(-found, kind="stable").tolist() == np.argsort(-expected, kind="stable").tolist(), query


def test_a_token_in_most_passages_scores_zero_where_bm25okapi_floored_it() -> None:
    corpus = [["产能", "钢铁"], ["产能", "水泥"], ["产能"], ["船舶"]]
    assert Bm25Index.from_tokens(corpus).scores(["产能"]).tolist() == [0.0] * 4
    assert (okapi(corpus, ["产能"])[:3] > 0).all()
    # the ranking by the other words of a question is untouched
    assert Bm25Index.from_tokens(corpus).scores(["产能", "钢铁"]).argmax() == okapi(corpus, ["产能", "钢铁"]).argmax()


def test_saved_index_round_trips_memory_mapped_and_byte_identical(saved: Path, tmp_path: Path) -> None:
    loaded = Bm25Index.load(saved, len(CORPUS))
    in_memory = Bm25Index.from_tokens(CORPUS)
    assert isinstance(loaded.data, np.memmap)
    for query in QUERIES:
        assert loaded.scores(query).tolist() == in_memory.scores(query).tolist()
    again = build_bm25(CORPUS, tmp_path / "again")
    assert all((saved / name).read_bytes() == (again / name).read_bytes() for name in BM25_FILES)


def test_empty_corpus_and_passages_without_tokens(tmp_path: Path) -> None:
    assert Bm25Index.load(build_bm25([[], []], tmp_path / "none"), 2).scores(["钢铁"]).tolist() == [0.0, 0.0]
    assert len(Bm25Index.load(build_bm25([], tmp_path / "empty"), 0).scores(["钢铁"])) == 0


@pytest.mark.parametrize(("damage", "message"), [
    (lambda f: (f / "vocab.index.json").unlink(), "no BM25 index"),
    (lambda f: (f / "data.csc.index.npy").write_bytes((f / "data.csc.index.npy").read_bytes()[:90]), "damaged"),
    (lambda f: (f / "vocab.index.json").write_text('{"钢铁": ', encoding="utf-8"), "damaged"),
    (lambda f: (f / "indptr.csc.index.npy").write_bytes(b"garbage"), "damaged"),
    (lambda f: np.save(f / "indptr.csc.index.npy", np.array([0, 1])), "does not fit"),
    (lambda f: (f / "params.index.json").write_text(json.dumps(
        {**json.loads((f / "params.index.json").read_text()), "k1": 1.2}), encoding="utf-8"), "other parameters"),
])
def test_missing_or_damaged_index_is_refused_naming_the_folder(saved: Path, damage, message: str) -> None:
    damage(saved)
    with pytest.raises(StoreError, match=message) as refused:
        Bm25Index.load(saved, len(CORPUS))
    assert str(saved) in str(refused.value) and "policykg build" in str(refused.value)


def test_index_of_another_size_is_refused(saved: Path) -> None:
    with pytest.raises(StoreError, match="does not fit its 3 passages"):
        Bm25Index.load(saved, 3)


def test_fusion_matches_the_rank_by_rank_sum() -> None:
    rng = np.random.default_rng(7)
    rankings = [rng.permutation(50)[:20], rng.permutation(50)]
    weights = [1.0, 0.7]
    expected = np.zeros(50)
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, index in enumerate(ranking):
            expected[index] += weight / (60 + rank + 1)
    assert reciprocal_rank_fusion(rankings, 50, weights).tolist() == expected.tolist()


def test_sets_count_members_per_passage() -> None:
    sets = Sets.of([{"a", "b"}, set(), {"c"}, {"a", None}])
    assert sets.count({"a", "c"}).tolist() == [1, 0, 1, 1]
    assert sets.any(lambda v: v is None).tolist() == [False, False, False, True]
    assert sets.any({"zzz"}).tolist() == [False] * 4
    assert sets.lengths().tolist() == [2, 0, 1, 2] and sets.row(3) == {"a", None}


def _features(passages: int = 3):
    from kg.answer.features import PassageFeatures

    sets = {name: Sets.of([{"x"} if i % 2 else set() for i in range(passages)])
            for name in ("concepts", "expanded", "bearers", "deadline_years", "quantity_years", "units", "kinds",
                         "norms")}
    texts = ["国务院关于化解产能严重过剩矛盾的指导意见 三、（一）".encode(), b"", "第五条".encode()][:passages]
    columns = {"top_industries": np.arange(passages, dtype=np.int32), "articles": np.zeros(passages, np.int32),
               "documents": np.zeros(passages, np.int32), "modalities": np.zeros(passages, np.int32),
               "citation_offsets": np.concatenate([[0], np.cumsum([len(t) for t in texts])]).astype(np.int64)}
    summary = {"passages": passages, "documents": ["d"], "modalities": [""], "concept_counts": {"x": 1},
               "mentioned_in": {"d": ["x"]}, "units": ["吨", None]}
    return PassageFeatures(sets, columns, np.array(["2015-12-31", "", "2013-10-06"]), b"".join(texts), summary)


def test_passage_features_round_trip(tmp_path: Path) -> None:
    from kg.answer.features import PassageFeatures

    loaded = PassageFeatures.load(_features().save(tmp_path / "features"), 3)
    cited = [loaded.citation(i) for i in range(3)]
    assert cited == ["国务院关于化解产能严重过剩矛盾的指导意见 三、（一）", None, "第五条"]
    assert loaded.sets["concepts"].any({"x"}).tolist() == [False, True, False]
    assert loaded.summary["units"] == ["吨", None] and loaded.min_deadline.tolist() == ["2015-12-31", "", "2013-10-06"]


@pytest.mark.parametrize(("damage", "message"), [
    (lambda f: (f / "features.json").unlink(), "no passage features"),
    (lambda f: (f / "concepts.values.npy").unlink(), "damaged"),
    (lambda f: (f / "features.json").write_text("{", encoding="utf-8"), "damaged"),
    (lambda f: (f / "citations.bin").write_bytes(b"x"), "do not fit"),
])
def test_missing_or_damaged_features_are_refused(tmp_path: Path, damage, message: str) -> None:
    from kg.answer.features import PassageFeatures

    folder = _features().save(tmp_path / "features")
    damage(folder)
    with pytest.raises(StoreError, match=message):
        PassageFeatures.load(folder, 3)
    with pytest.raises(StoreError, match="do not fit"):
        PassageFeatures.load(_features().save(tmp_path / "other"), 4)


def test_top_k_is_the_head_of_a_stable_sort() -> None:
    from kg.answer.engine import top_k

    rng = np.random.default_rng(3)
    for size in (1, 7, 300):
        for k in (0, 1, 5, 30, size + 2):
            scores = rng.integers(0, 4, size) / 7  # many ties
            assert top_k(scores, k).tolist() == np.argsort(-scores, kind="stable")[:k].tolist()
