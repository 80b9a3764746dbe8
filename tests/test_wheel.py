"""A wheel built from the repository installs into a clean virtual environment and works there.

Built and installed without the internet: the build uses the setuptools already installed
(--no-build-isolation) and the new environment takes its dependencies from this one's
site-packages (a .pth line) rather than from an index (--no-index).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "topology", "viewer", "assets")


def _run(*cmd: str, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run(cmd, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(cmd)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_wheel_installs_in_a_clean_venv_and_analyses_a_bundled_model(tmp_path):
    source = tmp_path / "source"  # a copy, so that the build leaves nothing in the repository
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                            if (ROOT / name).is_dir() else {}))
    _run(sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index", "-q", "-w",
         str(tmp_path / "dist"), str(source), cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("interlace-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "viewer/static/3Dmol-min.js" in names and "topology/data/rcsr.arc.gz" in names
    assert any(n.endswith(".data/data/share/interlace/structures/SC-1.cif") for n in names)
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Author: Interlace maintainers" in meta and "Classifier: Topic :: Scientific/Engineering :: Chemistry" in meta
    assert "Project-URL:" in meta and "License: BSD-3-Clause" in meta
    assert any(n.endswith(".dist-info/LICENSE") for n in names)

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", str(venv), cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(_run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # numpy, gemmi, ... from here
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    _run(str(python), "-m", "pip", "install", "--no-index", "--no-deps", "-q", str(wheel), cwd=tmp_path, env=env)
    where = _run(str(python), "-c", "import topology, viewer; print(topology.__file__, viewer.__file__, "
                 "topology.__version__)", cwd=tmp_path, env=env).split()
    assert all(Path(w).is_relative_to(site) for w in where[:2])
    interlace = venv / "bin" / "interlace"
    installed = Path(_run(str(python), "-c", "from viewer.bundled import STRUCTURES; print(STRUCTURES)",
                          cwd=tmp_path, env=env).strip())
    assert installed == venv / "share" / "interlace" / "structures"  # the wheel's own copy, not the repository's
    out = _run(str(interlace), "analyze", str(installed / "SC-1.cif"), cwd=tmp_path, env=env)
    assert out.startswith("SC-1.cif: 2D-3D interpenetrating") and re.search(r"\bpcu\b", out) and re.search(r"\bsql\b", out)
    assert _run(str(interlace), "--version", cwd=tmp_path, env=env).strip() == f"interlace {where[2]}"
