"""Document: a document as a reader sees it — title, number, issuer and date, then the text as
paragraphs, each sentence anchored by its citation id — with a full-text search, a citation lookup,
and what each document cites and what cites it.

A link ``document?doc=DOC&s=ID`` opens the document (by id, number, short title or the label shown
elsewhere), scrolls to the sentence and marks it.
"""

import html

import streamlit as st

from kg.checklist import cite
from kg.errors import PolicyKGError
from kg.ui.cache import get_documents, get_issuers, get_lexicon, get_links, get_sentences, get_store
from kg.ui.chrome import run_page
from kg.ui.iris import document_url
from kg.ui.reader import paragraphs_html, resolve_document, scroll_script, search, search_terms, sentence_target
from kg.ui.state import ALL, formatter, lang, localized, modality_name, tr, widget_key
from kg.viz import concept_label, highlight

#: Matching sentences listed under the search box; all of them are marked in the text.
MAX_MATCHES = 50


def links_markdown(links: dict, *, per_sentence: bool) -> str:
    """"Cites" and "cited by" as two lists: formal citation, id (or not in the library), the words as written."""
    text = "citation_text_en" if lang() == "en" else "citation_text"
    lines = [f"**{tr('cites')}**" + ("" if links["cites"] else f": {tr('none')}")]
    for item in links["cites"]:
        where = f"`{item['target']}`" if item["target"] else tr("not_in_library")
        source = f" · `{item['sentence']}`" if per_sentence else ""
        lines.append(f"- {html.escape(item[text])} · {where} ← {html.escape(item['surface'])}{source}")
    lines.append("")
    lines.append(f"**{tr('cited_by')}**" + ("" if links["cited_by"] else f": {tr('none')}"))
    for item in links["cited_by"]:
        lines.append(f"- {html.escape(item[text])} · `{item['sentence']}` ← {html.escape(item['surface'])}")
    return "\n".join(lines)


def adopt_link(documents: list[dict]) -> None:
    """A followed or pasted link (``?doc=…&s=…``) chooses the document and the sentence to mark.

    Adopted once per new link, like the other pages' filters: after that the widgets rule.
    """
    state = st.session_state
    incoming = (st.query_params.get("doc"), st.query_params.get("s"))
    if incoming == state.get("doc_url") or incoming == (None, None):
        return
    state["doc_url"] = incoming
    asked, sentence = incoming
    doc = resolve_document(asked, documents)
    if not asked and sentence and "/" in sentence:  # ?s=DOC/ID alone names its document too
        doc = resolve_document(sentence.split("/", 1)[0], documents)
    if asked and doc is None:
        state["doc_unknown"] = asked
        return
    state.pop("doc_unknown", None)
    if doc is not None:
        state["doc_document__value"] = doc
        state.pop(widget_key("doc_document"), None)
    state["doc_target"] = sentence_target(doc, sentence)
    # The marked sentence must be on the page: no section filter hides it.
    state["doc_section__value"] = ALL
    state.pop(widget_key("doc_section"), None)


def publish_document(chosen: str | None) -> None:
    """The chosen document in the URL (a link reproduces the view); a sentence mark only while it applies."""
    target = st.session_state.get("doc_target")
    if target and chosen and not target.startswith(f"{chosen}/"):
        st.session_state["doc_target"] = target = None
    wanted = {"doc": chosen, "s": target.split("/", 1)[1] if target else None}
    for key, value in wanted.items():
        if value and st.query_params.get(key) != value:
            st.query_params[key] = value
        elif not value and key in st.query_params:
            del st.query_params[key]
    st.session_state["doc_url"] = (wanted["doc"], wanted["s"])


def document_header_html(data: str, document: dict) -> str:
    """Title, number, issuer and date, as a reader looks for them first; then its validity in time."""
    language = lang()
    issuer = get_issuers(data).get(document["id"], "")
    if issuer and language == "en":
        concept = get_lexicon().resolve(issuer)
        issuer = concept_label(concept, "en") if concept else issuer
    colon = tr("colon")
    facts = [(tr("doc_number"), document["number"]), (tr("doc_issuer"), issuer), (tr("doc_date"), document["date"])]
    validity = [tr("in_force_from", date=document["in_force_from"]) if document["in_force_from"] else "",
                tr("repealed_on", date=document["repealed_on"]) if document["repealed_on"] else "",
                tr("replaced_by", doc=document["replaced_by"]) if document["replaced_by"] else ""]
    other = document.get("title_en") if language == "en" else None
    return ("<div class='pkg-dochead'>"
            f"<div class='pkg-doctitle'>{html.escape(str(document['title']))}</div>"
            + (f"<div class='pkg-doctitle-en'>{html.escape(str(other))}</div>" if other else "")
            + "<div class='pkg-meta'>"
            + " · ".join(f"{html.escape(label)}{colon}{html.escape(str(value))}" for label, value in facts if value)
            + "".join(f" · {html.escape(v)}" for v in validity if v)
            + f" · <code>{html.escape(str(document['id']))}</code></div></div>")


def show_lookup(data: str) -> None:
    citation = st.text_input(tr("lookup"), key="doc_lookup", placeholder=tr("lookup_placeholder"))
    if not citation or not citation.strip():
        return
    try:
        found = cite(citation, get_store(data))
    except PolicyKGError as exc:
        st.error(tr("lookup_error", error=exc))
        return
    with st.container(border=True):
        st.markdown(f"**{html.escape(str(found['label']))}** · {html.escape(str(found['section']))} · "
                    f"`{found['id']}`" + (f" · {modality_name(found['modality'])}" if found["modality"] else ""))
        st.markdown(f"<div class='pkg-para'>{highlight(str(found['paragraph']['text']), [found['text']])}"
                    "</div>", unsafe_allow_html=True)
        st.caption(f"{found['document']['title']}（{found['document']['number']}） · "
                   f"{tr('in_paragraph', label=found['paragraph']['label'])}")
        st.markdown(links_markdown(get_links(data, str(found["id"])), per_sentence=False))


def show_matches(sentences: list[dict], terms: list[str]) -> None:
    """How many sentences hold the search words, and the first of them as links to their place."""
    matches = search(sentences, terms)
    st.caption(tr("search_count", n=len(matches)) if matches else tr("search_none"))
    if not matches:
        return
    lines = [f"<li><a href='#{html.escape(m.id, quote=True)}'><code>{html.escape(m.id)}</code></a> "
             f"<span class='pkg-lbl'>{html.escape(m.label)}</span> {m.marked}</li>" for m in matches[:MAX_MATCHES]]
    st.markdown("<ul class='pkg-matches'>" + "".join(lines) + "</ul>", unsafe_allow_html=True)
    if len(matches) > MAX_MATCHES:
        st.caption(tr("search_more", n=MAX_MATCHES))


def page_document(data: str) -> None:
    st.subheader(tr("document_header"))
    listed = get_documents(data)
    documents = {d["id"]: d for d in listed}
    adopt_link(listed)
    if st.session_state.get("doc_unknown"):
        st.warning(tr("doc_unknown", doc=st.session_state["doc_unknown"]))
    ids = [ALL, *documents]
    chosen = st.selectbox(tr("document_filter"), ids, **localized("doc_document", ids, ALL),
                          format_func=formatter(lambda d, language: tr("all", language) if d == ALL
                                                else f"{documents[d]['title']} · {d}")) or None
    publish_document(chosen)
    target = st.session_state.get("doc_target")
    if chosen:
        st.markdown(document_header_html(data, documents[chosen]), unsafe_allow_html=True)
        with st.expander(tr("cites_and_cited_by")):
            st.markdown(links_markdown(get_links(data, chosen), per_sentence=True))
    show_lookup(data)
    sentences = [s for s in get_sentences(data) if chosen is None or s["docId"] == chosen]
    tops = list(dict.fromkeys(str(s["section"]).split(" › ")[0] for s in sentences))
    cols = st.columns([1, 1])
    with cols[0]:
        section = st.selectbox(tr("section_filter"), [ALL, *tops], **localized("doc_section", [ALL, *tops], ALL),
                               format_func=formatter(lambda s, language: tr("all", language) if s == ALL
                                                     else s)) or None
    with cols[1]:
        query = st.text_input(tr("doc_search"), key="doc_search", placeholder=tr("doc_search_placeholder"))
    shown = [s for s in sentences if section is None or str(s["section"]).split(" › ")[0] == section]
    terms = search_terms(query or "")
    if terms:
        show_matches(shown, terms)
    if target:
        st.caption(tr("doc_target", id=target, url=document_url(*target.split("/", 1), lang=lang())))
    # One block per document and top-level section: the reader's text, each block a size a browser draws fast.
    blocks: dict[tuple[str, str], list[dict]] = {}
    for sentence in shown:
        blocks.setdefault((str(sentence["docId"]), str(sentence["section"]).split(" › ")[0]), []).append(sentence)
    last_doc = chosen
    for (doc, _), part in blocks.items():
        if doc != last_doc and doc in documents:
            st.markdown(document_header_html(data, documents[doc]), unsafe_allow_html=True)
            last_doc = doc
        st.markdown(paragraphs_html(part, terms=terms, target=target), unsafe_allow_html=True)
    if target:
        st.html(scroll_script(target), unsafe_allow_javascript=True)


run_page("document", page_document)
