"""The Streamlit app's shared parts: UI state and strings (:mod:`.state`), cached resources
(:mod:`.cache`), widgets (:mod:`.widgets`), the page frame (:mod:`.chrome`), IRIs as links and prefixed
names (:mod:`.iris`) and the answer view
(:mod:`.answer`). Pages live in ``app_pages/``; ``app.py`` is the entry point."""
