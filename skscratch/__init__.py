"""skscratch: a neural network to read line by line, as a scikit-learn estimator."""

from ._classifier import ScratchMLPClassifier
from ._gradcheck import check_gradients
from ._notebook import notebook_network, notebook_split
from ._onnx import register_onnx_converters, to_onnx
from ._persistence import MODEL_TYPES, load_model
from ._plotting import (
    HiddenWeightsDisplay,
    OutputWeightsDisplay,
    PredictionDisplay,
    TrainingHistoryDisplay,
)
from ._regressor import ScratchMLPRegressor

__version__ = "0.1.0"

__all__ = [
    "ScratchMLPClassifier",
    "ScratchMLPRegressor",
    "check_gradients",
    "notebook_network",
    "notebook_split",
    "load_model",
    "MODEL_TYPES",
    "to_onnx",
    "register_onnx_converters",
    "HiddenWeightsDisplay",
    "OutputWeightsDisplay",
    "TrainingHistoryDisplay",
    "PredictionDisplay",
    "__version__",
]
