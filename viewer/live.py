"""The app's live 3D view: a Streamlit component holding one 3Dmol.js viewer for the whole session.

Switching structure or style sends the viewer new 3Dmol calls instead of loading a new page with
3Dmol.js again, which is what makes switching fast. The calls are composed by py3Dmol
(:func:`viewer.view3d.render_script`); file text inside them is escaped JSON.
"""

from __future__ import annotations

from pathlib import Path

import streamlit.components.v1 as components

_component = components.declare_component("interlace_view", path=str(Path(__file__).with_name("component")))


def live_view(script: str, height: int, key: str) -> None:
    """Show the scene drawn by ``script``; ``key`` changes when the scene (or the camera reset) does."""
    _component(script=script, height=height, view=key, key="live_view", default=None)
