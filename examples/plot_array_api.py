"""
The same network on PyTorch tensors
===================================

With scikit-learn's array API dispatch on, ScratchMLPClassifier computes in
the array library of ``X``. Here it trains on the digits twice, once on NumPy
arrays and once on PyTorch tensors (on a CUDA GPU when there is one, else on
the CPU), and the two training curves are drawn on top of each other. In
float64 on the CPU the two models end with the same weights to about 1e-15.

scikit-learn's dispatch needs SciPy's array API support, switched on by the
environment variable ``SCIPY_ARRAY_API=1`` before SciPy is first imported:
hence the first lines. Without PyTorch the example falls back on
array-api-strict (a library that checks code against the standard, on the
CPU), and without either it trains on NumPy only.
"""

import os

os.environ["SCIPY_ARRAY_API"] = "1"  # before SciPy and scikit-learn

import importlib.util
import warnings

import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skscratch import ScratchMLPClassifier

# Both fits train for a fixed 100 epochs, short of convergence.
warnings.simplefilter("ignore", ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16, y, test_size=0.25, random_state=0
)
params = {"hidden_layer_sizes": (64,), "max_iter": 100, "random_state": 0}

# %%
# On NumPy arrays: the twin of MLPClassifier.
on_numpy = ScratchMLPClassifier(**params).fit(X_train, y_train)
print(f"NumPy: test accuracy {on_numpy.score(X_test, y_test):.3f}")


# %%
# On another array library. ``to_library`` makes arrays of that library, on
# its device; everything the estimator fits and returns stays there.
def another_library():
    """PyTorch (on the GPU if any), else array-api-strict, else None."""
    if importlib.util.find_spec("torch"):
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
        return f"PyTorch ({device})", lambda a: torch.asarray(a, device=device)
    if importlib.util.find_spec("array_api_strict"):
        import array_api_strict

        return "array-api-strict", array_api_strict.asarray
    return None, None


name, to_library = another_library()
if to_library is not None:
    with sklearn.config_context(array_api_dispatch=True):
        on_library = ScratchMLPClassifier(**params).fit(
            to_library(X_train), to_library(y_train)
        )
        proba = on_library.predict_proba(to_library(X_test))
        accuracy = on_library.score(to_library(X_test), to_library(y_test))
    print(f"{name}: test accuracy {accuracy:.3f}, probabilities: {type(proba)}")

    def to_numpy(a):
        return a.cpu().numpy() if hasattr(a, "cpu") else np.from_dlpack(a)

    difference = max(
        np.abs(to_numpy(a) - b).max()
        for a, b in zip(on_library.coefs_, on_numpy.coefs_, strict=True)
    )
    print(f"largest weight difference from NumPy: {difference:.1e}")

# %%
# The training curves: one line hides the other.
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(on_numpy.loss_curve_, lw=4, alpha=0.4, label="NumPy")
if to_library is not None:
    ax.plot(on_library.loss_curve_, "k--", lw=1, label=name)
ax.set(xlabel="epoch", ylabel="training loss", yscale="log")
ax.legend()
fig.tight_layout()
plt.show()
