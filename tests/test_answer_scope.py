"""Which documents a question names: the library's own (answered from them alone) or one it lacks (refused)."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.answer.scope import LibraryDocument, named_documents, resolve_scope

SEED = LibraryDocument(id="guofa-2013-41", title="国务院关于化解产能严重过剩矛盾的指导意见", number="国发〔2013〕41号",
                       type="意见", date=dt.date(2013, 10, 6), type_en="Opinion")
REPORT = LibraryDocument(id="gwr-2014", title="2014年政府工作报告", number="2014年政府工作报告", type="政府工作报告",
                         date=dt.date(2014, 3, 5), type_en="Government Work Report")
LIBRARY = [SEED, REPORT]


@pytest.mark.parametrize("question", [
    "国发〔2013〕41号对电解铝有什么要求？",
    "What does Guofa [2013] No. 41 require of electrolytic aluminium?",
    "41号文对电解铝有什么要求？",
])
def test_the_library_s_own_number_names_its_document(question: str) -> None:
    scope = resolve_scope([question], LIBRARY)
    assert scope.documents == ("guofa-2013-41",) and scope.missing is None


@pytest.mark.parametrize(("question", "missing"), [
    ("国发〔2014〕43号对地方政府债务有什么要求？", "〔2014〕43号"),
    ("What does Guofa [2014] No. 43 require regarding local government debt?", "Guofa〔2014〕43号"),
    ("2015年政府工作报告提出的经济增长目标是多少？", "2015年政府工作报告"),
    ("劳动合同法规定的试用期最长可以约定多久？", "劳动合同法"),
    ("How long may a probation period last under the Labour Contract Law?", "Labour Contract Law"),
])
def test_a_document_the_library_lacks_is_reported_missing(question: str, missing: str) -> None:
    # Answering from the nearest document of the library would cite a text the user did not ask about.
    assert resolve_scope([question], LIBRARY).missing == missing


@pytest.mark.parametrize("question", ["2015年底前要淘汰多少落后产能？", "电解铝项目自2014年[起]不得新建吗？",
                                      "违规项目要依法处理吗？", "要研究制定管理办法吗？"])
def test_a_year_or_a_bracket_alone_names_no_document(question: str) -> None:
    assert resolve_scope([question], LIBRARY).missing is None


@pytest.mark.parametrize(("question", "named"), [
    ("How long may an M&A loan run under the 2013 overcapacity guidance?", "guofa-2013-41"),
    ("What did the 2014 report plan for steel?", "gwr-2014"),
    ("14年报告说当年要淘汰多少黄标车？", "gwr-2014"),  # a two-digit year names this century's report
    ("14年政府工作报告给当年定的减排目标是多少？", "gwr-2014"),  # …before the full type name too
])
def test_a_year_before_a_genre_word_names_that_year_s_document_and_is_no_time(question: str, named: str) -> None:
    scope = resolve_scope([question], LIBRARY)
    assert scope.documents == (named,) and scope.missing is None
    assert scope.naming_years == (int(named.split("-")[1]),)


def test_a_year_before_a_genre_word_the_library_lacks_names_nothing() -> None:
    # the words around a year are loose in English: no document of that year is no missing document either
    scope = resolve_scope(["What did the 2015 report plan for steel?"], LIBRARY)
    assert scope.documents == () and scope.missing is None


def test_a_year_and_a_type_ending_name_that_years_document() -> None:
    # 2014年报告 is the 2014 government work report; 2013年的意见 the guidance; a year with no such document none.
    assert named_documents("2014年报告对淘汰落后产能提了什么要求？", LIBRARY)[0] == ["gwr-2014"]
    assert named_documents("2013年的意见要求什么？", LIBRARY)[0] == ["guofa-2013-41"]
    assert named_documents("2016年报告提了什么要求？", LIBRARY)[0] == []


def test_a_name_inside_a_quotation_is_quoted_content_not_the_document_asked_about() -> None:
    law = LibraryDocument(id="epl-2014", title="中华人民共和国环境保护法", number="", type="法律",
                          date=dt.date(2014, 4, 24), short_titles=("环境保护法", "环保法"))
    library = [*LIBRARY, law]
    scope = resolve_scope(["哪一年的政府工作报告专门强调“新修订的环境保护法必须严格执行”？"], library)
    assert "epl-2014" not in scope.documents
    assert resolve_scope(["“环保法”对按日连续处罚怎么规定？"], library).documents == ("epl-2014",)  # a name alone


def test_a_law_is_written_by_its_english_short_title_too() -> None:
    # "under the Administrative Licensing Law" names the law: the engine takes those words out of what is searched
    law = LibraryDocument(id="alp-2019", title="中华人民共和国行政许可法", number="主席令第二十九号", type="法律",
                          date=dt.date(2019, 4, 23), type_en="Law",
                          title_en="Administrative Licensing Law of the People's Republic of China")
    assert {"Administrative Licensing Law", "行政许可法"} <= set(law.written_forms())
