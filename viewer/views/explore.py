"""Explore one structure: the 3D view, its nets in words, the classification and the paper's facts.

The page reads top to bottom: the controls (sidebar, or folded below the view in presentation
mode), the headline (classification and the nets in a sentence), the view with its Teach switch
and legend, the nets, the drawings of their connectivity, the teaching panel and the downloads.

The picture comes first: a new visitor's first run sends only the headline, the view and its switches,
the view drawn with the controls' defaults; the rest of the page follows when the view reports its
first picture (or after FIRST_PICTURE_WAIT seconds at the latest). Without a graphics card the
browser draws on the processor, and laying out the whole page at the same time as the first picture
doubles its wait.
"""

from __future__ import annotations

import html
import shlex
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import streamlit as st

from topology import glossary
from topology.options import CLUSTERINGS
from viewer import export, figure, graph2d, library, sentences, teaching
from viewer.choices import COLOR_BY, STYLES
from viewer.export_cli import MAX_FIGURE_ATOMS
from viewer.live import live_view
from viewer.orientation import IDENTITY, direction_rows, parse_direction, rows_quaternion, view_text
from viewer.plain import escape, show
from viewer.scene import TEACH_TILT, Options, legend, teach_cells, teach_direction
from viewer.why import picture as why_picture
from viewer.why import why_script

BADGE_COLORS = {"2D-3D interpenetrating": "#B35900", "3D-3D interpenetrated": "#0060A0",
                "non-interpenetrated": "#00785A"}
LOOK = ("as turned", "a", "b", "c", "[u v w]")
FIGURE_VIEWS = {"as turned in the view": None, "down a": "a", "down b": "b", "down c": "c"}
PRESENTING_CSS = """<style>
section[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] {display: none;}
.block-container {padding: 1rem 2rem; max-width: 100%;}
.block-container p, .block-container li {font-size: 1.2rem;}
</style>"""
STYLE_CSS = """<style>
iframe[title*='interlace_view'] {max-width: 100%;}
[data-testid='legend'] {line-height: 1.9;}
.caveat-short {font-size: 0.75rem; color: rgba(49, 51, 63, 0.6);}
[data-testid='stElementContainer']:has(.caveat-short) {display: none;}
@media (max-width: 640px) {  /* a phone: the view on the first screen, the nets table within the width */
  .block-container {padding-top: 4rem;}
  [data-testid='stElementContainer']:has(.caveat-short) {display: block;}
  .st-key-headline [data-testid='stElementContainer']:has([data-testid='stCaptionContainer']) {display: none;}
  .st-key-switches [data-testid='stButtonGroup'] [data-testid='stWidgetLabel'] {display: none;}
  .block-container h1 {font-size: 1.6rem; padding: 0 0 0.2rem 0;}
  [data-testid='classification'] {font-size: 1.05em !important;}
  [data-testid='nets-sentence'] {font-size: 1.0em !important;}
  [data-testid='stCaption'] {font-size: 0.75rem;}
  [data-testid='stTable'] table {font-size: 0.78rem; width: 100%;}
  [data-testid='stTable'] th, [data-testid='stTable'] td {padding: 0.2rem 0.3rem; word-break: break-word;}
}
</style>"""
FIRST_PICTURE_WAIT = 10.0  # seconds after which the rest of the page comes, first picture reported or not


@dataclass(frozen=True)
class Choices:
    """The reader's choices in the controls; their defaults draw the first picture of a visit."""

    min_occupancy: float = 0.0
    options: Options = field(default_factory=lambda: Options(net=True))  # the net drawn over the atoms
    look: str = LOOK[0]
    typed: str = "1 1 0"
    clustering: str = CLUSTERINGS[0]


CLUSTERING_HELP = ("How the crystal is cut into vertices, by CrystalNets.jl's names. SingleNodes: every SBU is one "
                   "vertex, an organic one with several branch points included. AllNodes: each branch point of an "
                   "organic SBU is a vertex of its own (the names MOFid and ToposPro's standard representation give)")


def view_changed() -> None:
    """News from the live view: the reader turned it (kept, so figures can be drawn the same way), or in
    presentation mode an arrow key: the next or previous structure of the list."""
    value = st.session_state.get("live_view") or {}
    if value.get("ready"):  # the first picture is on screen: the rest of the page may come
        st.session_state["view_ready"] = True
        return
    if value.get("turn"):
        st.session_state["turned"] = tuple(float(x) for x in value["turn"])
        return
    names = st.session_state.get("structure_names", [])
    if not value.get("step") or not names or value.get("n") == st.session_state.get("step_seen"):
        return
    st.session_state["step_seen"] = value.get("n")
    here = names.index(st.session_state["structure"]) if st.session_state.get("structure") in names else 0
    st.session_state["structure"] = names[(here + int(value["step"])) % len(names)]


@st.cache_data(show_spinner=False, max_entries=32)
def patch_png(filename: str, data: bytes, min_occupancy: float, clustering: str = CLUSTERINGS[0]) -> bytes:
    """The drawing of a patch of each net, once per structure, threshold and clustering."""
    report = library.analysis(filename, data, min_occupancy, clustering)
    assert not isinstance(report, str)
    return graph2d.patch_image(report, "png")


def control_panel(controls, names: list[str]) -> Choices:
    """The controls (the sidebar, or folded below the view in presentation mode), each starting at its
    default in :class:`Choices`; returns the reader's choices."""
    default = Choices()
    controls.selectbox("Structure", names, key="structure")
    min_occupancy = controls.slider("Minimum occupancy", 0.0, 1.0, default.min_occupancy, 0.05, key="min_occupancy",
                                    help="Sites less occupied than this are left out before bonds are found")
    clustering = controls.selectbox("Clustering", CLUSTERINGS, key="clustering", help=CLUSTERING_HELP)
    style_name = controls.selectbox("Style", STYLES, key="style")  # full width: "ball-and-stick" whole
    color_by = controls.selectbox("Colour by", COLOR_BY, key="color_by")
    t1, t2 = controls.columns(2)
    shown = default.options
    switches = {"net": t1.toggle("Net overlay", value=shown.net, key="net"),
                "atoms": t2.toggle("Atoms", value=shown.atoms, key="atoms"),
                "hydrogens": t1.toggle("H atoms", value=shown.hydrogens, key="hydrogens", help="Hydrogen atoms"),
                "guests": t2.toggle("Guests", value=shown.guests, key="guests", help="Guest molecules in the pores"),
                "terminal": t1.toggle("Ligands", value=shown.terminal, key="terminal",
                                      help="Terminal ligands, bound to one node (TFA in the SC series)"),
                "cell": t2.toggle("Unit cell", value=shown.cell, key="cell")}
    sa, sb, sc = controls.columns(3)
    supercell = tuple(int(box.number_input(axis, 1, 3, n, key=f"n{axis}"))
                      for box, axis, n in zip((sa, sb, sc), "abc", shown.supercell))
    la, lb = controls.columns(2)
    look = la.selectbox("Look along", LOOK, key="look",
                        help="Turn the view to look down a cell axis or a direction [u v w]")
    typed = lb.text_input("[u v w]", default.typed, key="look_uvw", disabled=look != "[u v w]")
    if controls.button("Reset view", key="reset", help="Back to the starting orientation and zoom"):
        st.session_state["view_generation"] = st.session_state.get("view_generation", 0) + 1
    return Choices(float(min_occupancy), Options(style=style_name, color_by=color_by, supercell=supercell, **switches),
                   look, typed, str(clustering))


def page_terms(report) -> list[str]:
    """The field's words this page shows for a report, in the order a reader meets them."""
    terms = [report.classification, "net", "dimensionality", "fold"]
    terms += [e.kind for e in report.entanglement if e.kind != "none"]
    terms += ["Hopf link"] * any(e.hopf_links for e in report.entanglement)
    terms += ["threaded ring"] * any(e.threaded_rings for e in report.entanglement)
    terms += ["class", "Z", "Zt", "Zn"] * bool(report.interpenetration_class)
    return terms + ["RCSR symbol", "copy", "quotient graph"]


def headline(report, entry: library.Entry, presenting: bool) -> None:
    """The classification badge, the nets in a sentence and the model caveat. Sent after the view,
    though shown above it: the browser fetches the part of Streamlit that shows HTML for it, and the
    view should not wait for that."""
    badge = BADGE_COLORS.get(report.classification, "#5F6B73")
    size = "1.6em" if presenting else "1.3em"
    st.markdown(
        f"<div style='display:flex;flex-wrap:wrap;align-items:center;gap:0.6em'>"
        f"<span data-testid='classification' title='{html.escape(glossary.explain(report.classification) or '')}' "
        f"style='padding:0.35em 0.9em;border-radius:1em;background:{badge};cursor:help;"
        f"color:white;font-weight:600;font-size:{size}'>{html.escape(report.classification)}</span>"
        f"<span data-testid='nets-sentence' style='font-size:{size}'>{html.escape(sentences.nets_sentence(report))}</span>"
        f"<code>{escape(entry.name)}</code></div>", unsafe_allow_html=True)
    if entry.bundled:
        facts = library.facts_of(entry.name) or {}
        ccdc = facts.get("ccdc", "?")
        st.caption(f"⚠️ {library.series().get('model_caveat', '')} Real structure: CCDC {ccdc}.")
        # a phone shows the same caveat in one line, so that the view comes on the first screen
        st.markdown(f"<div data-testid='caveat-short' class='caveat-short'>⚠️ An idealised model, not the deposited "
                    f"structure (CCDC {html.escape(str(ccdc))}).</div>", unsafe_allow_html=True)


@st.fragment(run_every=FIRST_PICTURE_WAIT)
def rest_of_page_at_the_latest() -> None:
    """The rest of the page, FIRST_PICTURE_WAIT seconds after the first run at the latest: should the view
    never report its first picture (a browser that cannot draw it), the controls still come."""
    if st.session_state.get("view_ready"):
        return
    if st.session_state.get("first_run_over"):
        st.session_state["view_ready"] = True
        st.rerun(scope="app")
    st.session_state["first_run_over"] = True


first_picture = not st.session_state.get("view_ready")
presenting = bool(st.session_state.get("presenting", False))
page = st.container()
controls = st.expander("Controls", expanded=False) if presenting else st.sidebar
below = st.container()  # nets, drawings, teaching and downloads: after the controls in presentation mode
styles = st.container()  # filled after the view is sent (see headline)

if not first_picture:
    controls.toggle("Presentation mode", key="presenting",
                    help="The structure filling the screen, large legend, the controls folded away below; "
                         "the arrow keys (or a clicker) step through the structures")
entries = library.bundled()
uploads = None if first_picture else controls.file_uploader(
    "Open CIF or .cgd files", type=["cif", "cgd"], accept_multiple_files=True, key="uploads",
    help="Your own structures: the real CCDC files of the series, any MOF")
for upload in library.distinct_uploads(uploads):  # the same file chosen twice is listed once
    if upload.name not in {e.name for e in entries}:
        entries.append(upload)
for name, (filename, data) in st.session_state.get("opened", {}).items():  # opened from the survey page
    if name not in {e.name for e in entries}:
        entries.append(library.Entry(name, filename, data, False))
if not entries:
    st.error("No structures: the bundled models are missing from assets/structures and nothing is uploaded.")
    st.stop()
names = [e.name for e in entries]
st.session_state["structure_names"] = names
uploaded = tuple(u.name for u in uploads or [])
if uploaded and uploaded != st.session_state.get("seen_uploads"):  # show what was just opened
    st.session_state["structure"] = uploaded[-1]
st.session_state["seen_uploads"] = uploaded
if st.session_state.get("structure") not in names:
    st.session_state["structure"] = names[0]
chosen = Choices() if first_picture else control_panel(controls, names)
entry = entries[names.index(st.session_state["structure"])]
min_occupancy, supercell, look, typed = chosen.min_occupancy, chosen.options.supercell, chosen.look, chosen.typed
clustering = chosen.clustering

# ---- the headline and the view -----------------------------------------------------------------------------------
with page:
    report = library.analysis(entry.filename, entry.data, float(min_occupancy), clustering)
    st.title("Interlace")
    if isinstance(report, str):
        if first_picture:  # no picture to wait for: the controls at once, to choose another structure
            st.session_state["view_ready"] = True
            st.rerun()
        show(report, "error", before="Cannot read this file.")
        st.stop()

    top = st.container(key="headline")  # the headline: filled after the view is sent (see headline)
    periodic = [n for n in report.nets if n.dimensionality > 0]
    net_labels = {n.id: f"{n.topology or f'{n.dimensionality}D net'} ({n.id})" for n in periodic}
    teach = st.session_state.get("teach", False)
    cells = tuple(int(x) for x in supercell)
    if teach:  # nets only, 3x3x3 cells (2x2x2 for nets with many nodes a cell)
        cells = tuple(max(teach_cells(report), c) for c in cells)
    drawn = (report.n_atoms if chosen.options.atoms and not teach else report.net.graph.number_of_nodes()) * \
        cells[0] * cells[1] * cells[2]
    if drawn > MAX_FIGURE_ATOMS:
        show(f"{drawn} atoms at {cells[0]}x{cells[1]}x{cells[2]} cells is more than the view draws "
             f"({MAX_FIGURE_ATOMS}); showing one cell.", "warning")
        cells = (1, 1, 1)

    view_col, info_col = st.columns([3, 1] if presenting else [3, 2])
    aside = info_col if presenting else view_col  # in a talk, the words beside the picture, not under it
    with aside:
        row = st.container(key="switches")
        switches = row.columns([3, 2]) if len(periodic) > 1 and not presenting else [row.container(), row.container()]
        teach = switches[0].toggle("Teach: show how the nets interpenetrate", key="teach",
                                   help="Nets only, 2x2x2 cells, one net solid and the others translucent, "
                                        "seen along the direction that shows the threading")
        shown_ids = [n.id for n in periodic]
        if len(periodic) > 1:
            fingerprint = "-".join(f"{n.id}{n.dimensionality}{n.topology}" for n in periodic)
            picked = switches[1].pills("Nets shown", list(net_labels), selection_mode="multi", default=list(net_labels),
                                       format_func=lambda i: net_labels[i], key=f"shown-{entry.name}-{fingerprint}",
                                       help="Click a net to hide it: show only this net")
            shown_ids = list(picked) if picked else shown_ids
        hidden = tuple(n.id for n in periodic if n.id not in shown_ids)
    with view_col:
        options = replace(chosen.options, supercell=cells, hidden_nets=hidden)
        if teach:
            options = replace(options, style="ball-and-stick", color_by="net", atoms=False, net=True, cell=False,
                              teach=True)
        why = why_picture(report) if st.session_state.get("why") else None
        shown_options = replace(options, atoms=False) if why else options
        # orientation: the Teach direction, a chosen axis or direction, or as the reader turned it
        generation = st.session_state.get("view_generation", 0)
        direction = {"a": (1, 0, 0), "b": (0, 1, 0), "c": (0, 0, 1)}.get(look)
        if look == "[u v w]":
            direction = parse_direction(typed)
            if direction is None:
                show(f"{typed} is not a lattice direction: give three integers such as 1 1 0.", "warning")
        tilt = 0.0
        if teach and not why:
            direction, tilt = teach_direction(report), TEACH_TILT
        cell_axes = np.array(report.net.cell.orth.mat.tolist())
        quaternion = rows_quaternion(direction_rows(cell_axes, direction, tilt)) if direction and not why else None
        orientation = f"{generation}|{direction}|{tilt}|{entry.name if direction else ''}|{bool(why)}"
        if st.session_state.get("orientation_token") != orientation:  # the view is turned to it: figures follow
            st.session_state["orientation_token"] = orientation
            st.session_state["turned"] = tuple(quaternion or IDENTITY)
        script = why_script(why) if why else library.view_script(entry.filename, entry.data, float(min_occupancy),
                                                                 options, clustering)
        live_view(script, 760 if presenting else 600, key=f"{hash(script)}-{generation}", orientation=orientation,
                  quaternion=quaternion, fill=0.78 if presenting else 0.0, keys=presenting, on_change=view_changed,
                  waiting=first_picture)
with styles:
    st.markdown(STYLE_CSS, unsafe_allow_html=True)
    if presenting:
        st.markdown(PRESENTING_CSS, unsafe_allow_html=True)
with top:
    headline(report, entry, presenting)
if first_picture:  # the rest of the page when the picture is on screen
    with below:
        rest_of_page_at_the_latest()
    st.stop()
with page:
    with aside:
        if teach and not why:
            along = "[" + " ".join(map(str, direction)) + "]" if direction else ""
            st.markdown(f"<div data-testid='teach-sentence' style='font-size:{'1.5em' if presenting else '1.15em'}'>"
                        f"{html.escape(sentences.teach_sentence(report, hidden))}</div>", unsafe_allow_html=True)
            st.caption(f"Seen along {along}, turned {TEACH_TILT:g}° off it; {cells[0]}x{cells[1]}x{cells[2]} cells. "
                       "Drag to turn; Reset view comes back here.")
    with view_col:  # ---- Why? one linked pair of rings ----
        has_link = any(e.example is not None for e in report.entanglement)
        st.toggle("Why? Show one linked pair of rings", key="why", disabled=not has_link,
                  help="One ring of each net, thick, seen through the first ring; the nets' other edges faded")
        if why:
            st.markdown(f"<div data-testid='why-sentence' style='font-size:1.1em'>{escape(why.sentence)}</div>",
                        unsafe_allow_html=True)
    with aside:  # ---- legend ----
        scene_legend = legend(report, shown_options)
        dot = "1.3em" if presenting else "0.9em"
        items = " ".join(f"<span style='display:inline-block;margin-right:1.2em'><span style='display:inline-block;"
                         f"width:{dot};height:{dot};border-radius:50%;background:{color};margin-right:0.35em;"
                         f"vertical-align:middle;border:1px solid #0003'></span>{escape(text)}</span>"
                         for color, text in scene_legend)
        st.markdown(f"<div data-testid='legend' style='font-size:{'1.35em' if presenting else '1em'}'>{items}</div>",
                    unsafe_allow_html=True)
        meaning = glossary.explain(report.classification)
        if meaning:  # what the badge's words mean, right under the picture
            st.markdown(f"<div data-testid='classification-explained' style='font-size:0.95em'>"
                        f"{html.escape(meaning)}</div>", unsafe_allow_html=True)
        if presenting:
            st.caption("← → step through the structures · drag to turn · scroll to zoom")
        else:
            st.caption("Hover an atom for its label, element, occupancy and disorder group. Drag to turn, scroll "
                       "to zoom. Partly occupied linkers are indigo, with their occupancy written beside them.")

# ---- the nets in words, their drawings --------------------------------------------------------------------------
nets_place = info_col if not presenting else below
with nets_place:
    st.subheader("Nets")
    rows = [{"net": str(n.id), "name": n.topology or ("unnamed" if n.topology_key else "–"),
             "dimension": f"{n.dimensionality}D", "kind": sentences.KIND[n.dimensionality],
             "nodes": sentences.connected(n) if n.node_degrees else "–", "copies": n.fold}
            for n in report.nets]
    st.table(pd.DataFrame(rows).set_index("net"))
    st.caption(f"copies: {glossary.GLOSSARY['fold']}")
    if report.interpenetration_class:
        c = report.interpenetration_class
        st.markdown(f"<div data-testid='interpenetration-class' title='{html.escape(glossary.GLOSSARY['class'])}' "
                    f"style='cursor:help'>Interpenetration class <b>{html.escape(str(c['class']))}</b>: Z = {c['Z']}, "
                    f"Zt = {c['Zt']}, Zn = {c['Zn']}</div>", unsafe_allow_html=True)
    words = [w for w in dict.fromkeys(glossary.lookup(t) for t in page_terms(report)) if w]
    with st.expander("Words used here"):
        st.markdown("<div data-testid='glossary'>" + "".join(
            f"<p><b>{html.escape(w)}</b>: {html.escape(glossary.GLOSSARY[w])}</p>" for w in words) + "</div>",
            unsafe_allow_html=True)
        st.caption("The same words from the command line: interlace explain TERM.")
    for n in report.nets:
        if n.fold > 1:
            st.caption(sentences.copies_sentence(n))
        if n.placement():  # layers and chains: where they lie
            st.caption(f"Net {n.id} lies {n.placement()}.")
    for note in report.notes:
        show(note)
    st.subheader("What each net looks like")
    st.image(patch_png(entry.filename, entry.data, float(min_occupancy), clustering))
    st.caption("A small piece of each net, flattened onto the page: each dot a node (a metal cluster or a branching "
               "linker), each line a link, in the net's colour.")
    with st.expander("For experts: the quotient graph"):
        st.image(library.graph_png(entry.filename, entry.data, float(min_occupancy), clustering))
        st.caption("One vertex per node of the unit cell; each line is a linker, labelled with the lattice "
                   "translation it crosses. Dashed indigo lines are partly occupied linkers.")

with below:
    teaching.panel(entry, report)

    with st.expander("Download figures and data"):
        st.caption("The same files as `interlace render` and the other exports of the command line.")
        seen, wide, titled = st.columns(3)
        facing = seen.selectbox("Seen", FIGURE_VIEWS, key="figure_view",
                                help="As you turned the 3D view, or down a cell axis")
        column = wide.radio("Width", list(figure.COLUMNS), key="figure_column", horizontal=True,
                            format_func=lambda c: f"{c} column ({figure.COLUMNS[c]:g} in)")
        title = titled.checkbox("Title on the figure", key="figure_title",
                                help="The classification over the drawing; journals set their own captions")
        view = FIGURE_VIEWS[facing] or st.session_state.get("turned", IDENTITY)
        flags = f" --view {view_text(view)!r}" + (" --column single" if column == "single" else "") + \
            (" --title" if title else "") + (" --net" if options.net else "") + \
            (f" --clustering {clustering}" if clustering != CLUSTERINGS[0] else "")
        st.caption("The same files as the command line writes, 8 pt text at print size, text kept as text; "
                   "the figure is:")
        st.code(f"interlace render {shlex.quote(entry.command_path)} -o figure.pdf{flags}", language="bash")  # shown as text
        wanted = (entry.name, float(min_occupancy), clustering, options, view, column, title)
        if st.button("Prepare the files", key="prepare_downloads"):
            with st.spinner("Drawing the figures…"):
                st.session_state["downloads"] = (wanted, export.downloads(report, options, view, column, title))
        prepared = st.session_state.get("downloads")
        if prepared and prepared[0] == wanted:
            for k, (label, filename, data, mime) in enumerate(prepared[1]):
                st.download_button(label, data, file_name=filename, mime=mime, key=f"download_{k}")
