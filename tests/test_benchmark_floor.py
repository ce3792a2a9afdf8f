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

from skscratch import ScratchMLPClassifier, notebook_network

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from floor_numpy import fit_floor, fit_notebook_floor  # noqa: E402
from run import LARGE_CONFIGURATIONS, fixed_epochs, floor_arguments  # noqa: E402

# Largest difference allowed between the floor's weights and the estimator's:
# a few epochs of rounding differences (observed: 1e-16 and 5e-8).
TOLERANCE = {np.float64: 1e-12, np.float32: 1e-6}


def fit_estimator(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ScratchMLPClassifier(**{"random_state": 0, **params}).fit(X, y)


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
    assert_same_network(coefs, intercepts, model, TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_nesterov_floor_follows_the_estimator(digits, dtype):
    """Two hidden layers, and a last batch of 97 rows."""
    X, y = digits
    X = X.astype(dtype)
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
    assert_same_network(coefs, intercepts, model, TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("configuration", list(LARGE_CONFIGURATIONS))
def test_benchmark_gives_the_floor_the_estimators_settings(
    digits, configuration, dtype
):
    """run.py's floor call trains what it times the estimators on."""
    X, y = digits
    X = X.astype(dtype)
    hidden_layer_sizes, solver, params = LARGE_CONFIGURATIONS[configuration]
    fit_params = fixed_epochs(hidden_layer_sizes, solver, 2, **params)
    coefs, intercepts = fit_floor(X, y, **floor_arguments(fit_params))
    model = fit_estimator(X, y, **fit_params)
    assert_same_network(coefs, intercepts, model, TOLERANCE[dtype])


def test_floor_refuses_an_unknown_solver(digits):
    X, y = digits
    with pytest.raises(ValueError, match="solver must be"):
        fit_floor(X, y, solver="lbfgs", epochs=1)


def test_notebook_floor_follows_the_estimator(digits):
    X, y = digits
    X = X / 8.0  # the notebook's pixel scale
    coefs, intercepts = fit_notebook_floor(X, y, epochs=2)
    params = notebook_network(batch_size=50, max_iter=2).get_params()
    model = fit_estimator(X, y, **params)
    assert_same_network(coefs, intercepts, model, TOLERANCE[np.float64])
