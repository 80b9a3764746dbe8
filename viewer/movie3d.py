"""The transition played in the browser: 3Dmol.js frames driven by a small script (play, pause,
speed, scrub), not a Streamlit rerun per frame. Data reaches the page as escaped JSON and
captions are set as text, never as HTML."""

from __future__ import annotations

import py3Dmol

from viewer.transition import Frame, Series
from viewer.view3d import LOCAL_3DMOL, safe_json

RADIUS = {"H": 0.3, "C": 0.55, "N": 0.55, "O": 0.55, "F": 0.5, "S": 0.8, "Cl": 0.8, "Ag": 0.9}

PLAYER = """
var data = DATA;
var v = viewer_UNIQUEID;
var frame = 0, playing = true, timer = null;
var slider = document.getElementById('scrub_UNIQUEID');
var caption = document.getElementById('caption_UNIQUEID');
var button = document.getElementById('play_UNIQUEID');
var speed = document.getElementById('speed_UNIQUEID');
slider.max = data.frames.length - 1;
function show(k) {
  var f = data.frames[k];
  v.removeAllModels();
  var m = v.addModel();
  var atoms = [];
  for (var i = 0; i < data.elements.length; i++) {
    atoms.push({elem: data.elements[i], x: f.xyz[3*i], y: f.xyz[3*i+1], z: f.xyz[3*i+2], serial: i,
                properties: {label: data.labels[i]}});
  }
  m.addAtoms(atoms);
  var groups = {};
  for (var i = 0; i < atoms.length; i++) {
    var key = f.color[i] + '|' + f.opacity[i] + '|' + data.radius[i];
    (groups[key] = groups[key] || []).push(i);
  }
  for (var key in groups) {
    var p = key.split('|');
    m.setStyle({serial: groups[key]}, {sphere: {color: data.palette[+p[0]], opacity: +p[1], radius: +p[2],
                                                hidden: +p[1] < 0.02}});
  }
  v.render();
  slider.value = k;
  caption.textContent = data.captions[f.caption];
}
function tick() {
  if (playing) { frame = (frame + 1) % data.frames.length; show(frame); }
  timer = setTimeout(tick, 1000 / (data.fps * parseFloat(speed.value)));
}
button.onclick = function() { playing = !playing; button.textContent = playing ? 'Pause' : 'Play'; };
slider.oninput = function() { playing = false; button.textContent = 'Play'; frame = +slider.value; show(frame); };
show(0);
v.zoomTo();
v.render();
tick();
"""

CONTROLS = """
<div style="font-family: sans-serif; margin-top: 6px; display: flex; gap: 12px; align-items: center">
  <button id="play_UNIQUEID" style="padding: 4px 14px">Pause</button>
  <label>speed <select id="speed_UNIQUEID"><option>0.25</option><option>0.5</option>
    <option selected>1</option><option>2</option><option>4</option></select></label>
  <input id="scrub_UNIQUEID" type="range" min="0" value="0" style="flex: 1" aria-label="frame">
</div>
<div id="caption_UNIQUEID" data-testid="transition-caption" style="font-family: sans-serif; font-size: 15px;
  margin-top: 6px; min-height: 2.6em; color: #263238"></div>
"""


def player_html(series: Series, movie: list[Frame], captions: list[str], caption_of: list[int],
                height: int = 560, fps: int = 12) -> str:
    """HTML playing ``movie`` (frames of ``series``) with its controls."""
    palette: list[str] = []
    index: dict[str, int] = {}
    keep = [k for k, t in enumerate(series.tracks) if t.element != "H"]

    def color_id(c: str) -> int:
        if c not in index:
            index[c] = len(palette)
            palette.append(c)
        return index[c]

    frames = [{"xyz": [round(float(x), 2) for k in keep for x in f.xyz[k]],
               "opacity": [round(float(min(max(f.opacity[k], 0), 1)), 1) for k in keep],
               "color": [color_id(f.colors[k]) for k in keep], "caption": caption_of[i]}
              for i, f in enumerate(movie)]
    data = {"elements": [series.tracks[k].element for k in keep], "labels": [series.tracks[k].label for k in keep],
            "radius": [RADIUS.get(series.tracks[k].element, 0.8) for k in keep], "palette": palette,
            "frames": frames, "captions": captions, "fps": fps}
    view = py3Dmol.view(width="100%", height=height, js=LOCAL_3DMOL)
    view.setBackgroundColor("white")
    view.startjs += PLAYER.replace("DATA", safe_json(data))
    html = view._make_html()
    return html + CONTROLS.replace("UNIQUEID", view.uniqueid)
