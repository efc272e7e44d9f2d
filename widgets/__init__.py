"""Interactive explorers for the course, built from ipywidgets on top of minigrad's public API."""

from widgets.backward_explorer import BackwardExplorer
from widgets.conv_explorer import ConvExplorer
from widgets.depth_explorer import DepthExplorer
from widgets.descent_explorer import DescentExplorer
from widgets.dot import draw_dot
from widgets.neuron_explorer import NeuronExplorer
from widgets.playground import TrainingPlayground
from widgets.trace import Trace

__all__ = [
    "BackwardExplorer",
    "ConvExplorer",
    "DepthExplorer",
    "DescentExplorer",
    "NeuronExplorer",
    "Trace",
    "TrainingPlayground",
    "draw_dot",
]
