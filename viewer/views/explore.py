"""Explore one structure: the 3D view, its nets, the classification and the paper's facts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from viewer import export, library, teaching
from viewer.export_cli import MAX_FIGURE_ATOMS
from viewer.live import live_view
from viewer.plain import escape, show
from viewer.scene import COLOR_BY, STYLES, Options, legend
from viewer.why import picture as why_picture
from viewer.why import why_script

BADGE_COLORS = {"2D-3D interpenetrating": "#FB8C00", "3D-3D interpenetrated": "#1E88E5",
                "non-interpenetrated": "#43A047"}

# presentation mode: the structure first, large type, no sidebar; the controls folded away below
presenting = bool(st.session_state.get("presenting", False))
page = st.container()
controls = st.expander("Controls", expanded=False) if presenting else st.sidebar
controls.toggle("Presentation mode", key="presenting",
                help="Large type, plain background, the view first and the controls folded away below")
if presenting:
    st.markdown("<style>html, body, [class*='st-'] {font-size: 1.25rem;} "
                "section[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] {display: none;} "
                ".block-container {padding-top: 1rem; max-width: 100%;}</style>", unsafe_allow_html=True)

entries = library.bundled()
uploads = controls.file_uploader("Open CIF or .cgd files", type=["cif", "cgd"], accept_multiple_files=True,
                                 key="uploads", help="Your own structures: the real CCDC files of the series, any MOF")
for upload in uploads or []:
    entries.append(library.Entry(upload.name, upload.name, upload.getvalue(), False))
for name, (filename, data) in st.session_state.get("opened", {}).items():  # opened from the survey page
    if name not in {e.name for e in entries}:
        entries.append(library.Entry(name, filename, data, False))
if not entries:
    st.error("No structures: the bundled models are missing from assets/structures and nothing is uploaded.")
    st.stop()
names = [e.name for e in entries]
uploaded = tuple(u.name for u in uploads or [])
if uploaded and uploaded != st.session_state.get("seen_uploads"):  # show what was just opened
    st.session_state["structure"] = uploaded[-1]
st.session_state["seen_uploads"] = uploaded
if st.session_state.get("structure") not in names:
    st.session_state["structure"] = names[0]
choice = controls.selectbox("Structure", names, key="structure")
entry = entries[names.index(choice)]

min_occupancy = controls.slider("Minimum occupancy", 0.0, 1.0, 0.0, 0.05, key="min_occupancy",
                                help="Sites less occupied than this are left out before bonds are found")
left, right = controls.columns(2)
style_name = left.selectbox("Style", STYLES, key="style")
color_by = right.selectbox("Colour by", COLOR_BY, key="color_by")
t1, t2 = controls.columns(2)
show_net = t1.toggle("Net overlay", value=True, key="net")
show_atoms = t2.toggle("Atoms", value=True, key="atoms")
hydrogens = t1.toggle("Hydrogen atoms", value=False, key="hydrogens")
guests = t2.toggle("Guests", value=True, key="guests")
terminal = t1.toggle("Terminal ligands", value=True, key="terminal")
cell = t2.toggle("Unit cell", value=True, key="cell")
sa, sb, sc = controls.columns(3)
supercell = (sa.number_input("a", 1, 3, 1, key="na"), sb.number_input("b", 1, 3, 1, key="nb"),
             sc.number_input("c", 1, 3, 1, key="nc"))
if controls.button("Reset view", key="reset"):
    st.session_state["view_generation"] = st.session_state.get("view_generation", 0) + 1

with page:
    report = library.analysis(entry.filename, entry.data, float(min_occupancy))
    st.title("Interlace")
    if isinstance(report, str):
        show(report, "error", before="Cannot read this file.")
        st.stop()

    badge = BADGE_COLORS.get(report.classification, "#757575")
    st.markdown(
        f"<div data-testid='classification' style='display:inline-block;padding:0.35em 0.9em;border-radius:1em;"
        f"background:{badge};color:white;font-weight:600;font-size:1.3em'>{report.classification}{': ' + report.topologies if report.topologies else ''}</div>"
        f"&nbsp; interpenetration degree <b>{report.interpenetration_degree}</b> · "
        f"<code>{escape(entry.name)}</code>", unsafe_allow_html=True)
    if entry.bundled:
        facts = library.facts_of(entry.name) or {}
        st.caption(f"⚠️ {library.series().get('model_caveat', '')} Real structure: CCDC {facts.get('ccdc', '?')}.")

    cells = tuple(int(x) for x in supercell)
    drawn = (report.n_atoms or report.net.graph.number_of_nodes()) * cells[0] * cells[1] * cells[2]
    if drawn > MAX_FIGURE_ATOMS:
        show(f"{drawn} atoms at {cells[0]}x{cells[1]}x{cells[2]} cells is more than the view draws "
             f"({MAX_FIGURE_ATOMS}); showing one cell.", "warning")
        cells = (1, 1, 1)
    options = Options(style=style_name, color_by=color_by, hydrogens=hydrogens, guests=guests, terminal=terminal,
                      cell=cell, atoms=show_atoms, net=show_net, supercell=cells)
    scene_legend = legend(report, options)
    view_col, info_col = st.columns([3, 2]) if not presenting else (st.container(), st.container())
    with view_col:
        height = 760 if presenting else 600
        why = why_picture(report) if st.session_state.get("why") else None
        script = why_script(why) if why else library.view_script(entry.filename, entry.data, float(min_occupancy), options)
        live_view(script, height, key=f"{hash(script)}-{st.session_state.get('view_generation', 0)}")
        has_link = any(e.example is not None for e in report.entanglement)
        st.toggle("Why? Show one linked pair of rings", key="why", disabled=not has_link,
                  help="One ring of each net, thick, seen through the first ring; the nets' other edges faded")
        if why:
            st.markdown(f"<div data-testid='why-sentence' style='font-size:1.1em'>{escape(why.sentence)}</div>",
                        unsafe_allow_html=True)
        legend = " ".join(f"<span style='display:inline-block;margin-right:1em'><span style='display:inline-block;"
                          f"width:0.9em;height:0.9em;border-radius:50%;background:{color};margin-right:0.3em'></span>"
                          f"{escape(text)}</span>" for color, text in scene_legend)
        st.markdown(f"<div data-testid='legend'>{legend}</div>", unsafe_allow_html=True)
        st.caption("Hover an atom for its label, element, occupancy and disorder group. Drag to turn, scroll to zoom.")

    with info_col:
        st.subheader("Nets")
        rows = [{"net": str(n.id), "topology": n.topology or ("unnamed" if n.topology_key else "–"),
                 "dimension": f"{n.dimensionality}D", "fold": n.fold,
                 "degrees": ", ".join(map(str, n.node_degrees)), "vertices": len(n.vertices)}
                for n in report.nets]
        st.table(pd.DataFrame(rows).set_index("net"))
        for n in report.nets:
            if n.placement():  # layers and chains: where they lie
                st.caption(f"Net {n.id} lies {n.placement()}.")
        notes = list(report.notes)
        for note in notes:
            show(note)
        st.subheader("Connectivity graph")
        st.image(library.graph_png(entry.filename, entry.data, float(min_occupancy)))
        st.caption("Each vertex is a building unit (a metal cluster or an organic branch point); each line is a linker, "
                   "labelled with the lattice translation it crosses. Dashed gold lines are partially occupied linkers.")

    teaching.panel(entry, report)

    with st.expander("Download figures and data"):
        st.caption("The same files as `interlace render` and the other exports of the command line.")
        view_axis = st.radio("Look down axis", ["a", "b", "c"], index=2, horizontal=True, key="view_axis")
        if st.button("Prepare the files", key="prepare_downloads"):
            with st.spinner("Drawing the figures…"):
                st.session_state["downloads"] = (entry.name, float(min_occupancy), options, view_axis,
                                                 export.downloads(report, options, view_axis))
        prepared = st.session_state.get("downloads")
        if prepared and prepared[:4] == (entry.name, float(min_occupancy), options, view_axis):
            for k, (label, filename, data, mime) in enumerate(prepared[4]):
                st.download_button(label, data, file_name=filename, mime=mime, key=f"download_{k}")
