"""Which way a structure is seen: down a cell axis, along a lattice direction [u v w], or as the
reader turned the app's 3D view (its rotation, saved as a quaternion).

Every orientation becomes the same three rows (screen right, screen up, towards the viewer) of a
rotation, so the live view (3Dmol.js) and the exported figures show a structure the same way, and a
figure can be drawn as the view was turned (``interlace render --view q:x,y,z,w``).
"""

from __future__ import annotations

import numpy as np

AXES = ("a", "b", "c")
View = str | tuple[int, int, int] | tuple[float, float, float, float]
"""A cell axis ("a", "b", "c"), a lattice direction (three integers) or a quaternion (x, y, z, w)."""
IDENTITY = (0.0, 0.0, 0.0, 1.0)


def parse_direction(text: str) -> tuple[int, int, int] | None:
    """A lattice direction typed as "1 1 0", "[1 1 0]", "110" or "1,-1,0"; None if it is not one.

    >>> parse_direction("[1 -1 0]"), parse_direction("110"), parse_direction("0 0 0")
    ((1, -1, 0), (1, 1, 0), None)
    """
    cleaned = text.strip().strip("[]").replace(",", " ")
    parts = cleaned.split() if " " in cleaned else list(cleaned)
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        return None
    if len(values) != 3 or not any(values) or max(abs(v) for v in values) > 20:
        return None
    return values  # type: ignore[return-value]


def parse_view(text: str) -> View:
    """A view as the CLI takes it: "a", "b" or "c"; a direction "1 1 0" or "[1 -1 0]"; or the turn
    saved from the app, "q:x,y,z,w". Raises ValueError with a sentence for the user.

    >>> parse_view("b"), parse_view("[1 1 0]"), parse_view("q:0,0,0,2")
    ('b', (1, 1, 0), (0.0, 0.0, 0.0, 1.0))
    """
    text = text.strip()
    if text in AXES:
        return text
    if text.lower().startswith("q:"):
        try:
            q = np.array([float(x) for x in text[2:].split(",")])
        except ValueError:
            q = np.zeros(0)
        if len(q) != 4 or not np.all(np.isfinite(q)) or np.abs(q).max() < 1e-9:
            raise ValueError(f"{text!r} is not an orientation: give q: and four numbers x,y,z,w")
        q = q / np.abs(q).max()  # scaled first: the norm of 1e308s overflows
        return tuple(float(x) for x in q / np.linalg.norm(q))  # type: ignore[return-value]
    direction = parse_direction(text)
    if direction is None:
        raise ValueError(f"{text!r} is not a view: give a, b, c, a direction such as '1 1 0', or q:x,y,z,w")
    return direction


def axis_rows(cell: np.ndarray, axis: str) -> np.ndarray:
    """Looking down cell axis ``axis`` (``cell`` has a, b, c as columns), the axis before it pointing
    up, as in the usual a-b, b-c and c-a projections (c: b up)."""
    k = AXES.index(axis)
    toward = cell[:, k] / np.linalg.norm(cell[:, k])
    up_axis = cell[:, (k + 2) % 3]
    up = up_axis - np.dot(up_axis, toward) * toward
    up /= np.linalg.norm(up)
    return np.array([np.cross(up, toward), up, toward])


def direction_rows(cell: np.ndarray, direction: tuple[int, int, int], tilt: float = 0.0) -> np.ndarray:
    """Looking along the lattice direction [u v w], the shortest cell axis across it pointing right;
    ``tilt`` degrees more about the screen's horizontal (and half that about its vertical) axis, so
    that edges along the direction show as short rods instead of points."""
    toward = cell @ np.asarray(direction, float)
    toward /= np.linalg.norm(toward)
    across = [cell[:, k] - np.dot(cell[:, k], toward) * toward for k in range(3)]
    right = min((a for a in across if np.linalg.norm(a) > 1e-6), key=np.linalg.norm)
    right /= np.linalg.norm(right)
    rows = np.array([right, np.cross(toward, right), toward])
    if tilt:
        t = np.radians(tilt)
        about_x = np.array([[1, 0, 0], [0, np.cos(t), -np.sin(t)], [0, np.sin(t), np.cos(t)]])
        about_y = np.array([[np.cos(t / 2), 0, np.sin(t / 2)], [0, 1, 0], [-np.sin(t / 2), 0, np.cos(t / 2)]])
        rows = about_y @ about_x @ rows
    return rows


def quaternion_rows(q: tuple[float, ...]) -> np.ndarray:
    """The rotation matrix of a unit quaternion (x, y, z, w): 3Dmol.js turns the model by it, so its
    rows are the screen's right, up and towards-the-viewer directions in the model's frame."""
    x, y, z, w = np.asarray(q, float) / np.linalg.norm(q)
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def rows_quaternion(m: np.ndarray) -> list[float]:
    """The quaternion (x, y, z, w) of a rotation matrix (the inverse of :func:`quaternion_rows`)."""
    w = np.sqrt(max(0.0, 1 + m[0, 0] + m[1, 1] + m[2, 2])) / 2
    x = np.sqrt(max(0.0, 1 + m[0, 0] - m[1, 1] - m[2, 2])) / 2
    y = np.sqrt(max(0.0, 1 - m[0, 0] + m[1, 1] - m[2, 2])) / 2
    z = np.sqrt(max(0.0, 1 - m[0, 0] - m[1, 1] + m[2, 2])) / 2
    x = np.copysign(x, m[2, 1] - m[1, 2])
    y = np.copysign(y, m[0, 2] - m[2, 0])
    z = np.copysign(z, m[1, 0] - m[0, 1])
    return [round(float(c), 6) for c in (x, y, z, w)]


def view_rows(cell: np.ndarray, view: View) -> np.ndarray:
    """Rows (screen right, screen up, towards the viewer) of any view of a cell (a, b, c as columns)."""
    if isinstance(view, str):
        return axis_rows(cell, view)
    if len(view) == 4:
        return quaternion_rows(view)
    return direction_rows(cell, view)  # type: ignore[arg-type]


def view_text(view: View) -> str:
    """How the CLI's ``--view`` writes ``view``: "c", "1 1 0" or "q:x,y,z,w"."""
    if isinstance(view, str):
        return view
    if len(view) == 4:
        return "q:" + ",".join(f"{x:.6g}" for x in view)
    return " ".join(map(str, view))
