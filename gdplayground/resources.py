"""Where the files of resources/ (icons, presets) are: inside an installer's bundle, in the
source tree next to the package, or under the environment's share/ after a pip install."""
from __future__ import annotations

import sys
from pathlib import Path


def resource_dirs() -> list[Path]:
    """The candidate resources/ folders, most specific first; callers take the first that has
    what they need."""
    dirs = [Path(__file__).resolve().parent.parent / "resources", Path(sys.prefix) / "share" / "gdplayground" / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs.insert(0, Path(bundle) / "resources")
    return dirs
