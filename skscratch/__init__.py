"""skscratch: a neural network to read line by line, as a scikit-learn estimator."""

from ._classifier import ScratchMLPClassifier
from ._gradcheck import check_gradients
from ._persistence import MODEL_TYPES, load_model
from ._plotting import (
    HiddenWeightsDisplay,
    OutputWeightsDisplay,
    PredictionDisplay,
    TrainingHistoryDisplay,
)

__version__ = "0.1.0"

__all__ = [
    "ScratchMLPClassifier",
    "check_gradients",
    "load_model",
    "MODEL_TYPES",
    "HiddenWeightsDisplay",
    "OutputWeightsDisplay",
    "TrainingHistoryDisplay",
    "PredictionDisplay",
    "__version__",
]
