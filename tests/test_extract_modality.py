"""kg.extract.modality on the seed's sentences: deontic type, cue, bearers and scope condition."""

from __future__ import annotations

import pytest

from kg.enums import Modality as ModalityType
from kg.extract.lexicon import default_lexicon
from kg.extract.modality import classify, find_condition, stated_norms
from kg.extract.pipeline import analyse

AGT = "https://w3id.org/policykg/agency/"
ADDRESSEES = [AGT + "provincial-governments", AGT + "government-departments"]
PRICE_BAN = ("严禁各地自行出台优惠电价措施，采取综合措施推动缺乏电价优势的产能逐步退出，"
             "有序向具有能源竞争优势特别是水电丰富地区转移。")
CLEANUP = ("对未按土地、环保和投资管理等法律法规履行相关手续或手续不符合规定的违规项目，"
           "地方政府要按照要求进行全面清理。")
OVERALL = ("各省级人民政府对本地区化解产能严重过剩矛盾工作负总责，结合实际制定具体实施方案并组织实施，"
           "高度重视和有效防范社会风险，切实加强组织领导和监督检查，稳扎稳打做好化解产能严重过剩工作，"
           "保障本意见各项任务顺利实施。")
LOAN_TERM = "对整合过剩产能的企业，积极稳妥开展并购贷款业务，合理确定并购贷款利率，贷款期限可延长至7年。"


def modality(text: str):
    return analyse(text)._.modality


def bearers(text: str) -> list[str]:
    return [iri.removeprefix(AGT) for iri in analyse(text)._.bearers]


@pytest.fixture(scope="module")
def by_sentence(seed_facts):
    return {f.sentence.id: f for f in seed_facts}


# ------------------------------------------------------------------ types, each on real sentences
@pytest.mark.parametrize(("text", "cue"), [
    ("严禁建设新增产能项目。", "严禁"),
    (PRICE_BAN, "严禁"),
    ("严格执行国家投资管理规定和产业政策，加强产能严重过剩行业项目管理，各地方、各部门不得以任何名义、任何方式核准、备案产能严重过剩行业"
     "新增产能项目，各相关部门和机构不得办理土地（海域）供应、能评、环评审批和新增授信支持等相关业务。", "不得"),
    ("对未取得合法手续的建设项目，一律不得放贷、发债、上市融资。", "一律不得"),
    ("凡是未开工的违规项目，一律不得开工建设；", "一律不得"),
    ("完善差别电价政策，各地对产能严重过剩行业优惠电价政策进行清理整顿，禁止自行实行电价优惠和电费补贴。", "禁止"),
])
def test_prohibition(text: str, cue: str) -> None:
    found = modality(text)
    assert (found.type, found.cue, found.explicit) == ("prohibition", cue, True)
    assert text[found.cue_start: found.cue_start + len(cue)] == cue


@pytest.mark.parametrize(("text", "cue"), [
    (CLEANUP, "要"),
    ("产能严重过剩行业项目建设，须制定产能置换方案，实施等量或减量置换，"
     "在京津冀、长三角、珠三角等环境敏感区域，实施减量置换。", "须"),
    ("所有在建违规项目的处理结果均应向社会公开。", "均应"),
    (OVERALL, "负总责"),
    ("中央企业在淘汰和退出落后产能方面要发挥示范带头作用。", "要"),
])
def test_explicit_obligation(text: str, cue: str) -> None:
    found = modality(text)
    assert (found.type, found.cue, found.explicit) == ("obligation", cue, True)


def test_false_cue_requirement_is_not_an_obligation_cue() -> None:
    # 要求 is a noun here ("按照要求"), 重要 an adjective: neither makes a sentence an obligation
    assert classify("这些产能严重过剩行业的重要性。").type is None
    assert classify("按照要求。").type is None


@pytest.mark.parametrize("text", [
    "加强企业管理创新。",
    "推进企业兼并重组。",
    "分类妥善处理在建违规项目。",
    "对工艺装备落后、产品质量不合格、能耗及排放不达标的项目，列入淘汰落后年度任务加快淘汰。",
    "“十三五”期间，结合产业发展实际和环境承载力，通过提高能源消耗、污染物排放标准，严格执行特别排放限值要求，"
    "加大执法处罚力度，加快淘汰一批落后产能。",
    "同时，按照谁违规谁负责的原则，做好债务、人员安置等善后工作。",
])
def test_implicit_imperative(text: str) -> None:
    found = modality(text)
    assert (found.type, found.cue, found.explicit) == ("obligation", None, False)


@pytest.mark.parametrize(("text", "cue"), [
    ("鼓励企业积极参加各类贸易促进活动，创新国际贸易方式。", "鼓励"),
    ("鼓励国内企业在境外能源丰富地区建设电解铝生产基地。", "鼓励"),
    ("支持电解铝企业与电力企业签订直购电长期合同，推广交通车辆轻量化用铝材产品的开发和应用。", "支持"),
    ("支持联合重组，形成一批产业链完整、核心竞争力强的企业集团。", "支持"),
    ("引导产能有序退出。", "引导"),
])
def test_encouragement(text: str, cue: str) -> None:
    found = modality(text)
    assert (found.type, found.cue) == ("encouragement", cue)


def test_encouragement_false_cue() -> None:
    # 支持力度 (the extent of support) is a noun phrase, not 支持 as a verb of encouragement
    found = modality("中央财政加大对产能严重过剩行业实施结构调整和产业升级的支持力度，"
                     "各地财政结合实际安排专项资金予以支持。")
    assert found.type == "obligation" and found.cue is None


@pytest.mark.parametrize(("text", "cue"), [
    ("对向境外转移过剩产能的企业，其出口设备及产品可按现行规定享受出口退税政策。", "可按"),
    ("政府土地储备机构有偿收回企业环保搬迁、兼并重组、淘汰落后等退出的土地，按规定支付给企业的土地补偿费，"
     "可以用于支持企业做好善后处理工作和转型发展。", "可以"),
    (LOAN_TERM, "可延长"),
])
def test_permission(text: str, cue: str) -> None:
    found = modality(text)
    assert (found.type, found.cue) == ("permission", cue)


def test_permission_false_cues() -> None:
    assert modality("增强可持续发展能力。").type != "permission"  # 可持续 is not 可
    assert classify("这是可行的。").type is None


@pytest.mark.parametrize("text", [
    "钢铁、电解铝、船舶等行业利润大幅下滑，企业普遍经营困难。",
    "化解产能严重过剩矛盾是当前和今后一个时期推进产业结构调整的工作重点。",
    "产能严重过剩越来越成为我国经济运行中的突出矛盾和诸多问题的根源。",
    "2012年底，我国钢铁、水泥、电解铝、平板玻璃、船舶产能利用率分别仅为72%、73.7%、71.9%、73.1%和75%，明显低于国际通常水平。",
    "——产能规模基本合理。",
    "兼并重组取得实质性进展，产能结构得到优化；",
])
def test_background_has_no_modality(text: str) -> None:
    found = modality(text)
    assert found.type is None and found.cue is None
    assert analyse(text)._.bearers == []


def test_goal_statement_is_not_an_obligation() -> None:
    assert modality("——发展质量明显改善。").type is None


def test_necessary_is_not_the_cue_yao() -> None:
    found = modality("加强市场供需趋势研判和信息引导，综合运用法律、经济以及必要的宏观调控手段，加强政策协调，"
                     "形成化解产能严重过剩矛盾、引导产业健康发展的合力。")
    assert (found.type, found.cue, found.explicit) == ("obligation", None, False)


def test_liability_beats_prohibition() -> None:
    text = "对隐瞒不报在建违规项目，一经查实，立即停建，金融机构不得发放贷款，对监管不力的要严肃追究相关人员的责任。"
    assert modality(text).type == "liability"  # 追究…责任 is the consequence of a breach
    assert modality("金融机构不得发放贷款，对监管不力的要严肃处理。").type == "prohibition"


# ------------------------------------------------------------------ bearers
def test_bearer_subject_with_yao() -> None:
    assert bearers(CLEANUP) == ["local-governments"]


def test_bearers_of_coordinated_clauses() -> None:
    text = ("对隐瞒不报在建违规项目，一经查实，立即停建，金融机构停止发放贷款，"
            "国土、环保部门依据土地管理法、环境保护法等法律法规予以处理，"
            "对涉及失职渎职和权钱交易等问题的予以严肃查处，对监管不力的要严肃追究相关人员的责任。")
    # A liability clause: 相关人员 are liable; the lenders and 国土、环保部门 enforce it.
    doc = analyse(text)
    assert set(bearers(text)) == {"responsible-persons"}
    enforcers = [(m.text, m.concepts) for m in doc._.bearer_mentions if m.role == "enforcer"]
    assert enforcers == [("金融机构", (AGT + "financial-institutions",)),
                         ("国土、环保部门", (AGT + "mlr", AGT + "mep"))]


def test_bearer_with_overall_responsibility() -> None:
    assert bearers(OVERALL) == ["provincial-governments"]


def test_bearer_after_prohibition_and_encouragement_cues() -> None:
    assert bearers(PRICE_BAN) == ["local-governments"]
    assert bearers("鼓励商业银行按照风险可控和商业可持续原则，加大对产能严重过剩行业企业兼并重组整合过剩产能、"
                   "转型转产、产品结构调整、技术改造和向境外转移产能、开拓市场的信贷支持。") == ["commercial-banks"]
    assert bearers("鼓励各地积极探索政府引导、企业自愿、市场化运作的产能置换指标交易，"
                   "形成淘汰落后与发展先进的良性互动机制。") == ["local-governments"]


def test_named_departments_are_bearers() -> None:
    assert bearers("国土资源部门要进一步加强供地用地管理，把好土地关口；") == ["mlr"]
    assert bearers("环境保护部门要继续强化环境监管，管好环保门槛；") == ["mep"]
    assert bearers("金融部门要改进和加强信贷管理，用好信贷闸门。") == ["financial-institutions"]
    assert bearers("各地要取消产能严重过剩行业项目用地优惠政策。") == ["local-governments"]


def test_mentioned_actor_that_is_no_subject_is_no_bearer() -> None:
    # 报发展改革委…备案: the provincial governments act; the ministries only receive the filing
    text = ("各省级人民政府依据行政许可法、土地管理法、环境保护法等法律法规，以及能源消耗总量控制指标、"
            "产业结构调整指导目录、行业规范和准入条件、环保标准等要求，对产能严重过剩行业建成违规项目进行全面清理，提出整顿方案并向社会公示后，报发展改革委、工业和信息化部、国土资源部、"
            "环境保护部等部门备案；")
    assert bearers(text) == ["provincial-governments"]


def test_no_named_actor_means_the_addressees(by_sentence) -> None:
    assert bearers("严禁建设新增产能项目。") == []
    facts = by_sentence["3.1.p1.s1"]
    assert facts.sentence.text == "严禁建设新增产能项目。"
    assert facts.is_provision and facts.bearers == ADDRESSEES and facts.bearer_source == "addressees"
    named = by_sentence["3.1.p2.s2"]
    assert named.bearers == [AGT + "local-governments"] and named.bearer_source == "explicit"


def test_background_sentences_are_not_provisions(by_sentence) -> None:
    facts = by_sentence["1.p2.s3"]
    assert facts.sentence.text == "钢铁、电解铝、船舶等行业利润大幅下滑，企业普遍经营困难。"
    assert not facts.is_provision and facts.bearers == []
    assert not by_sentence["3.1.h.s1"].is_provision  # headings are never provisions
    assert not by_sentence["end.p1.s1"].is_provision


def test_encouraged_enterprise_with_modifier_is_the_bearer() -> None:
    assert bearers("鼓励国内企业在境外能源丰富地区建设电解铝生产基地。") == ["enterprises"]


# ------------------------------------------------------------------ scope conditions
@pytest.mark.parametrize(("text", "condition"), [
    ("对未取得合法手续的建设项目，一律不得放贷、发债、上市融资。", "对未取得合法手续的建设项目"),
    ("凡是未开工的违规项目，一律不得开工建设；", "凡是未开工的违规项目"),
    ("对未予认定的在建违规项目一律不得续建，由地方政府自行妥善处理；", "对未予认定的在建违规项目"),
    (LOAN_TERM, "对整合过剩产能的企业"),
    ("对向境外转移过剩产能的企业，其出口设备及产品可按现行规定享受出口退税政策。", "对向境外转移过剩产能的企业"),
])
def test_condition(text: str, condition: str) -> None:
    assert find_condition(text) == condition
    assert analyse(text)._.condition == condition


def test_no_condition() -> None:
    assert find_condition("严禁建设新增产能项目。") is None
    assert find_condition("鼓励企业积极参加各类贸易促进活动，创新国际贸易方式。") is None


@pytest.mark.parametrize(("text", "condition"), [
    ("对确有必要建设的项目，在符合布局规划和环境承载力要求，以及等量或减量置换原则等基础上，"
     "由地方政府提出申请报告。", "对确有必要建设的项目"),
    ("对不符合备案要求的，各有关部门要及时反馈意见。", "对不符合备案要求的"),
    ("凡是不符合产业政策、准入标准、环保要求的违规项目一律停建；", "凡是不符合产业政策、准入标准、环保要求的违规项目"),
])
def test_condition_is_not_cut_inside_a_word(text: str, condition: str) -> None:
    assert find_condition(text) == condition


def test_prepositional_object_with_verb_is_not_a_condition() -> None:
    condition = find_condition("对产能严重过剩行业实施有针对性的信贷指导政策，加强和改进信贷管理。")
    assert condition is None or "实施" not in condition


def test_every_seed_bearer_is_an_agency(seed_facts) -> None:
    lexicon = default_lexicon()
    for facts in seed_facts:
        for iri in facts.bearers:
            assert lexicon.concepts[iri].kind == "agency", (facts.sentence.id, iri)
        if facts.is_provision:
            assert facts.bearers or facts.mentions or facts.bearer_source == "implied", facts.sentence.id


@pytest.mark.parametrize("text", ["国家实行重点污染物排放总量控制制度。", "永久基本农田转为建设用地的，由国务院批准。",
                                  "国务院环境保护主管部门制定国家环境质量标准。"])
def test_a_statute_sentence_without_a_deontic_word_is_no_norm(text: str) -> None:
    # A law says 应当 / 不得 / 可以 where it binds; a policy text instructs without them (加强…).
    assert analyse(text, statute=True)._.modality.type is None
    assert analyse("加强对产能严重过剩行业的监管。")._.modality.type == ModalityType.OBLIGATION


@pytest.mark.parametrize(("text", "expected"), [
    ("有关单位和个人对监督检查应当支持与配合，并提供工作方便，不得拒绝与阻碍监督检查人员依法执行职务。",
     ModalityType.OBLIGATION),
    ("符合法定条件、标准的，申请人有依法取得行政许可的平等权利，行政机关不得歧视任何人。", ModalityType.PERMISSION),
    ("二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日，并应当将延长期限的理由告知申请人。",
     ModalityType.PERMISSION),
])
def test_the_first_norm_of_a_statute_sentence_governs_it(text: str, expected: ModalityType) -> None:
    assert classify(text, statute=True).type == expected
    # the later norm is still stated: a question about a prohibition may be answered by the sentence
    assert {"prohibition", "obligation"} & stated_norms(text)


def test_a_list_item_naming_a_category_is_no_norm() -> None:
    assert classify("（六）法律、法规规定的应当注销行政许可的其他情形。", statute=True).type is None
    # a catch-all item (…的其他耕地) names what the list covers as well
    assert classify("（五）国务院规定应当划为永久基本农田的其他耕地。", statute=True).type is None


def test_you_guan_is_relevant_not_a_right() -> None:
    # 有关土地权利的文件: 有关 is "relevant", so no 有…权利 grant
    assert classify("（一）要求被检查的单位或者个人提供有关土地权利的文件和资料；", statute=True).type is None


def test_a_later_prohibition_is_a_stated_norm() -> None:
    text = "临时使用土地的使用者应当按照合同约定的用途使用土地，并不得修建永久性建筑物。"
    assert classify(text, statute=True).type == ModalityType.OBLIGATION
    assert stated_norms(text) == {"obligation", "prohibition"}


@pytest.mark.parametrize(("text", "expected"), [
    # "knew or should have known" is a standard of knowledge; 相应 is "corresponding": neither is a duty
    ("提起环境损害赔偿诉讼的时效期间为三年，从当事人知道或者应当知道其受到损害时起计算。", None),
    ("耕地承包期届满后再延长三十年，草地、林地承包期届满后依法相应延长。", None),
    # sanctions: 处…拘留, and compensation owed for a breach
    ("情节较轻的，处五日以上十日以下拘留。", ModalityType.LIABILITY),
    ("行政机关违法实施行政许可，给当事人的合法权益造成损害的，应当依照国家赔偿法的规定给予赔偿。",
     ModalityType.LIABILITY),
    # a duty stated before the sanction, in a clause of its own, governs; a modal in the sanction's clause does not
    ("非法批准、使用的土地应当收回，有关当事人拒不归还的，以非法占用土地论处。", ModalityType.OBLIGATION),
    ("违反本法第十七条规定设定的行政许可，有关机关应当责令设定该行政许可的机关改正。", ModalityType.LIABILITY),
    # 有…义务 is a duty as 应当 is; 方可 grants as 可以 does
    ("一切单位和个人都有保护环境的义务。", ModalityType.OBLIGATION),
    ("相关前期工作完成后，县级以上地方人民政府方可申请征收土地。", ModalityType.PERMISSION),
    # a sanction named as a decision someone received (对…处罚决定不服的, 接到…决定之日起) is imposed by no one here
    ("建设单位或者个人对责令限期拆除的行政处罚决定不服的，可以在接到责令限期拆除决定之日起十五日内，向人民法院起诉；",
     ModalityType.PERMISSION),
])
def test_statute_norms_and_sanctions(text: str, expected: ModalityType | None) -> None:
    assert classify(text, statute=True).type == expected


def test_a_deontic_word_inside_a_topic_noun_phrase_does_not_govern() -> None:
    # 依法应当…的行政许可 names which licences; the duty is the later clause's, and its actor bears it
    text = "依法应当先经下级行政机关审查后报上级行政机关决定的行政许可，下级行政机关应当在法定期限内报送上级行政机关。"
    found = classify(text, statute=True)
    assert found.type == ModalityType.OBLIGATION and found.cue_start == text.index("，") + 7
