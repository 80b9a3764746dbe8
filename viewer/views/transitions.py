"""The series as a movie in the browser, in the paper's order (SC-1 -> SC-2-0.8 -> SC-2-0.5 under UV
light, then SC-1 -> SC-3 in the mother liquor), or the user's own series in the order given."""

from __future__ import annotations

import shlex

import streamlit as st

from viewer import library
from viewer.export import animate, paper_order, transition_captions
from viewer.movie3d import player_data, player_html
from viewer.plain import show
from viewer.storyboard import frame_seconds
from viewer.transition import frames, track_series

PER_STEP = 12
MOVIE_WIDTH = 800


st.title("Transitions")
uploads = st.sidebar.file_uploader("Your own series: two or more CIF files, in order", type=["cif"],
                                   accept_multiple_files=True, key="series_uploads")
chosen = library.distinct_uploads(uploads)  # a file chosen twice counts once
if len(chosen) >= 2:
    entries = chosen
else:
    by_name = {e.name: e for e in library.bundled()}
    entries = [by_name[name] for name in paper_order() if name in by_name]
    if uploads:
        st.info("Upload two or more CIF files to play your own series; showing the bundled one.")
if len(entries) < 2:
    st.error("A transition needs two or more structures.")
    st.stop()

reports = []
for entry in entries:
    report = library.analysis(entry.filename, entry.data, 0.0)
    if isinstance(report, str):
        show(report, "error", before="Cannot read this file.")
        st.stop()
    if report.crystal is None:
        show(f"{entry.name} is a net file: a transition needs atoms (CIF files).", "error")
        st.stop()
    reports.append(report)

series = track_series(reports)
captions = transition_captions(reports)
movie = frames(series, per_step=PER_STEP, hold=1, cuts=captions.cuts)
titles = []  # structure 0, step 0 -> 1, structure 1, ...: a still frame on structure s shows titles[2 s]
for k, title in enumerate(captions.titles):
    titles += [title, *captions.step_titles[k:k + 1]]
caption_of = [2 * f.step if f.t == 0 else 2 * f.step + 1 for f in movie]
seconds = frame_seconds([titles[c] for c in caption_of], movie, fps=12)
st.iframe(player_html(player_data(series, reports, movie, titles, caption_of, seconds)), height=680)
texts = []  # the captions in full, with the paper's facts and their sources
for k, text in enumerate(captions.structures):
    texts += [text, *captions.steps[k:k + 1]]
if captions.caveat:
    show(f"⚠️ {captions.caveat} The movie follows the paper: SC-1 → SC-2-0.8 → SC-2-0.5 under UV light, then "
         "from SC-1 again to SC-3, which grows in the mother liquor (not from SC-2).", "warning")
for k, pairing in enumerate(series.pairings):
    if k in captions.cuts:
        continue
    note = (f"{reports[k].source} → {reports[k + 1].source}: atoms paired by {pairing.by}; "
            f"{pairing.unpaired} could not be paired ({len(pairing.only_first)} fade out, "
            f"{len(pairing.only_second)} fade in).")
    show(note, "warning" if pairing.by == "position" and pairing.unpaired else "caption")
with st.expander("Captions of every step", expanded=True):
    for text in texts:
        show(f"• {text}", "caption")

st.subheader("Download the movie")
fmt = st.radio("Format", ["gif", "mp4"], horizontal=True, key="movie_format")
shown = (tuple(e.name for e in entries), fmt)
if st.button("Make the movie", key="make_movie"):
    bar = st.progress(0.0, text="Drawing the frames…")
    data = animate(reports, fmt, width=MOVIE_WIDTH, per_step=PER_STEP,
                   progress=lambda done: bar.progress(done, text=f"Drawing the frames… {done:.0%}"))
    bar.empty()
    st.session_state["movie"] = (shown, data)
if st.session_state.get("movie", (None,))[0] == shown:
    made_fmt, data = fmt, st.session_state["movie"][1]
    st.download_button(f"Download {made_fmt.upper()}", data, file_name=f"transition.{made_fmt}",
                       mime="image/gif" if made_fmt == "gif" else "video/mp4", key="download_movie")
    files = " ".join(shlex.quote(e.command_path) for e in entries)
    show(f"The same file as: interlace animate {files} -o transition.{made_fmt} --width {MOVIE_WIDTH} "
         f"--frames-per-step {PER_STEP}", "caption")
