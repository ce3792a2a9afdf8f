"""The benchmark's floor loops perform the estimator's arithmetic.

``benchmarks/floor_numpy.py`` is timed beside the estimators as a floor for
numpy; the comparison is fair only if it trains the same networks the same way
(same initialisation, batches and updates, up to floating-point rounding).
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skscratch import ScratchMLPClassifier
from skscratch.__main__ import NOTEBOOK_CONFIG

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from floor_numpy import fit_floor, fit_notebook_floor  # noqa: E402


def fit_estimator(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ScratchMLPClassifier(random_state=0, **params).fit(X, y)


def assert_same_network(coefs, intercepts, model, atol):
    for got, expected in zip(
        coefs + intercepts, model.coefs_ + model.intercepts_, strict=True
    ):
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, rtol=0, atol=atol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adam_floor_follows_the_estimator(digits, dtype):
    X, y = digits
    X = X.astype(dtype)
    coefs, intercepts = fit_floor(X, y, epochs=3)
    model = fit_estimator(X, y, max_iter=3)
    assert_same_network(
        coefs, intercepts, model, 1e-12 if dtype == np.float64 else 1e-5
    )


def test_nesterov_floor_follows_the_estimator(digits):
    X, y = digits
    coefs, intercepts = fit_floor(
        X, y, (32, 16), "sgd", epochs=3, batch_size=100, learning_rate=0.05
    )
    model = fit_estimator(
        X,
        y,
        hidden_layer_sizes=(32, 16),
        solver="sgd",
        batch_size=100,
        learning_rate_init=0.05,
        momentum=0.9,
        nesterovs_momentum=True,
        max_iter=3,
    )
    assert_same_network(coefs, intercepts, model, 1e-12)


def test_notebook_floor_follows_the_estimator(digits):
    X, y = digits
    X = X / 8.0  # the notebook's pixel scale
    coefs, intercepts = fit_notebook_floor(X, y, epochs=2)
    model = fit_estimator(X, y, **{**NOTEBOOK_CONFIG, "batch_size": 50}, max_iter=2)
    assert_same_network(coefs, intercepts, model, 1e-12)
