"""Survey results: a table of many structures to filter and sort, counts by classification and by
fold, and a click to open one structure in the explorer."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from topology.batch import SUFFIXES, is_record, summary_row
from topology.options import CLUSTERINGS
from topology.reading.cif import read_bytes
from viewer import library
from viewer.plain import show

CLASS_HELP = ("Interpenetration class (Blatov, Carlucci, Ciani & Proserpio, CrystEngComm 6, 377 (2004)): I, the "
              "copies related by translations only (Zn = 1); II, by other symmetry only (Zt = 1); III, both; a when "
              "all copies are symmetry-equivalent, b when not")
Z_HELP = "Z: how many 3D net copies interpenetrate (Z = Zt x Zn)"
NETS_HELP = "Each periodic net: its dimensionality, its RCSR name (- if none) and its number of copies (x2 = 2-fold)"
MAX_RUN = 200  # most uploaded files analysed on the page itself; larger surveys belong to interlace analyze -o

st.title("Survey")
st.caption("Open the results of `interlace analyze FOLDER -o results.jsonl`, or analyse a few files here.")
source = st.radio("Results", ["Bundled SC models", "A results file (.jsonl)", "Files to analyse"], horizontal=True,
                  key="survey_source")


@st.cache_data(show_spinner="Analysing…", max_entries=8)
def run(files: tuple[tuple[str, bytes], ...], clustering: str) -> list[dict]:
    out = []
    for name, data in files:
        report = library.analysis(name, data, 0.0, clustering)
        out.append({"path": name, "source": name, "error": report} if isinstance(report, str)
                   else {"path": name, **report.to_dict()})
    return out


records: list[dict] = []
files: dict[str, tuple[str, bytes]] = {}
clustering = CLUSTERINGS[0]
if source != "A results file (.jsonl)":
    clustering = st.selectbox("Clustering", CLUSTERINGS, key="survey_clustering",
                              help="The deconstruction the nets are named under, by CrystalNets.jl's names: "
                                   "SingleNodes makes every SBU one vertex; AllNodes keeps each branch point "
                                   "of an organic SBU a vertex (as interlace analyze --clustering)")
if source == "Bundled SC models":
    files = {e.filename: (e.filename, e.data) for e in library.bundled()}
    records = run(tuple(files.values()), clustering)
elif source == "A results file (.jsonl)":
    upload = st.file_uploader("Results of interlace analyze -o", type=["jsonl", "json"], key="survey_results")
    if upload is not None:
        bad = []
        for k, line in enumerate(upload.getvalue().decode("utf-8", "replace").splitlines()):
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if is_record(record):
                records.append(record)
            elif line.strip():
                bad.append(k + 1)
        if bad:
            lines = ", ".join(map(str, bad[:20])) + (f" and {len(bad) - 20} more" if len(bad) > 20 else "")
            show(f"line{'s' * (len(bad) > 1)} {lines} of {upload.name}: not a survey record; left out, "
                 f"the other {len(records)} shown", "warning")
else:
    uploads = st.file_uploader(f"Structure files (up to {MAX_RUN})", type=["cif", "cgd"], accept_multiple_files=True,
                               key="survey_files")
    if uploads and len(uploads) > MAX_RUN:
        show(f"{len(uploads)} files: the page analyses up to {MAX_RUN}; use interlace analyze -o for more.", "error")
    elif uploads:
        files = {u.name: (u.name, u.getvalue()) for u in uploads}
        records = run(tuple(files.values()), clustering)

if not records:
    st.stop()

table = pd.DataFrame([summary_row(r, 0.0) for r in records]).drop(columns=["seconds"])
table["Z"] = pd.to_numeric(table["Z"], errors="coerce").fillna(0).astype(int)
# the filters belong to this set of results: another source, or another file, starts with everything shown
origin = f"{source}-{abs(hash(tuple(r.get('path', '') for r in records)))}"
keys = {"kinds": f"survey_kinds-{origin}", "z": f"survey_z-{origin}", "name": f"survey_name-{origin}"}


def show_all() -> None:
    """Reset this set's filters: every structure shown."""
    for key in keys.values():
        st.session_state.pop(key, None)


left, middle, right = st.columns(3)
kinds = sorted(table["classification"].replace("", "could not be read").unique())
chosen = left.multiselect("Classification", kinds, default=kinds, key=keys["kinds"])
zmax = int(table["Z"].max())
low, high = middle.slider("Z (3D net copies)", 0, max(zmax, 1), (0, max(zmax, 1)), key=keys["z"])
name = right.text_input("Net name contains", key=keys["name"], placeholder="pcu")
shown = table[table["classification"].replace("", "could not be read").isin(chosen) & table["Z"].between(low, high)
              & table["topologies"].str.contains(name.strip(), regex=False)]

hidden = len(table) - len(shown)
if hidden:
    words, reset = st.columns([4, 1])
    words.markdown(f"<div data-testid='survey-count'><b>{len(shown)} of {len(table)} shown, {hidden} hidden by "
                   "filters.</b> Click a row to open it in the explorer; click a header to sort.</div>",
                   unsafe_allow_html=True)
    reset.button("Show all", key=f"survey_reset-{origin}", on_click=show_all, help="Clear the filters above")
else:
    st.markdown(f"<div data-testid='survey-count'>All {len(table)} structures shown. Click a row to open it in the "
                "explorer; click a header to sort.</div>", unsafe_allow_html=True)
columns = ["source", "classification", "class", "Z", "nets", "error", "path"]  # the long path last, narrow
picked = st.dataframe(shown[columns], hide_index=True, on_select="rerun", selection_mode="single-row",
                      key="survey_table", use_container_width=True,
                      column_config={"source": st.column_config.TextColumn("structure", width="large"),
                                     "classification": st.column_config.TextColumn(width="medium"),
                                     "class": st.column_config.TextColumn(width="small", help=CLASS_HELP),
                                     "Z": st.column_config.NumberColumn(width="small", help=Z_HELP),
                                     "nets": st.column_config.TextColumn(width="medium", help=NETS_HELP),
                                     "error": st.column_config.TextColumn(width="small"),
                                     "path": st.column_config.TextColumn(width="small")})
a, b = st.columns(2)
with a:
    st.subheader("By classification")
    counts = shown["classification"].replace("", "could not be read").value_counts().rename_axis("classification")
    st.bar_chart(counts.rename("structures"), horizontal=True, height=260)
with b:
    st.subheader("By number of 3D net copies (Z)")
    st.bar_chart(shown["Z"].value_counts().sort_index().rename_axis("Z").rename("structures"), height=260)

rows = picked.selection.rows if picked else []
if rows:
    row = shown.iloc[rows[0]]
    item = files.get(row["path"])
    local = st.get_option("server.address") in ("127.0.0.1", "localhost", "::1")
    if item is None and local and row["path"].lower().endswith(SUFFIXES) and Path(row["path"]).is_file():
        try:
            item = read_bytes(Path(row["path"]))
        except Exception as err:  # noqa: BLE001 - any failure to read is shown as a message
            show(err, "error", before="Cannot open this file.")
    if item is None:
        show(f"{row['path']} is not available to this app: open it from the explorer's file picker.", "warning")
    elif st.button(f"Open {row['source']} in the explorer", key="survey_open"):
        bundled = {(e.filename, e.data): e.name for e in library.bundled()}
        name = bundled.get(item) or row["source"]  # a bundled model opens as itself, with its caveat
        if item not in bundled:
            st.session_state.setdefault("opened", {})[name] = item
        st.session_state["structure"] = name
        st.session_state["clustering"] = clustering
        st.switch_page("views/explore.py")
