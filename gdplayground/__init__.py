"""gdplayground: watch and control gradient descent, one update at a time."""
from .engine.config import RunConfig
from .engine.run import Divergence, Run
from .engine.training import StepRecord

__all__ = ["Divergence", "Run", "RunConfig", "StepRecord"]
__version__ = "0.1.0"
