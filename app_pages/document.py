"""Document: the library's text with citable ids, what each document cites and what cites it."""

import html

import streamlit as st

from kg.checklist import cite
from kg.errors import PolicyKGError
from kg.ui.cache import get_documents, get_links, get_sentences, get_store
from kg.ui.chrome import run_page
from kg.ui.state import ALL, formatter, lang, localized, modality_name, tr
from kg.viz import highlight


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


def show_document(data: str, document: dict) -> None:
    """A chosen document: its validity in time, what it cites and what cites it."""
    validity = [tr("in_force_from", date=document["in_force_from"]) if document["in_force_from"] else "",
                tr("repealed_on", date=document["repealed_on"]) if document["repealed_on"] else "",
                tr("replaced_by", doc=document["replaced_by"]) if document["replaced_by"] else ""]
    with st.container(border=True):
        st.caption(" · ".join([f"{document['title']}（{document['number']}）", str(document["date"]),
                               *(v for v in validity if v)]))
        st.markdown(links_markdown(get_links(data, document["id"]), per_sentence=True))


def page_document(data: str) -> None:
    st.subheader(tr("document_header"))
    store = get_store(data)
    documents = {d["id"]: d for d in get_documents(data)}
    ids = [ALL, *documents]
    chosen = st.selectbox(tr("document_filter"), ids, **localized("doc_document", ids, ALL),
                          format_func=formatter(lambda d, language: tr("all", language) if d == ALL
                                                else f"{documents[d]['title']} · {d}")) or None
    if chosen:
        show_document(data, documents[chosen])
    citation = st.text_input(tr("lookup"), key="doc_lookup", placeholder=tr("lookup_placeholder"))
    if citation and citation.strip():
        try:
            found = cite(citation, store)
            with st.container(border=True):
                st.markdown(f"**{html.escape(str(found['label']))}** · {html.escape(str(found['section']))} · "
                            f"`{found['id']}`" + (f" · {modality_name(found['modality'])}" if found["modality"]
                                                   else ""))
                st.markdown(f"<div class='pkg-para'>{highlight(str(found['paragraph']['text']), [found['text']])}"
                            "</div>", unsafe_allow_html=True)
                st.caption(f"{found['document']['title']}（{found['document']['number']}） · "
                           f"{tr('in_paragraph', label=found['paragraph']['label'])}")
                st.markdown(links_markdown(get_links(data, str(found["id"])), per_sentence=False))
        except PolicyKGError as exc:
            st.error(tr("lookup_error", error=exc))
    sentences = [s for s in get_sentences(data) if chosen is None or s["docId"] == chosen]
    tops = list(dict.fromkeys(str(s["section"]).split(" › ")[0] for s in sentences))
    section = st.selectbox(tr("section_filter"), [ALL, *tops], **localized("doc_section", [ALL, *tops], ALL),
                           format_func=formatter(lambda s, language: tr("all", language) if s == ALL else s)) or None
    blocks: dict[str, list[str]] = {}
    last_paragraph = None
    for sentence in sentences:
        top = str(sentence["section"]).split(" › ")[0]
        if section is not None and top != section:
            continue
        sid = f"{sentence['docId']}/{sentence['cite']}"
        text = html.escape(str(sentence["text"]))
        label = html.escape(str(sentence["label"]))
        if sentence["role"] == "heading":
            line = f"<p class='pkg-h'><span class='pkg-lbl'>{label}</span><code>{sid}</code>{text}</p>"
        else:
            opener = "" if sentence["paragraph"] == last_paragraph else "<p></p>"
            line = f"{opener}<p><span class='pkg-lbl'>{label}</span><code>{sid}</code>{text}</p>"
        last_paragraph = sentence["paragraph"]
        blocks.setdefault(top, []).append(line)
    for lines in blocks.values():
        st.markdown("<div class='pkg-doc'>" + "".join(lines) + "</div>", unsafe_allow_html=True)


run_page("document", page_document)
