"""gdplayground: watch and control gradient descent, one update at a time."""
import os

# These networks are tiny: BLAS threads only add hand-off cost (measured: a 10000×8 by 8×8
# product took 4.5× longer with two threads than with one). Set before NumPy loads; a value
# the user set wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
from .engine.config import RunConfig
from .engine.run import Divergence, Run
from .engine.training import StepRecord

__all__ = ["Divergence", "Run", "RunConfig", "StepRecord", "__version__"]


def _version() -> str:
    """The installed distribution's version; the source tree's when it is not installed (a
    checkout on PYTHONPATH, or a bundle without package metadata). Kept equal to pyproject.toml's
    by a test."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gdplayground")
    except PackageNotFoundError:
        return _SOURCE_VERSION


_SOURCE_VERSION = "0.1.0"
__version__ = _version()
