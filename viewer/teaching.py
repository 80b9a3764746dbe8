"""Captions for teaching and talks: what a net is, what interpenetration is, why a half-occupied
linker changes the dimensionality, and the paper's facts about the selected structure."""

from __future__ import annotations

import streamlit as st

from topology.classify import Report
from viewer import library
from viewer.plain import escape, show

WHAT_IS_A_NET = ("**A net** is the crystal reduced to its connections: each metal cluster (here the Ag12 "
                 "core) becomes a point, each linker (here TCNB) a line. The net's **dimensionality** is how many "
                 "independent directions it extends in: a 2D net is a layer, a 3D net a framework.")
WHAT_IS_INTERPENETRATION = ("**Interpenetration**: two or more nets share the same space without any bond "
                            "between them, like links of a chain. They can only be separated by breaking bonds. "
                            "In SC-1 a 2D layer net is threaded by a 3D net (2D-3D); in SC-2 two 3D nets "
                            "interpenetrate (3D-3D).")
WHY_VACANCIES = ("**Why a half-occupied linker matters**: in SC-2 the para-TCNB pillars that join the layers are "
                 "present in only half of the unit cells (occupancy 0.5). Counting them, each net is 3D; leaving "
                 "them out (move the minimum-occupancy slider past 0.5) leaves 2D layers. The ordered vacancies "
                 "decide the dimensionality.")


def panel(entry: library.Entry, report: Report) -> None:
    """The teaching panel under the view."""
    with st.expander("About this structure and what you see", expanded=False):
        facts = library.facts_of(entry.name) if entry.bundled else None
        if facts:
            series = library.series()
            st.markdown(f"**{escape(entry.name)}** — model of CCDC {escape(facts['ccdc'])}. "
                        f"Source: {escape(series.get('citation', ''))}, doi:{escape(series.get('doi', ''))}")
            for fact in facts["facts"]:
                st.markdown(f"- *{escape(fact['label'])}*: {escape(fact['value'])} "
                            f"<span style='color:#78909C'>({escape(fact['source'])})</span>",
                            unsafe_allow_html=True)
            st.caption(series.get("model_caveat", ""))
        else:
            show(f"Your file: {entry.name}, {report.n_atoms} atoms.")
        st.markdown(WHAT_IS_A_NET)
        st.markdown(WHAT_IS_INTERPENETRATION)
        st.markdown(WHY_VACANCIES)
