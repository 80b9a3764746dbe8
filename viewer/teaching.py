"""Words for teaching and talks: what a net is, what interpenetration is, why a half-occupied linker
changes the dimensionality, and the paper's facts about a bundled structure. Uploaded structures
get the same explanations without the paper's names (Ag12, TCNB, SC-1), which belong to the bundled
series only."""

from __future__ import annotations

import streamlit as st

from topology.report import Report
from viewer import library
from viewer.plain import escape, show
from viewer.sentences import nets_sentence

WHAT_IS_A_NET = ("**A net** is the crystal reduced to its connections: each metal cluster becomes a point, "
                 "each linker a line. The net's **dimensionality** is how many independent directions it extends "
                 "in: a 2D net is a layer, a 3D net a framework.")
WHAT_IS_A_NET_SC = " In this series the points are the Ag12 cluster cores and the lines the TCNB linkers."
WHAT_IS_INTERPENETRATION = ("**Interpenetration**: two or more nets share the same space without any bond "
                            "between them, like the links of a chain. They can only be separated by breaking bonds.")
WHAT_IS_INTERPENETRATION_SC = " In SC-1 a 2D layer net is threaded by a 3D net (2D-3D); in SC-2 two 3D nets " \
                              "interpenetrate (3D-3D)."
WHY_VACANCIES = ("**Why a partly occupied linker matters**: a linker present in only some of the unit cells "
                 "still joins the nets where it is. Counting it, a net may be 3D; leaving it out (move the "
                 "minimum-occupancy slider past its occupancy) may leave layers. Its occupancy is written beside it.")
WHY_VACANCIES_SC = (" In SC-2 the para-TCNB pillars that join the layers are present in half of the cells "
                    "(occupancy 0.5): the ordered vacancies decide the dimensionality.")


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
            show(f"Your file: {entry.name}, {report.n_atoms} atoms: {nets_sentence(report)}.")
        series_text = bool(facts)
        st.markdown(WHAT_IS_A_NET + (WHAT_IS_A_NET_SC if series_text else ""))
        st.markdown(WHAT_IS_INTERPENETRATION + (WHAT_IS_INTERPENETRATION_SC if series_text else ""))
        partial = any(d["occupancy"] < 0.999 for _, _, _, d in report.net.edges())
        if series_text or partial:
            st.markdown(WHY_VACANCIES + (WHY_VACANCIES_SC if series_text else ""))
