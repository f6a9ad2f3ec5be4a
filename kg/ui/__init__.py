"""The Streamlit app's shared parts: UI state and strings (:mod:`.state`), cached resources
(:mod:`.cache`), widgets (:mod:`.widgets`), the page frame (:mod:`.chrome`), the answer view
(:mod:`.answer`), IRIs as prefixed names and links (:mod:`.iris`), the Document page's reading view
(:mod:`.reader`), the list of what is due (:mod:`.timeline`) and (from :mod:`kg.exports`) the exports.
Pages live in ``app_pages/``; ``app.py`` is the entry point."""
