"""The Document page's reading view: a document named as a reader names it, its text as paragraphs
with one anchor per sentence, and a full-text search that marks what it finds.

Every sentence is a ``<span id="DOC/ID">`` (its citation id), so a link to
``document?doc=DOC&s=ID`` (or the fragment ``#DOC/ID``) reaches it; the sentence the link names is
marked (``pkg-target``). Sentences of one paragraph are joined into one block, as printed.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kg.viz import highlight

#: Markdown documents keep their heading marks in the text (##第一章总则); a reader does not see them.
_HEADING_MARKS = re.compile(r"^#+\s*")


def resolve_document(name: str | None, documents: Sequence[Mapping[str, object]]) -> str | None:
    """The id of the document ``name`` names: its id, number (文号), title, English title, a short
    title (环保法) or the label the app shows for it (``title · id``); None when none matches."""
    wanted = _key(name or "")
    if not wanted:
        return None
    for document in documents:
        names = [document["id"], document["number"], document["title"], document.get("title_en"),
                 f"{document['title']} · {document['id']}", *(document.get("short_titles") or ())]
        if wanted in {_key(str(n)) for n in names if n}:
            return str(document["id"])
    return None


def _key(name: str) -> str:
    # Spaces and case are how a pasted label most often differs; Chinese has neither.
    return re.sub(r"\s+", "", name).casefold()


def sentence_target(doc: str | None, sentence: str | None) -> str | None:
    """The citation id a link asks for: ``s`` as a local id (4.p4.s2) of ``doc``, or a full one."""
    sentence = (sentence or "").strip().removesuffix("/provision")
    if not sentence:
        return None
    if "/" in sentence:
        return sentence
    return f"{doc}/{sentence}" if doc else None


@dataclass(frozen=True)
class Match:
    """A sentence the search found: its citation id, label and text with the matches marked."""

    id: str
    label: str
    marked: str


def search_terms(query: str) -> list[str]:
    """The words of a search (split at spaces): a sentence matches when it holds any of them."""
    return [term for term in query.split() if term]


def search(sentences: Iterable[Mapping[str, object]], terms: Sequence[str]) -> list[Match]:
    """The sentences holding a term, in document order, their matches marked."""
    if not terms:
        return []
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    return [Match(citation(s), str(s["label"]), highlight(shown_text(s), terms))
            for s in sentences if pattern.search(shown_text(s))]


def citation(sentence: Mapping[str, object]) -> str:
    return f"{sentence['docId']}/{sentence['cite']}"


def shown_text(sentence: Mapping[str, object]) -> str:
    text = str(sentence["text"])
    return _HEADING_MARKS.sub("", text) if sentence["role"] == "heading" or text.startswith("#") else text


def paragraphs_html(sentences: Sequence[Mapping[str, object]], *, terms: Sequence[str] = (),
                    target: str | None = None) -> str:
    """The sentences as the reader's text: one block per paragraph (a heading set apart), each
    sentence an anchor with its citation id, search ``terms`` marked and the ``target`` sentence lit."""
    blocks: list[str] = []
    current: object = None
    parts: list[str] = []
    heading = False

    def close() -> None:
        if parts:
            tag = "h4" if heading else "p"
            blocks.append(f"<{tag} class='{'pkg-h' if heading else 'pkg-p'}'>{''.join(parts)}</{tag}>")

    for sentence in sentences:
        if sentence["paragraph"] != current:
            close()
            parts, current = [], sentence["paragraph"]
            heading = sentence["role"] == "heading"
            parts.append(f"<span class='pkg-lbl'>{html.escape(str(sentence['label']).rsplit(' ', 1)[0])}</span>")
        cid = citation(sentence)
        lit = " pkg-target" if cid == target else ""
        body = highlight(shown_text(sentence), terms) if terms else html.escape(shown_text(sentence))
        parts.append(f"<span class='pkg-s{lit}' id='{html.escape(cid, quote=True)}' "
                     f"title='{html.escape(cid, quote=True)}'>{body}<sup class='pkg-sid'>"
                     f"{html.escape(str(sentence['cite']).rsplit('.', 1)[-1])}</sup></span>")
    close()
    return "<div class='pkg-doc'>" + "".join(blocks) + "</div>"


def scroll_script(anchor: str) -> str:
    """A script that brings ``anchor`` into view once the text is drawn (the page renders after load).

    No ``<`` inside the script: Streamlit's sanitiser (DOMPurify) drops a script whose text holds
    ``<`` and a word character, as in a loop's ``n<50``.
    """
    target = json.dumps(anchor).replace("<", "\\u003c")
    return ("<script>(function(){let n=0;const go=()=>{const e=document.getElementById(" + target + ");"
            "if(e){e.scrollIntoView({block:'center'});}else if(50>n++){setTimeout(go,200);}};go();})();</script>")
