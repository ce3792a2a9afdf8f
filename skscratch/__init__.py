"""skscratch: a neural network to read line by line, as a scikit-learn estimator."""

from ._classifier import ScratchMLPClassifier
from ._gradcheck import check_gradients

__version__ = "0.1.0"

__all__ = ["ScratchMLPClassifier", "check_gradients", "__version__"]
