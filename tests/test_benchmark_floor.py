"""The benchmark compares like with like.

``benchmarks/floor_numpy.py`` is timed beside the estimators as a floor for
numpy; the comparison is fair only if it trains the same networks the same way
(same initialisation, batches and updates, up to floating-point rounding).
The regression cases of ``benchmarks/run.py`` time ScratchMLPRegressor and
MLPRegressor on the same training, and report what they timed.
"""

import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor

from skscratch import ScratchMLPClassifier, ScratchMLPRegressor, notebook_network

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from floor_numpy import fit_floor, fit_notebook_floor  # noqa: E402
from run import (  # noqa: E402
    LARGE_CONFIGURATIONS,
    case_large_regression,
    fixed_epochs,
    floor_arguments,
    large_regression_data,
    markdown,
)

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


def fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def assert_same_regressors(ours, theirs):
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == theirs.loss_
    for got, expected in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(got, expected)


def test_large_regression_case_times_the_same_training():
    """Exactly config.epochs epochs each, and the same weights bit for bit."""
    X, y = large_regression_data(SimpleNamespace(n_samples=500))
    assert X.shape == (500, 784)
    assert abs(y.mean()) < 1e-12 and y.std() == pytest.approx(1.0)
    params = fixed_epochs((100,), "adam", 3)
    ours = fit_quietly(ScratchMLPRegressor(**params), X, y)
    theirs = fit_quietly(MLPRegressor(**params), X, y)
    assert ours.n_iter_ == 3
    assert_same_regressors(ours, theirs)


def test_diabetes_case_runs_the_whole_default_fit():
    """The default configuration runs its 200 epochs on the diabetes data."""
    X, y = load_diabetes(return_X_y=True)
    ours = fit_quietly(ScratchMLPRegressor(random_state=0), X, y)
    theirs = fit_quietly(MLPRegressor(random_state=0), X, y)
    assert ours.n_iter_ == 200
    assert_same_regressors(ours, theirs)


def one_regression_row(dtype):
    config = SimpleNamespace(n_samples=400, epochs=1, repeats=1)
    X, y = large_regression_data(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return case_large_regression(config, X, y, dtype, "regression 0k x 784")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_regression_row_reports_what_it_timed(dtype):
    row = one_regression_row(dtype)
    assert row["case"] == f"regression 0k x 784, {np.dtype(dtype).name}, s/epoch"
    assert row["ratio"] == row["sklearn"] / row["skscratch"]
    assert row["ceiling"] == row["sklearn"] / row["gemm"]
    assert row["gemm_fraction"] == {
        "skscratch": row["gemm"] / row["skscratch"],
        "sklearn": row["gemm"] / row["sklearn"],
    }
    assert set(row["fit_memory"]) == {"skscratch", "sklearn"}
    assert "floor" not in row  # no numpy floor for the regressor


def test_report_shows_a_case_without_a_floor():
    """A regression row has a GEMM share but no floor: a dash, not a crash."""
    row = one_regression_row(np.float64)
    results = {
        "mode": "quick",
        "threads": "none",
        "command": "python benchmarks/run.py --quick",
        "machine": {
            "cpu": "cpu",
            "cores": 2,
            "python": "3",
            "numpy": "2",
            "scipy": "1",
            "scikit-learn": "1",
            "blas": [],
            "OPENBLAS_CORETYPE": None,
            "OPENBLAS_L2_SIZE": None,
            "date": "today",
            "skscratch": {"version": "0", "commit": None, "path": "here"},
        },
        "cases": [row],
        "float32_speedup": {},
        "scaling": [],
    }
    lines = [line for line in markdown(results).splitlines() if row["case"] in line]
    main, gemm, memory = lines  # and no line in the floor's table
    assert main.endswith(f"| {row['ratio']:.2f} |")
    assert gemm.endswith(f"| - | {row['ceiling']:.2f} |")
    assert memory.startswith(f"| {row['case']} | ")
