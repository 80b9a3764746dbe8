"""The transition played in the browser: 3Dmol.js redraws precomputed frames from a small script
(play, pause, speed, scrub), not a Streamlit rerun per frame. The frames are those of
:func:`viewer.transition.frames` and show the nets as the Teach view draws them, as the GIF/MP4
export does (:mod:`viewer.storyboard`). Data reaches the page as escaped JSON and captions are set
as text, never as HTML."""

from __future__ import annotations

import hashlib

import numpy as np
import py3Dmol

from topology.report import Report
from viewer.storyboard import block_net, fades, middles, movie_view
from viewer.transition import Frame, Series
from viewer.view3d import DASH, LOCAL_3DMOL, NET_EDGE_RADIUS, safe_json

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
slider.max = data.frames.length - 1;
function place(cell, mid, net, i, t) {  // node (vertex i, cell t) where its atoms are in this frame
  var f = [t[0] + net.offset[3*i], t[1] + net.offset[3*i+1], t[2] + net.offset[3*i+2]];
  return {x: mid[3*i] + cell[0]*f[0] + cell[1]*f[1] + cell[2]*f[2],
          y: mid[3*i+1] + cell[3]*f[0] + cell[4]*f[1] + cell[5]*f[2],
          z: mid[3*i+2] + cell[6]*f[0] + cell[7]*f[1] + cell[8]*f[2]};
}
function show(k) {
  var f = data.frames[k];
  var shapes = {};
  function shape(o) { return shapes[o] = shapes[o] || {spheres: [], cylinders: []}; }
  f.show.forEach(function (item) {
    var net = data.nets[item[0]], fade = item[1], mid = item[2];
    net.nodes.forEach(function (n) {
      shape(Math.round(100 * n[5] * fade) / 100).spheres.push(
        {center: place(f.cell, mid, net, n[0], n.slice(1, 4)), radius: data.radius, color: data.palette[n[4]]});
    });
    net.edges.forEach(function (e) {
      var p = {start: place(f.cell, mid, net, e[0], e.slice(1, 4)), end: place(f.cell, mid, net, e[4], e.slice(5, 8)),
               radius: data.rod, color: data.palette[e[8]], fromCap: 1, toCap: 1};
      var occ = e[10];
      if (occ < 0.999) {
        occ = Math.min(Math.max(occ, 0.1), 0.95);
        p.dashed = true; p.radius = 1.5 * data.rod; p.dashLength = data.dash * occ; p.gapLength = data.dash * (1 - occ);
      }
      shape(Math.round(100 * e[9] * fade) / 100).cylinders.push(p);
    });
  });
  v.removeAllShapes();
  Object.keys(shapes).sort(function (a, b) { return b - a; }).forEach(function (o) {  // opaque first
    if (+o < 0.02) return;
    var s = v.addShape({opacity: +o});
    delete s.color;  // the shape's own colour would paint over its parts
    shapes[o].spheres.forEach(function (p) { s.addSphere(p); });
    shapes[o].cylinders.forEach(function (p) { if (p.dashed) s.addDashedCylinder(p); else s.addCylinder(p); });
    s.finalize();
  });
  v.render();
  slider.value = k;
  caption.textContent = data.captions[f.caption];
}
function wait(k) {  // each picture stays as long as its caption takes to read
  return 1000 * data.frames[k].seconds / parseFloat(speed.value);
}
function tick() {
  if (playing) { frame = (frame + 1) % data.frames.length; show(frame); }
  setTimeout(tick, wait(frame));
}
button.onclick = function() { playing = !playing; button.textContent = playing ? 'Pause' : 'Play'; };
slider.oninput = function() { playing = false; button.textContent = 'Play'; frame = +slider.value; show(frame); };
show(0);
var view = v.getView();  // the Teach view's direction of the first structure
view[4] = data.view[0]; view[5] = data.view[1]; view[6] = data.view[2]; view[7] = data.view[3];
v.setView(view);
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


def player_data(series: Series, reports: list[Report], movie: list[Frame], captions: list[str],
                caption_of: list[int], seconds: list[float]) -> dict:
    """What the player script needs, compact: per structure its Teach nets (:func:`block_net`),
    each node a vertex and a cell; per frame the cell, the middle of each shown vertex's atoms, the
    nets shown and how faded, the caption and how long the frame stays (``seconds``)."""
    palette: list[str] = []
    index: dict[str, int] = {}

    def color_id(c: str) -> int:
        if c not in index:
            index[c] = len(palette)
            palette.append(c)
        return index[c]

    blocks = [block_net(series, r, s) for s, r in enumerate(reports)]
    order = [sorted(b.offset) for b in blocks]  # the vertices of each structure, as the script counts them
    nets = []
    for block, vertices in zip(blocks, order):
        at = {v: i for i, v in enumerate(vertices)}
        nets.append({
            "offset": np.round([block.offset[v] for v in vertices], 4).ravel().tolist(),
            "nodes": [[at[n["vertex"]], *n["image"], color_id(n["color"]), round(n["opacity"], 2)] for n in block.nodes],
            "edges": [[at[e["ends"][0]], *e["ends"][1], at[e["ends"][2]], *e["ends"][3], color_id(e["color"]),
                       round(e["opacity"], 2), round(float(e.get("occupancy", 1.0)), 2)] for e in block.edges]})
    frames = []
    for f, c, secs in zip(movie, caption_of, seconds):
        shown = [[s, round(fade, 2), np.round([middles(blocks[s], f)[v] for v in order[s]], 2).ravel().tolist()]
                 for s, fade in fades(f) if fade >= 0.02]
        frames.append({"cell": np.round(f.cell, 3).ravel().tolist(), "show": shown, "caption": c,
                       "seconds": round(secs, 2)})
    node_radius = next((n["radius"] for b in blocks for n in b.nodes), 1.0)
    return {"palette": palette, "nets": nets, "frames": frames, "captions": captions, "radius": node_radius,
            "rod": NET_EDGE_RADIUS, "dash": DASH, "view": list(movie_view(series, reports))}


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
