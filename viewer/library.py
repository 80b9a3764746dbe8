"""The structures the app offers: the bundled SC series and the user's uploads, analysed once each.

Analysis is cached by file contents and minimum occupancy (``st.cache_resource``: reports hold gemmi
objects, which are shared, not copied).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import streamlit as st

from topology import InputError
from topology.report import Report
from viewer import worker
from viewer.bundled import STRUCTURES, command_path
from viewer.graph2d import graph_image
from viewer.scene import Options, build_scene
from viewer.view3d import render_script

LOG = logging.getLogger("interlace")


@dataclass(frozen=True)
class Entry:
    """A structure the user can pick: its display name, file name and bytes, and whether it is ours."""

    name: str
    filename: str
    data: bytes
    bundled: bool

    @property
    def command_path(self) -> str:
        """The file as a command typed at the repository's root names it: a bundled model by its path
        there, the user's own file by its name (it is wherever they keep it)."""
        return command_path(self.filename) if self.bundled else self.filename


@st.cache_data(show_spinner=False)
def series() -> dict:
    """series.json of the bundled models ({} when missing)."""
    path = STRUCTURES / "series.json"
    return json.loads(path.read_text()) if path.exists() else {}


def bundled() -> list[Entry]:
    entries = []
    for item in series().get("structures", []):
        path = STRUCTURES / item["file"]
        if path.exists():
            entries.append(Entry(item["name"], item["file"], path.read_bytes(), True))
    return entries


def distinct_uploads(uploads) -> list[Entry]:
    """Uploaded files as entries, each file once: choosing the same file again in an uploader that
    takes several adds it a second time, which would list (and play) it twice."""
    entries: list[Entry] = []
    seen: set[tuple[str, bytes]] = set()
    for upload in uploads or []:
        data = upload.getvalue()
        if (upload.name, data) not in seen:
            seen.add((upload.name, data))
            entries.append(Entry(upload.name, upload.name, data, False))
    return entries


def facts_of(name: str) -> dict | None:
    return next((s for s in series().get("structures", []) if s["name"] == name), None)


@st.cache_resource(show_spinner="Finding bonds, building units and nets…", max_entries=64)
def analysis(filename: str, data: bytes, min_occupancy: float, clustering: str = "SingleNodes") -> Report | str:
    """The report of a file under ``clustering`` (one of :data:`topology.options.CLUSTERINGS`), or the one-line message of what is wrong with it (a limit hit included:
    the analysis runs in a worker process, :mod:`viewer.worker`). A failure that is not the file's
    fault is logged on the server and shown as one line, never as a traceback with server paths on
    the page."""
    try:
        return worker.analyse(filename, data, min_occupancy, clustering=clustering)
    except InputError as err:
        return str(err)
    except Exception as err:  # the page must show a message whatever went wrong
        LOG.exception("analysis of %r failed", filename)
        return f"{filename}: could not be analysed ({type(err).__name__}); the server log has the details"


@st.cache_data(show_spinner=False, max_entries=64)
def view_script(filename: str, data: bytes, min_occupancy: float, options: Options,
                clustering: str = "SingleNodes") -> str:
    """The 3Dmol calls of the 3D view for a structure under ``options`` (built once per choice)."""
    report = analysis(filename, data, min_occupancy, clustering)
    assert not isinstance(report, str)
    return render_script(build_scene(report, options))


@st.cache_data(show_spinner=False, max_entries=64)
def graph_png(filename: str, data: bytes, min_occupancy: float, clustering: str = "SingleNodes") -> bytes:
    """The connectivity graph drawn once per structure, threshold and clustering."""
    report = analysis(filename, data, min_occupancy, clustering)
    assert not isinstance(report, str)
    return graph_image(report, "png")
