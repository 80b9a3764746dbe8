"""The SC-1 -> SC-2-0.8 -> SC-2-0.5 -> SC-3 transitions as a movie in the browser, or the user's own series."""

from __future__ import annotations

import html

import streamlit as st

from viewer import library
from viewer.export import animate
from viewer.movie3d import player_html
from viewer.transition import frames, track_series

PER_STEP = 12
HOLD = 4

st.title("Transitions")
series_doc = library.series()
uploads = st.sidebar.file_uploader("Your own series: two or more CIF files, in order", type=["cif"],
                                   accept_multiple_files=True, key="series_uploads")
if uploads and len(uploads) >= 2:
    entries = [library.Entry(u.name, u.name, u.getvalue(), False) for u in uploads]
else:
    entries = library.bundled()
    if uploads:
        st.info("Upload two or more CIF files to play your own series; showing the bundled one.")
if len(entries) < 2:
    st.error("A transition needs two or more structures.")
    st.stop()

reports = []
for entry in entries:
    report = library.analysis(entry.filename, entry.data, 0.0)
    if isinstance(report, str):
        st.error(f"Cannot read this file. {report}")
        st.stop()
    if report.crystal is None:
        st.error(f"{html.escape(entry.name)} is a net file: a transition needs atoms (CIF files).")
        st.stop()
    reports.append(report)

series = track_series(reports)
movie = frames(series, per_step=PER_STEP, hold=HOLD)
steps = {(s["from"], s["to"]): s for s in series_doc.get("steps", [])}
names = [e.name for e in entries]
captions, caption_of = [], []
for k, name in enumerate(names):
    facts = library.facts_of(name) if entries[k].bundled else None
    details = "; ".join(f"{f['label']}: {f['value']} ({f['source']})" for f in facts["facts"]
                        if f["label"] != "formula") if facts else ""
    captions.append(f"{name} — {reports[k].classification}. {details}")
    if k + 1 < len(names):
        step = steps.get((name, names[k + 1]))
        if step is None and entries[k].bundled and names[k + 1] == "SC-3":
            step = steps.get(("SC-1", "SC-3"))
        how = f"{step['condition']} ({step['source']})" if step else "next structure"
        captions.append(f"{name} → {names[k + 1]}: {how}")
for f in movie:
    caption_of.append(2 * f.step if f.t == 0 else 2 * f.step + 1)

st.iframe(player_html(series, movie, captions, caption_of), height=680)
if entries[0].bundled:
    st.caption(f"⚠️ {series_doc.get('model_caveat', '')} SC-3 forms from SC-1 in the mother liquor, not from SC-2; "
               "the movie shows the series in the paper's order.")
for k, (by, unpaired) in enumerate(zip(series.paired_by, series.unpaired)):
    st.caption(f"{names[k]} → {names[k + 1]}: atoms paired by {by}; {unpaired} atoms could not be paired "
               "(they fade out or in).")
with st.expander("Captions of every step"):
    for text in captions:
        st.markdown(f"- {html.escape(text)}")

st.subheader("Download the movie")
fmt = st.radio("Format", ["gif", "mp4"], horizontal=True, key="movie_format")
if st.button("Make the movie", key="make_movie"):
    with st.spinner("Drawing every frame…"):
        st.session_state["movie"] = (fmt, animate(reports, fmt, width=640, per_step=PER_STEP))
if "movie" in st.session_state:
    made_fmt, data = st.session_state["movie"]
    st.download_button(f"Download {made_fmt.upper()}", data, file_name=f"transition.{made_fmt}",
                       mime="image/gif" if made_fmt == "gif" else "video/mp4", key="download_movie")
