"""skscratch: a neural network you can read line by line, as a scikit-learn estimator."""

from ._classifier import ScratchMLPClassifier

__version__ = "0.1.0"

__all__ = ["ScratchMLPClassifier", "__version__"]
