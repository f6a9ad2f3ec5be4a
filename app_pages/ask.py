"""Ask: a question in Chinese or English, answered with cited sentences (a list answer as its provisions)."""

import streamlit as st

from kg.ui.answer import show_result
from kg.ui.cache import ask, get_answerer
from kg.ui.chrome import run_page
from kg.ui.state import tr
from kg.ui.urlstate import adopt_question, publish_question

EXAMPLES = (
    "电解铝2015年底前要做什么？",
    "2012年底水泥产能利用率是多少？",
    "What applies to electrolytic aluminium by 2015?",
    "金融机构对隐瞒不报的在建违规项目要怎么做？",
    "煤炭行业的去产能目标是多少？",
)


def use_example(question: str) -> None:
    st.session_state["question"] = question
    st.session_state["asked"] = question


def submit() -> None:
    st.session_state["asked"] = st.session_state.get("question", "")


def page(data: str) -> None:
    adopt_question()
    asked = st.session_state.get("asked")
    if asked is not None and "question" not in st.session_state:
        st.session_state["question"] = asked  # back from another page: the box shows what was asked
    # A form, so Enter submits and Streamlit adds no (English) "press Enter to apply" hint of its own.
    with st.form("ask_form", border=False):
        cols = st.columns([8, 1], vertical_alignment="bottom")
        with cols[0]:
            st.text_input(tr("ask_header"), key="question", placeholder=tr("question_placeholder"), max_chars=500)
        with cols[1]:
            st.form_submit_button(tr("ask_button"), type="primary", width="stretch", key="ask_submit",
                                  on_click=submit)
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="examples"):
        st.caption(tr("examples"), width="content")
        for index, example in enumerate(EXAMPLES):
            st.button(example, key=f"example_{index}", on_click=use_example, args=(example,), type="tertiary")
    asked = st.session_state.get("asked")
    if asked is None:
        return
    publish_question(str(asked).strip() or None)
    if not str(asked).strip():
        st.error(tr("empty_question"))
        return
    with st.spinner(tr("loading_model")):
        get_answerer(data)
    show_result(data, ask(data, str(asked)))


run_page("ask", page)
