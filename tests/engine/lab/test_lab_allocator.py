"""The allocator setting: applied once on glibc, and left alone when the user chose otherwise.
(Its speed effect is measured in bench/lab.py, not asserted here.)"""
import os
import platform
import subprocess
import sys

import pytest

CODE = "from gdplayground.engine import network; from gdplayground.engine.lab.allocator import keep_freed_memory; print(keep_freed_memory())"


def _probe(**env: str) -> str:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GDPLAYGROUND_MALLOPT"))}
    out = subprocess.run([sys.executable, "-c", CODE], env={**full, **env}, capture_output=True, text=True, timeout=60, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_set_on_glibc_when_importing_the_network():
    assert _probe() == "True"


def test_left_alone_when_opted_out_or_when_glibc_variables_are_set():
    assert _probe(GDPLAYGROUND_MALLOPT="0") == "False"
    assert _probe(MALLOC_TRIM_THRESHOLD_="1000000") == "False"
