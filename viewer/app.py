"""Interlace web app: ``streamlit run viewer/app.py`` (or ``interlace app``). Three pages: explore a
structure and its nets; watch the SC-1 -> SC-2 -> SC-3 transitions; survey many structures."""

import streamlit as st

st.set_page_config(page_title="Interlace", page_icon="🕸️", layout="wide")
pages = [st.Page("views/explore.py", title="Explore a structure", default=True),
         st.Page("views/transitions.py", title="Transitions SC-1 → SC-3"),
         st.Page("views/survey.py", title="Survey many structures")]
st.navigation(pages).run()
