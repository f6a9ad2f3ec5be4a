"""kg.extract.bearers, table-driven: (sentence, modality, bearer source, bearer texts, enforcer texts).

Rows are the patterns of the module docstring; adding a case is adding a row.
"""

from __future__ import annotations

import pytest

from kg.extract.pipeline import analyse

AGT = "https://w3id.org/policykg/agency/"

ROWS = [
    # modifiers, relative clauses and locatives stay in the text
    ("污染排放严重超标的企业要停产整顿。", "obligation", "explicit", ["污染排放严重超标的企业"], []),
    ("项目所在地省级人民政府须制定产能等量或减量置换方案并向社会公示。", "obligation", "explicit",
     ["项目所在地省级人民政府"], []),
    # coordination: a shared head is one mention; full conjuncts are two
    ("国土、环保部门严格监督检查。", "obligation", "explicit", ["国土、环保部门"], []),
    ("国务院和沿海地方各级人民政府应当加强对海洋环境的保护。", "obligation", "explicit",
     ["国务院", "沿海地方各级人民政府"], []),
    # statute subjects: a subject clause; a subject carried from a condition; competence without a modal
    ("排放污染物的企业事业单位和其他生产经营者，应当按照国家有关规定缴纳排污费。", "obligation", "explicit",
     ["排放污染物的企业事业单位", "其他生产经营者"], []),
    ("县级以上人民政府环境保护主管部门可以对排放污染物的企业进行现场检查。", "permission", "explicit",
     ["县级以上人民政府环境保护主管部门"], []),
    ("建设单位使用国有土地的，应当按照土地使用权出让等有偿使用合同的约定使用土地；", "obligation", "explicit",
     ["建设单位"], []),
    ("国家促进清洁生产和资源循环利用。", "obligation", "explicit", ["国家"], []),
    ("土地利用总体规划的规划期限由国务院规定。", "obligation", "explicit", ["国务院"], []),
    # the party encouraged, also after a bare imperative
    ("鼓励有实力的企业建立海外销售服务基地。", "encouragement", "explicit", ["有实力的企业"], []),
    ("完善促进企业兼并重组的税收政策，鼓励企业重组，提高市场竞争力。", "encouragement", "explicit", ["企业"], []),
    ("支持电解铝企业与电力企业签订直购电长期合同。", "encouragement", "explicit", ["电解铝企业", "电力企业"], []),
    # implied: a thing as subject, a topic, a headless condition, an encouraged activity, the verb
    ("所有在建违规项目的处理结果均应向社会公开。", "obligation", "implied", [], []),
    ("凡是未开工的违规项目，一律不得开工建设；", "prohibition", "implied", [], []),
    ("未取得排污许可证的，不得排放污染物。", "prohibition", "implied", [], []),
    ("鼓励原片生产深加工一体化。", "encouragement", "implied", [], []),
    ("对未取得合法手续的建设项目，一律不得放贷、发债、上市融资。", "prohibition", "implied", [], []),
    # nothing in the sentence: the document decides (addressees in the seed)
    ("严禁建设新增产能项目。", "prohibition", None, [], []),
    ("因此，要坚决控制增量、优化存量。", "obligation", None, [], []),
    # a condition's actor (…的，) is not bound by the main clause; a quantifier keeps its coordination whole
    ("企业事业单位和其他生产经营者，为改善环境，依照有关规定转产、搬迁、关闭的，人民政府应当予以支持。", "obligation",
     "explicit", ["人民政府"], []),
    ("排污费应当全部专项用于环境污染防治，任何单位和个人不得截留、挤占或者挪作他用。", "prohibition", "explicit",
     ["任何单位和个人"], []),
    ("有下列情形之一的，农村集体经济组织报经原批准用地的人民政府批准，可以收回土地使用权：", "permission", "explicit",
     ["农村集体经济组织"], []),
    # objects and recipients are no bearers
    ("行政机关依法作出不予行政许可的书面决定的，应当说明理由，并告知申请人享有依法申请行政复议的权利。",
     "obligation", "explicit", ["行政机关"], []),
    # liability: the liable party and the enforcer
    ("建设单位未依法提交建设项目环境影响评价文件，擅自开工建设的，由负有环境保护监督管理职责的部门责令停止建设，处以罚款。",
     "liability", "explicit", ["建设单位"], ["负有环境保护监督管理职责的部门"]),
    ("被许可人在规定期限内不改正的，行政机关应当依照有关法律、行政法规的规定予以处理。", "liability", "explicit",
     ["被许可人"], ["行政机关"]),
    ("认真执法问责，对工作开展不力的地方和部门，进行通报批评。", "liability", "explicit",
     ["工作开展不力的地方", "部门"], []),
    # parties named by an agentive noun (…者, …人, …方, …民) and documents as actors
    ("土地使用者应当按照约定的用途使用土地。", "obligation", "explicit", ["土地使用者"], []),
    ("争议解决前，任何一方不得擅自改变土地现状。", "prohibition", "explicit", ["任何一方"], []),
    ("申请人、利害关系人有权进行陈述和申辩。", "permission", "explicit", ["申请人", "利害关系人"], []),
    ("其他规范性文件不得设定行政处罚。", "prohibition", "explicit", ["其他规范性文件"], []),
    # an agentive noun inside a compound is no subject; 由 + actor + adverb assigns a task
    ("大型水利工程的移民安置办法，由国务院另行规定。", "obligation", "explicit", ["国务院"], []),
    # a subject ends before its modal; a one-character predicate start must be a word of its own
    ("第（二）项规定的用地并应当符合国务院规定的标准。", "obligation", "implied", [], []),
    ("省级人民政府自然资源主管部门会同同级有关部门编制规划。", "obligation", "explicit",
     ["省级人民政府自然资源主管部门"], []),
    # the encourager opens the sentence; 允许 binds the party it allows, not the condition's actor
    ("国家鼓励和支持企业开展清洁生产。", "encouragement", "explicit", ["企业"], []),
    ("行政机关作出决定的，允许当事人在十日内提出异议。", "permission", "explicit", ["当事人"], []),
    # a numbered item that is only a condition has no modality of its own (its 责令 is part of the condition)
    ("（三）被责令停产，拒不执行的。", None, None, [], []),
    ("申请人提供虚假材料的，行政机关不予受理，并给予警告。", "liability", "explicit", ["申请人"], ["行政机关"]),
    # a quantifier makes a noun phrase; a bare noun coordinated after an actor before a modal; agents of 由
    ("禁止任何单位和个人闲置耕地。", "prohibition", "explicit", ["任何单位和个人"], []),
    ("卫生行政部门、医院应当将防疫知识纳入培训内容。", "obligation", "explicit", ["卫生行政部门", "医院"], []),
    ("跨区域的纠纷，由上级人民政府协调解决，或者由有关地方人民政府协商解决。", "obligation", "explicit",
     ["上级人民政府", "有关地方人民政府"], []),
    ("排放总量指标由国务院下达，省级人民政府分解落实。", "obligation", "explicit", ["国务院", "省级人民政府"], []),
    # the agent of an exception (除…由行政机关实施的外) is not the rule's; a proviso has no modality of its own
    ("除法律规定由行政机关实施的外，应当逐步由专业技术组织实施。", "obligation", "explicit", ["专业技术组织"], []),
    ("但是，依法应当由申请人到办公场所提出申请的除外。", None, None, [], []),
    # agentive nouns jieba cuts in two (所有权人) and coordinated agentive nouns; 有权 of 所有权 is no modal
    ("拟征收土地的所有权人、使用权人应当在公告规定期限内办理补偿登记。", "obligation", "explicit",
     ["拟征收土地的所有权人", "使用权人"], []),
    ("发包方和承包方应当依法订立承包合同。", "obligation", "explicit", ["发包方", "承包方"], []),
    # 及其 keeps one mention; 承担法律责任 is a liability
    ("专业技术组织及其有关人员对所实施的检验结论承担法律责任。", "liability", "explicit",
     ["专业技术组织及其有关人员"], []),
    # a verb with its object is no subject; the actor inside a noun-phrase topic acts there, not in the rule
    ("发现有关工作人员有违法行为，依法应当给予处分的，应当向其任免机关提出处分建议。", "obligation", "implied", [], []),
    ("法律规定实施行政许可应当听证的事项，行政机关应当向社会公告。", "obligation", "explicit", ["行政机关"], []),
    ("审查申请的工作人员应当提供审查意见的证据、理由，申请人可以提出证据。", "obligation", "explicit",
     ["审查申请的工作人员", "申请人"], []),
    # 以乡（镇）为单位 names a unit of measure, not an actor
    ("永久基本农田划定以乡（镇）为单位进行，由县级人民政府自然资源主管部门组织实施。", "obligation", "explicit",
     ["县级人民政府自然资源主管部门"], []),
    # a noun that opens instructions elsewhere (重点) modifies the subject; a relative clause opens one; a
    # 的-modifier stays with the first conjunct and the coordination still splits (the labelling guide, as the
    # statute row above)
    ("重点排污单位应当如实向社会公开其主要污染物的名称。", "obligation", "explicit", ["重点排污单位"], []),
    ("实施现场检查的部门、机构及其工作人员应当为被检查者保守商业秘密。", "obligation", "explicit",
     ["实施现场检查的部门", "机构及其工作人员"], []),
    # liability: the party a sanction is given to (对…给予处分) and the party ordered to put things right
    ("截留实施行政许可依法收取的费用的，予以追缴；对直接负责的主管人员和其他直接责任人员依法给予行政处分。",
     "liability", "explicit", ["直接负责的主管人员", "其他直接责任人员"], []),
    ("违反本法第十七条规定设定的行政许可，有关机关应当责令设定该行政许可的机关改正。", "liability", "explicit",
     ["设定该行政许可的机关"], ["有关机关"]),
    ("企业事业单位和其他生产经营者违法排放污染物，受到罚款处罚，被责令改正，拒不改正的，依法作出处罚决定的行政机关"
     "可以自责令改正之日的次日起，按照原处罚数额按日连续处罚。", "liability", "explicit",
     ["企业事业单位", "其他生产经营者"], ["依法作出处罚决定的行政机关"]),
    # background stays background
    ("为了规范行政许可的设定和实施，保护公民、法人和其他组织的合法权益，根据宪法，制定本法。", None, None, [], []),
    ("一些地方过于追求发展速度，过分倚重投资拉动。", None, None, [], []),
]


@pytest.mark.parametrize(("text", "modality", "source", "bearers", "enforcers"), ROWS)
def test_bearers(text: str, modality: str | None, source: str | None, bearers: list[str],
                 enforcers: list[str]) -> None:
    doc = analyse(text)
    assert doc._.modality.type == modality
    assert doc._.bearer_source == source
    mentions = doc._.bearer_mentions
    assert [m.text for m in mentions if m.role == "bearer"] == bearers
    assert [m.text for m in mentions if m.role == "enforcer"] == enforcers
    for mention in mentions:
        assert text[mention.start: mention.end] == mention.text  # offsets point at the words


@pytest.mark.parametrize(("text", "concepts"), [
    ("国土、环保部门严格监督检查。", {"mlr", "mep"}),  # one mention, two concepts
    ("污染排放严重超标的企业要停产整顿。", {"enterprises"}),
    ("对未取得合法手续的建设项目，一律不得放贷、发债、上市融资。", {"financial-institutions", "securities-regulators"}),
])
def test_concepts_beside_the_text(text: str, concepts: set[str]) -> None:
    assert {iri.removeprefix(AGT) for iri in analyse(text)._.bearers} == concepts


@pytest.mark.parametrize(("text", "bearers"), [
    # the first norm governs a law's sentence: the actor of a later norm (公众有权…) is not its bearer
    ("符合法定条件、标准的，申请人有依法取得行政许可的平等权利，行政机关不得歧视任何人。", ["申请人"]),
    # every actor stands in a condition: the one nearest the rule is bound
    ("申请人提交的申请材料齐全、符合法定形式，行政机关能够当场作出决定的，应当当场作出书面的行政许可决定。",
     ["行政机关"]),
    # a word inside a 对-topic does not govern; 国家 encouraging an activity is the party named
    ("对依法应当编制环境影响报告书的建设项目，建设单位应当在编制时向公众说明情况。", ["建设单位"]),
    ("国家鼓励土地整理。", ["国家"]),
    # a prepositional phrase (与…签订协议) is no subject, nor a phrase with a preposition inside (其…因…)
    ("县级以上地方人民政府应当组织测算，与拟征收土地的所有权人、使用权人就补偿签订协议。", ["县级以上地方人民政府"]),
    ("其合法权益因行政机关违法实施行政许可受到损害的，有权依法要求赔偿。", []),
    # the agent of 由 even where jieba joins it to the next character (由市)
    ("在已批准的农用地转用范围内，具体建设项目用地可以由市、县人民政府批准。", ["市、县人民政府"]),
    # a verb and an actor head right before the modal is the body (制定机关), not a verb and its object
    ("本法施行前有关行政许可的规定，制定机关应当依照本法规定予以清理；", ["制定机关"]),
    # levels of government: one mention when they share the body after them, three when they act themselves
    ("省、自治区、直辖市人民政府对国家环境质量标准中未作规定的项目，可以制定地方环境质量标准；",
     ["省、自治区、直辖市人民政府"]),
    ("省、自治区、直辖市可以按照乡镇企业的不同行业和经营规模，分别规定用地标准。", ["省", "自治区", "直辖市"]),
    ("农村村民建住宅，应当符合乡（镇）土地利用总体规划、村庄规划，不得占用永久基本农田。", ["农村村民"]),
    ("使用土地的单位和个人，有保护、管理和合理利用土地的义务。", ["使用土地的单位", "个人"]),
    # a law names its encourager as the subject (the guide: 国家 is an actor when it is the subject)
    ("国家鼓励和引导公民、法人和其他组织使用有利于保护环境的产品。", ["国家"]),
    # the persons a sanction is given to are liable, not the body whose breach the condition states
    ("有关部门有下列行为之一的，对直接负责的主管人员和其他直接责任人员给予记过、记大过或者降级处分；",
     ["直接负责的主管人员", "其他直接责任人员"]),
    # the governing modal has its own subject: the actor of an earlier clause without a deontic word sets the scene
    ("符合前款规定的社会组织向人民法院提起诉讼，人民法院应当依法受理。", ["人民法院"]),
    ("公民、法人或者其他组织依法取得的行政许可受法律保护，行政机关不得擅自改变已经生效的行政许可。", ["行政机关"]),
])
def test_statute_bearers(text: str, bearers: list[str]) -> None:
    doc = analyse(text, statute=True)
    assert [m.text for m in doc._.bearer_mentions if m.role == "bearer"] == bearers


def test_a_law_s_encouragement_without_a_subject_has_an_implied_encourager() -> None:
    # 鼓励和组织开展…研究: the article's subject (国家) encourages; the words after 鼓励 are no actor
    doc = analyse("鼓励和组织开展环境质量对公众健康影响的研究，采取措施预防和控制与环境污染有关的疾病。", statute=True)
    assert doc._.bearer_source == "implied" and not [m for m in doc._.bearer_mentions if m.role == "bearer"]
