"""The browser 3D view: a :class:`~viewer.scene.Scene` drawn by py3Dmol with 3Dmol.js served by the app.

Atoms and bonds go in as a 3Dmol model built from our engine's coordinates and bonds (never from
3Dmol's own CIF reader). Text from the user's file (atom labels) reaches the page only inside JSON
with ``<``, ``>`` and ``&`` escaped, and is drawn by 3Dmol on the canvas, never as HTML.
"""

from __future__ import annotations

import json
from collections import defaultdict

import py3Dmol

from viewer.scene import Scene

LOCAL_3DMOL = "/app/static/3Dmol-min.js"
"""Where the app serves its vendored 3Dmol.js (Streamlit static serving of viewer/static/)."""

HOVER = """function(atom, viewer) {
  if (!atom.hoverLabel) {
    var p = atom.properties;
    atom.hoverLabel = viewer.addLabel(p.label + '  ' + atom.elem + '  occupancy ' + p.occ + '  group ' + p.group,
      {position: atom, backgroundColor: '#263238', fontColor: 'white', fontSize: 13, backgroundOpacity: 0.85});
  }
}"""
UNHOVER = """function(atom, viewer) {
  if (atom.hoverLabel) { viewer.removeLabel(atom.hoverLabel); delete atom.hoverLabel; }
}"""


def safe_json(value: object) -> str:
    """JSON that cannot close a <script> element or open markup, whatever strings it holds."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_script(scene: Scene, background: str = "white") -> str:
    """The 3Dmol calls that draw ``scene`` on a viewer named ``viewer`` (run by the app's live view,
    :mod:`viewer.live`): py3Dmol composes them, as it would for its own page."""
    view = draw(py3Dmol.view(js=LOCAL_3DMOL), scene, background)
    add_js(view, f"\tviewer_UNIQUEID.interlaceFit = {safe_json(fit_points(scene))};\n")
    return view.updatejs.replace("viewer_UNIQUEID", "viewer")


def add_js(view: py3Dmol.view, code: str) -> None:
    """Add 3Dmol calls as py3Dmol's own methods do: to the page it writes and to its next update."""
    view.startjs += code
    view.updatejs += code


def draw(view: py3Dmol.view, scene: Scene, background: str = "white") -> py3Dmol.view:
    """``scene`` drawn on a py3Dmol view: the app's live view and a notebook's view share this."""
    view.setBackgroundColor(background)
    if scene.atoms:
        view.addModel()
        atoms = []
        neighbours: dict[int, list[int]] = defaultdict(list)
        for a, b in scene.bonds:
            neighbours[a].append(b)
            neighbours[b].append(a)
        for k, atom in enumerate(scene.atoms):
            x, y, z = (round(float(c), 3) for c in atom["xyz"])
            atoms.append({"elem": atom["elem"], "x": x, "y": y, "z": z, "serial": k,
                          "bonds": neighbours[k], "bondOrder": [1] * len(neighbours[k]),
                          "properties": {"label": atom["label"], "occ": round(atom["occ"], 3),
                                         "group": atom["group"]}})
        add_js(view, f"\tviewer_UNIQUEID.getModel().addAtoms({safe_json(atoms)});\n")
        groups: dict[tuple, list[int]] = defaultdict(list)
        for k, atom in enumerate(scene.atoms):
            groups[(atom["color"], round(atom["opacity"], 2), round(atom["radius"], 2))].append(k)
        sticks = bool(scene.bonds)
        for (color, opacity, radius), serials in groups.items():
            spec: dict = {"sphere": {"color": color, "radius": radius, "opacity": opacity}}
            if sticks:
                spec["stick"] = {"color": color, "radius": 0.14 if radius < 1 else 0.2, "opacity": opacity}
            view.setStyle({"serial": serials}, spec)
        view.setHoverable({}, True, HOVER, UNHOVER)
    _add_net(view, scene)
    for label in scene.labels:  # the occupancy of partly occupied units, dark on white, always in front
        x, y, z = (round(float(c), 3) for c in label["xyz"])
        view.addLabel(label["text"], {"position": {"x": x, "y": y, "z": z}, "fontSize": 15, "fontColor": "#1A1A1A",
                                      "backgroundColor": "#FFFFFF", "backgroundOpacity": 0.85, "borderColor": "#1A1A1A",
                                      "borderThickness": 1.5, "inFront": True, "alignment": "center"})
    for s, e in scene.cell_edges:
        view.addLine({"start": dict(zip("xyz", map(float, s))), "end": dict(zip("xyz", map(float, e))),
                      "color": "#455A64"})
    view.zoomTo()
    return view


FIT_POINTS = 600


def fit_points(scene: Scene) -> list[list[float]]:
    """Up to :data:`FIT_POINTS` points spread over everything drawn: the live view zooms so that
    their picture fills the frame (3Dmol's own fit leaves room for a sphere around it all)."""
    points = [a["xyz"] for a in scene.atoms] + [n["xyz"] for n in scene.net_nodes]
    points += [p for e in scene.net_edges for p in (e["start"], e["end"])] + [p for e in scene.cell_edges for p in e]
    step = max(1, len(points) // FIT_POINTS)
    return [[round(float(c), 2) for c in p] for p in points[::step]]


NET_EDGE_RADIUS = 0.35
DASH = 1.2
"""Length (Angstrom) of one dash and its gap together on a partly occupied net edge: the dash takes
the linker's occupancy of it, so 0.8 and 0.5 look different."""


def _add_net(view: py3Dmol.view, scene: Scene) -> None:
    """The net's nodes and edges as one merged 3Dmol shape per opacity (a few meshes, not one per
    sphere and cylinder: a 3x3x3 supercell stays smooth to turn)."""
    shapes: dict[float, dict[str, list]] = defaultdict(lambda: {"spheres": [], "cylinders": []})
    for node in scene.net_nodes:
        x, y, z = (round(float(c), 3) for c in node["xyz"])
        shapes[round(node.get("opacity", 0.9), 2)]["spheres"].append(
            {"center": {"x": x, "y": y, "z": z}, "radius": node["radius"], "color": node["color"]})
    for edge in scene.net_edges:
        spec = {"start": dict(zip("xyz", (round(float(c), 3) for c in edge["start"]))),
                "end": dict(zip("xyz", (round(float(c), 3) for c in edge["end"]))),
                "radius": NET_EDGE_RADIUS, "color": edge["color"], "fromCap": 1, "toCap": 1}
        if edge["partial"]:
            occ = min(max(float(edge.get("occupancy", 0.5)), 0.1), 0.95)
            spec.update(radius=NET_EDGE_RADIUS * 1.5, dashed=True, dashLength=round(DASH * occ, 3),
                        gapLength=round(DASH * (1 - occ), 3))
        shapes[round(edge.get("opacity", 1.0), 2)]["cylinders"].append(spec)
    # opaque first, translucent over them; a shape's own colour would paint over its parts, so it goes
    for opacity, parts in sorted(shapes.items(), reverse=True):
        add_js(view, f"\t(function (s) {{ delete s.color; {safe_json(parts['spheres'])}.forEach(function (p) {{ s.addSphere(p); }}); "
                     f"{safe_json(parts['cylinders'])}.forEach(function (p) {{ if (p.dashed) s.addDashedCylinder(p); else s.addCylinder(p); }}); "
                     f"s.finalize(); }})"
                     f"(viewer_UNIQUEID.addShape({{opacity: {opacity}}}));\n")
