"""The network builder: the network drawn as a graph you can edit (see view.NetworkView), and
the neuron pictures it shows (pictures.neuron_images)."""
from .pictures import neuron_images
from .view import NetworkView

__all__ = ["NetworkView", "neuron_images"]
