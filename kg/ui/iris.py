"""IRIs as a reader sees them: prefixed names (``ind:electrolytic-aluminium``), and the library's own
documents, sentences and provisions as links to the Document page (``document?doc=…&s=…``).

The links are relative to the app's root, so they work under any base path; the citation id is
repeated as the fragment, where a results table finds the text to show for the link.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from kg.graph.store import PREFIXES
from kg.queries import DOC_BASE

#: Longest namespace first, so ``ind:`` wins over a shorter namespace that is its prefix.
_NAMESPACES = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)
#: Shows a link's fragment (the citation id) in a results table's link column.
LINK_TEXT = r"#(.+)$"


@dataclass(frozen=True)
class LibraryPart:
    """A document of the library or a part of it: ``doc`` its id, ``local`` the part's citation id."""

    doc: str
    local: str | None  # 4.p4.s2 (a sentence), 4.p4 (a paragraph); None for the document itself
    provision: bool = False  # the provision derived from the sentence, not the sentence

    @property
    def citation(self) -> str:
        return f"{self.doc}/{self.local}" if self.local else self.doc

    @property
    def shown(self) -> str:
        """How a table names it: the citation id, a provision's with ``/provision``."""
        return self.citation + ("/provision" if self.provision else "")

    def url(self, *, lang: str | None = None) -> str:
        return document_url(self.doc, self.local, lang=lang, shown=self.shown)


def library_part(value: object) -> LibraryPart | None:
    """The library part an IRI names (``…/doc/guofa-2013-41/4.p4.s2/provision``), or None."""
    if not isinstance(value, str) or not value.startswith(DOC_BASE):
        return None
    doc, _, rest = value[len(DOC_BASE):].partition("/")
    if not doc:
        return None
    # Parts below a sentence (its provision, a citation mention …/c1) point at the sentence.
    segments = [s for s in rest.split("/") if s]
    return LibraryPart(doc, segments[0] if segments else None, provision=segments[1:2] == ["provision"])


def document_url(doc: str, sentence: str | None = None, *, lang: str | None = None, shown: str | None = None
                 ) -> str:
    """The Document page showing ``doc``, scrolled to (and marking) ``sentence`` when given."""
    params = {"doc": doc, **({"s": sentence} if sentence else {}), **({"lang": lang} if lang else {})}
    return f"document?{urlencode(params)}#{shown or (f'{doc}/{sentence}' if sentence else doc)}"


def prefixed(value: object) -> object:
    """An IRI in a known namespace as ``prefix:local``; anything else unchanged."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return value
    for prefix, namespace in _NAMESPACES:
        local = value[len(namespace):]
        if value.startswith(namespace) and local and not any(c in local for c in " <>\"{}|\\^`"):
            return f"{prefix}:{local}"
    return value
