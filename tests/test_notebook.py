"""The example notebook runs top to bottom on a real Jupyter kernel and shows what it says."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def _outputs(cell) -> str:
    parts = []
    for out in cell.outputs:
        parts.append(out.get("text", ""))
        parts += [str(v) for v in out.get("data", {}).values()]
    return "\n".join(parts)


def test_sc_series_notebook_runs_and_shows_its_results(tmp_path):
    (tmp_path / "examples").mkdir()
    (tmp_path / "assets").symlink_to(ROOT / "assets")  # the notebook finds the models beside examples/
    nb = nbformat.read(ROOT / "examples" / "sc_series.ipynb", as_version=4)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path / "examples")}}).execute(env=env)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    text = [_outputs(c) for c in code]
    assert "SC-1: 2D-3D interpenetrating, pcu + sql" in text[1] and "SC-3: non-interpenetrated, pcu" in text[1]
    assert "<td>pcu</td>" in text[2] and "<td>sql</td>" in text[2] and "Idealised model" in text[2]
    assert "2D layers\n3D-3D interpenetrated" in text[3]
    view = next(o for o in code[4].outputs if "application/3dmoljs_load.v0" in o.get("data", {}))
    assert "data:text/javascript;base64," in view["data"]["text/html"] and "addAtoms" in view["data"]["text/html"]
    assert "linked with a 4-ring of the sql layer" in text[5]
    assert any("image/svg+xml" in o.get("data", {}) for o in code[5].outputs)
    table = next(o for o in code[6].outputs if "text/html" in o.get("data", {}))["data"]["text/html"]
    assert table.count("</tr>") == 5 and "2D-3D interpenetrating" in table  # a header and the four models
    assert any("image/svg+xml" in o.get("data", {}) for o in code[7].outputs)
    assert (tmp_path / "examples" / "SC-1-figure.svg").exists()
