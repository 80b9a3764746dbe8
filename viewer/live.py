"""The app's live 3D view: a Streamlit component holding one 3Dmol.js viewer for the whole session.

Switching structure or style sends the viewer new 3Dmol calls instead of loading a new page with
3Dmol.js again, which is what makes switching fast. The calls are composed by py3Dmol
(:func:`viewer.view3d.render_script`); file text inside them is escaped JSON.

The orientation travels apart from the scene: the viewer turns to ``quaternion`` only when
``orientation`` (a token) changes, so that switching structure keeps the reader's own turn, while
Reset view, the Teach view and "look along [u v w]" set it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit.components.v1 as components

from viewer.orientation import IDENTITY

_component = components.declare_component("interlace_view", path=str(Path(__file__).with_name("component")))



def live_view(script: str, height: int, key: str, orientation: str = "", quaternion: list[float] | None = None,
              fill: float = 0.0, keys: bool = False, on_change=None, waiting: bool = False) -> dict | None:
    """Show the scene drawn by ``script``; ``key`` changes when the scene does. ``fill`` (0 to 1) sizes
    the view to that share of the browser window's height instead of ``height`` pixels; with ``keys``
    the arrow keys (and Page Up / Page Down) give ``{"step": +1 or -1, "n": count}`` to ``on_change``
    through the widget's value (``st.session_state["live_view"]``). With ``waiting`` the page waits for
    the first picture: the view gives ``{"ready": true}`` once it is on screen (or could not be drawn)."""
    return _component(script=script, height=height, view=key, fill=fill, keys=keys, waiting=waiting,
                      orient={"token": orientation, "q": list(quaternion or IDENTITY)},
                      key="live_view", default=None, on_change=on_change)
