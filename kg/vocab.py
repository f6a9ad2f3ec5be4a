"""Vocabulary terms PolicyKG mints, and the standard namespaces it reuses.

Like rdflib's own namespaces, :class:`PKG` is a ``DefinedNamespace`` with
``_fail = True``: a typo is an error, and ``tests/test_vocab.py`` checks that
this class and ``ontology/policykg.ttl`` define the same terms.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/policykg/"
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
PROV = Namespace("http://www.w3.org/ns/prov#")
IND = Namespace(BASE + "industry/")
AGT = Namespace(BASE + "agency/")
REG = Namespace(BASE + "region/")
MSR = Namespace(BASE + "measure/")


class PKG(DefinedNamespace):
    """PolicyKG ontology: only what ELI, SKOS, PROV-O, OWL-Time, ODRL and ORG lack."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Document: URIRef  # a policy document (an eli:LegalResource)
    Section: URIRef  # a part, item, chapter or article
    Paragraph: URIRef  # a rebuilt paragraph
    Sentence: URIRef  # the citable unit every fact derives from
    Provision: URIRef  # a deontic statement made by one sentence
    Encouragement: URIRef  # an odrl:Rule kind ODRL lacks: 鼓励/支持/引导
    Liability: URIRef  # an odrl:Duty arising from a breach: 责令改正, 处…罚款, 承担连带责任
    ActorMention: URIRef  # an actor as written in a sentence, with offsets and concepts
    Quantity: URIRef  # a target or reported figure
    Industry: URIRef  # an industry or product concept
    IndustryGroup: URIRef  # 产能严重过剩行业, 高耗能行业: provisions about it apply to every member
    Region: URIRef  # a province-level division
    RegionGroup: URIRef  # 京津冀, 长三角 …
    PolicyInstrument: URIRef  # 差别电价, 兼并重组 …
    TimeExpression: URIRef  # a normalised time phrase
    CitationMention: URIRef  # another document named in a sentence, as written
    # structure
    localId: URIRef  # path-like id inside the document ("3.1.p2.s3")
    text: URIRef  # normalised text of a paragraph or sentence
    role: URIRef  # heading | lead | body | addressees | signature
    sectionKind: URIRef  # part | item | article …
    sectionPath: URIRef  # "三、主要任务 › （一）… › lead"
    lead: URIRef  # the lead phrase of a paragraph
    order: URIRef  # document order of a sentence
    startOffset: URIRef  # character offset into the raw text file
    endOffset: URIRef
    structureProfile: URIRef  # numbered | statute | markdown
    addressee: URIRef  # an actor the document is addressed to
    sourceFile: URIRef
    # mentions on sentences
    mentionsIndustry: URIRef
    mentionsAgency: URIRef
    mentionsRegion: URIRef
    mentionsMeasure: URIRef
    mentionsTime: URIRef
    includesRegion: URIRef  # region group -> province
    # provisions
    modality: URIRef  # kg.enums.Modality
    cue: URIRef  # the words that set the modality ("严禁", "imperative")
    explicit: URIRef  # false when the modality is an imperative without a cue word
    bearer: URIRef  # who must / must not / may act
    bearerSource: URIRef  # kg.enums.BearerSource: explicit | implied | addressees | issuer | unspecified
    bearerMention: URIRef  # provision -> ActorMention of a bearer (the words of the text)
    enforcerMention: URIRef  # provision -> ActorMention of an enforcer (liability)
    enforcer: URIRef  # provision -> concept of the enforcing authority
    refersTo: URIRef  # ActorMention -> concept
    action: URIRef  # the sentence with condition removed
    condition: URIRef  # 对…的 / 凡是… scope
    concernsIndustry: URIRef
    concernsRegion: URIRef
    usesMeasure: URIRef
    scope: URIRef  # specific | general
    deadline: URIRef  # xsd:date the provision is due
    validFrom: URIRef  # xsd:date from which it applies
    hasTime: URIRef  # provision/quantity -> time:ProperInterval or time:Instant
    # quantities
    value: URIRef
    unit: URIRef
    comparator: URIRef  # the Chinese word: 以上, 不低于 …
    operator: URIRef  # >=, <=, >, <, +, -
    measure: URIRef  # what is measured, as written
    quantityKind: URIRef  # target | figure
    industry: URIRef
    onDate: URIRef  # reference or due date of a quantity
    # time expressions
    timeKind: URIRef  # deadline | from | reference | period | instant
    surface: URIRef  # the words as written
    # citations of other documents (resolved into the links graph by kg.links)
    citationMention: URIRef  # sentence -> CitationMention
    citesTitle: URIRef  # the cited document's name as written, without 《》
    citesArticle: URIRef  # the article number it names (第五十九条 -> 59)
    linksTo: URIRef  # CitationMention -> the library's document or article (links graph)
