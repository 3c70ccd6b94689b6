"""Keep freed memory in the process on glibc, so large training steps stop page-faulting.

glibc serves big requests (above a threshold that starts at 128 kB) with fresh ``mmap`` pages and
gives the top of its heap back to the kernel once more than a trim threshold is free. A full-batch
step of a width-512 network makes and drops several ~1 MB temporaries, so every step faulted in
about a thousand fresh pages (measured: 3.7 ms a step, of which 3 ms were page faults). Raising
both thresholds (``mallopt(M_MMAP_THRESHOLD)``, ``mallopt(M_TRIM_THRESHOLD)``) lets those blocks
be reused; the price is up to TRIM bytes of freed memory kept by the process.

Only on glibc, only once, and not when the user set glibc's own ``MALLOC_*_`` variables or
``GDPLAYGROUND_MALLOPT=0`` (which the benchmark uses to measure the difference).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform

M_TRIM_THRESHOLD = -1  # from glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP = 32 << 20  # glibc's own ceiling for its dynamic mmap threshold on 64-bit
TRIM = 64 << 20

_done: list[bool] = []


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds once; True if they were set (now or before)."""
    if _done:
        return _done[0]
    _done.append(_set())
    return _done[0]


def _set() -> bool:
    if os.environ.get("GDPLAYGROUND_MALLOPT") == "0":
        return False
    if any(k in os.environ for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")):
        return False
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM))
