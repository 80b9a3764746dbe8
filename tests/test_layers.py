"""The science engine stands on its own: no module of ``topology`` imports the app (``viewer``) or a
user-interface library, so the pipeline runs where only the engine's dependencies are installed."""

import subprocess
import sys

UI = ("viewer", "streamlit", "py3Dmol", "matplotlib", "crystal_toolkit", "dash")


def test_topology_modules_import_no_user_interface():
    code = (
        "import importlib, pkgutil, sys, topology\n"
        "for m in pkgutil.walk_packages(topology.__path__, 'topology.'):\n"
        "    importlib.import_module(m.name)\n"
        f"print(sorted({{n.split('.')[0] for n in sys.modules}} & set({UI!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
