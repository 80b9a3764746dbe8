"""Freed memory is kept for the next array: analyses after the first take few new pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from topology.memory import uses_glibc

MIL_100 = Path(__file__).parent / "data" / "crystalnets" / "MIL-100.cif"

COUNT_FAULTS = f"""
import resource
from topology import analyze_file
from topology.memory import keep_freed_memory
analyze_file({str(MIL_100)!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(3):
    analyze_file({str(MIL_100)!r})
print(keep_freed_memory(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def faults_of_three_more_analyses(env: dict[str, str]) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", COUNT_FAULTS], env=env, capture_output=True, text=True, check=True)
    kept, faults = out.stdout.split()
    return kept, int(faults)


@pytest.mark.skipif(not uses_glibc(), reason="the thresholds are glibc's")
def test_analyses_after_the_first_reuse_freed_memory() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    kept, faults = faults_of_three_more_analyses(env)
    assert kept == "True"
    # glibc's default thresholds given in its environment (which also stops glibc raising them as it
    # goes) are left alone: the same analyses map pages afresh
    default, faults_by_default = faults_of_three_more_analyses({**env, "MALLOC_MMAP_THRESHOLD_": "131072",
                                                            "MALLOC_TRIM_THRESHOLD_": "131072"})
    assert default == "False"
    assert 5 * faults < faults_by_default
