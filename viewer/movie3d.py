"""The transition played in the browser: 3Dmol.js redraws precomputed frames from a small script
(play, pause, speed, scrub), not a Streamlit rerun per frame. The frames are those of
:func:`viewer.transition.frames`, the same the GIF/MP4 export draws. Data reaches the page as
escaped JSON and captions are set as text, never as HTML."""

from __future__ import annotations

import hashlib

import numpy as np
import py3Dmol

from viewer.export import BALL
from viewer.scene import VDW
from viewer.transition import Frame, Series
from viewer.view3d import LOCAL_3DMOL, safe_json

PLAYER = """
(function boot() {
// the controls follow the viewer in the page: on a rerun this may run before they exist
if (!document.getElementById('caption_UNIQUEID')) { setTimeout(boot, 16); return; }
var data = DATA;
var v = viewer_UNIQUEID;
var frame = 0, playing = true;
var slider = document.getElementById('scrub_UNIQUEID');
var caption = document.getElementById('caption_UNIQUEID');
var button = document.getElementById('play_UNIQUEID');
var speed = document.getElementById('speed_UNIQUEID');
var corners = [[0,0,0],[1,0,0],[0,1,0],[0,0,1],[1,1,0],[1,0,1],[0,1,1],[1,1,1]];
var edges = [[0,1],[0,2],[0,3],[1,4],[1,5],[2,4],[2,6],[3,5],[3,6],[4,7],[5,7],[6,7]];
slider.max = data.frames.length - 1;
function corner(cell, c) {
  return {x: cell[0]*c[0] + cell[1]*c[1] + cell[2]*c[2], y: cell[3]*c[0] + cell[4]*c[1] + cell[5]*c[2],
          z: cell[6]*c[0] + cell[7]*c[1] + cell[8]*c[2]};
}
function show(k) {
  var f = data.frames[k];
  var n = data.elements.length;
  var bonded = [];
  for (var i = 0; i < n; i++) bonded.push([]);
  var pairs = data.bonds[f.bonds];
  for (var b = 0; b < pairs.length; b += 2) {
    var p = pairs[b], q = pairs[b + 1];
    if (f.opacity[p] > 0.05 && f.opacity[q] > 0.05) { bonded[p].push(q); bonded[q].push(p); }
  }
  var atoms = [];
  for (var i = 0; i < n; i++) {
    atoms.push({elem: data.elements[i], x: f.xyz[3*i], y: f.xyz[3*i+1], z: f.xyz[3*i+2], serial: i,
                bonds: bonded[i], bondOrder: bonded[i].map(function() { return 1; }),
                properties: {label: data.labels[i]}});
  }
  v.removeAllModels();
  v.removeAllShapes();
  var m = v.addModel();
  m.addAtoms(atoms);
  var groups = {};
  for (var i = 0; i < n; i++) {
    if (f.opacity[i] <= 0.05) continue;
    var key = f.color[i] + '|' + f.opacity[i] + '|' + data.radius[i];
    (groups[key] = groups[key] || []).push(i);
  }
  for (var key in groups) {
    var p = key.split('|');
    var color = data.palette[+p[0]];
    m.setStyle({serial: groups[key]}, {sphere: {color: color, opacity: +p[1], radius: +p[2]},
                                       stick: {color: color, opacity: +p[1], radius: 0.14}});
  }
  for (var e = 0; e < edges.length; e++) {
    v.addLine({start: corner(f.cell, corners[edges[e][0]]), end: corner(f.cell, corners[edges[e][1]]),
               color: '#455A64'});
  }
  v.render();
  slider.value = k;
  caption.textContent = data.captions[f.caption];
}
function wait(k) {  // a still rests on its structure long enough to read the caption
  var hold = data.frames[k].hold;
  return (hold ? 1000 * hold : 1000 / data.fps) / parseFloat(speed.value);
}
function tick() {
  if (playing) { frame = (frame + 1) % data.frames.length; show(frame); }
  setTimeout(tick, wait(frame));
}
button.onclick = function() { playing = !playing; button.textContent = playing ? 'Pause' : 'Play'; };
slider.oninput = function() { playing = false; button.textContent = 'Play'; frame = +slider.value; show(frame); };
show(0);
v.zoomTo();
v.zoom(1.0);  // 3Dmol's fit leaves a margin: nothing of the series is cut at the frame's edge
v.render();
setTimeout(tick, wait(0));
})();
"""

CONTROLS = """
<div style="font-family: sans-serif; margin-top: 6px; display: flex; gap: 12px; align-items: center">
  <button id="play_UNIQUEID" data-testid="play" style="padding: 4px 14px">Pause</button>
  <label>speed <select id="speed_UNIQUEID" data-testid="speed"><option>0.25</option><option>0.5</option>
    <option selected>1</option><option>2</option><option>4</option></select></label>
  <input id="scrub_UNIQUEID" data-testid="scrub" type="range" min="0" value="0" style="flex: 1" aria-label="frame">
</div>
<div id="caption_UNIQUEID" data-testid="transition-caption" style="font-family: sans-serif; font-size: 15px;
  margin-top: 6px; min-height: 2.6em; color: #263238"></div>
"""


NARROW = """<style>@media (max-width: 600px) { [id='3dmolviewer_UNIQUEID'] { height: HEIGHTpx !important; } }</style>"""
"""On a phone the view is lower, so the caption under it fits the frame (it wraps to more lines there)."""


def player_data(series: Series, movie: list[Frame], captions: list[str], caption_of: list[int],
                fps: int = 12, hold: float = 2.0) -> dict:
    """What the player script needs, compact: per frame the positions (0.01 A), opacities, colour
    ids, the bond set in force (the structure left before mid-step, the next one after) and the cell;
    a still (one frame on a structure) is shown ``hold`` seconds."""
    keep = [k for k, t in enumerate(series.tracks) if t.element != "H"]
    position = {k: i for i, k in enumerate(keep)}
    palette: list[str] = []
    index: dict[str, int] = {}

    def color_id(c: str) -> int:
        if c not in index:
            index[c] = len(palette)
            palette.append(c)
        return index[c]

    bonds = [[position[int(x)] for pair in pairs for x in pair if int(pair[0]) in position and int(pair[1]) in position]
             for pairs in series.bonds]
    frames = [{"xyz": np.round(f.xyz[keep], 2).ravel().tolist(),
               "opacity": np.round(np.clip(f.opacity[keep], 0, 1), 1).tolist(),
               "color": [color_id(f.colors[k]) for k in keep], "caption": caption_of[i],
               "bonds": f.step if f.t < 0.5 else f.step + 1, "cell": np.round(f.cell, 3).ravel().tolist(),
               **({"hold": hold} if f.t == 0 else {})}
              for i, f in enumerate(movie)]
    return {"elements": [series.tracks[k].element for k in keep], "labels": [series.tracks[k].label for k in keep],
            "radius": [round(BALL * VDW.get(series.tracks[k].element, 1.8), 2) for k in keep], "palette": palette,
            "bonds": bonds, "frames": frames, "captions": captions, "fps": fps}


def player_html(data: dict, height: int = 560) -> str:
    """HTML playing the frames of ``data`` (see :func:`player_data`) with its controls."""
    view = py3Dmol.view(width="100%", height=height, js=LOCAL_3DMOL)
    view.setBackgroundColor("white")
    script = PLAYER.replace("DATA", safe_json(data))
    view.startjs += script
    # The id comes from the content, not the clock (as py3Dmol's does): the same movie gives the same
    # HTML, so a rerun of the page keeps the player as it is, playing where it was, instead of loading it again.
    uid = hashlib.sha1(f"{height}{script}".encode()).hexdigest()[:16]
    html = (view.startjs + view.endjs).replace("UNIQUEID", uid)
    narrow = NARROW.replace("UNIQUEID", uid).replace("HEIGHT", str(round(0.62 * height)))
    return narrow + html + CONTROLS.replace("UNIQUEID", uid)
