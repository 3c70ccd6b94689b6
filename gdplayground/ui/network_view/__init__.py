"""The network builder: the network drawn as a graph you can edit (see view.NetworkView)."""
from .view import NetworkView

__all__ = ["NetworkView"]
