"""ScratchMLPRegressor follows MLPRegressor's training bit for bit (float64)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes, load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from skscratch import ScratchMLPRegressor

from .assertions import assert_twins, fit_twins


@pytest.fixture(scope="module")
def diabetes():
    """Diabetes, standardised features and target."""
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


@pytest.fixture(scope="module")
def multi_output():
    X, Y = make_regression(
        n_samples=200, n_features=8, n_targets=3, noise=5.0, random_state=0
    )
    return StandardScaler().fit_transform(X), Y / Y.std(axis=0)


def fit_both(X, y, sample_weight=None, **params):
    params.setdefault("max_iter", 30)
    params.setdefault("hidden_layer_sizes", (16,))
    return fit_twins(MLPRegressor, ScratchMLPRegressor, X, y, sample_weight, **params)


CONFIGURATIONS = {
    "adam": dict(),
    "sgd-plain": dict(solver="sgd", momentum=0.0),
    "sgd-momentum": dict(solver="sgd", nesterovs_momentum=False),
    "sgd-nesterov": dict(solver="sgd"),
    "sgd-invscaling": dict(
        solver="sgd", learning_rate="invscaling", learning_rate_init=0.05
    ),
    "sgd-adaptive": dict(
        solver="sgd", learning_rate="adaptive", tol=0.05, n_iter_no_change=1
    ),
    "lbfgs": dict(solver="lbfgs"),
    "tanh-two-layers": dict(activation="tanh", hidden_layer_sizes=(8, 4)),
    "logistic-lbfgs": dict(activation="logistic", solver="lbfgs"),
    "identity": dict(activation="identity"),
    "early-stopping": dict(early_stopping=True, max_iter=200),
    "batch-size": dict(batch_size=17, shuffle=False),
    "alpha": dict(alpha=0.5),
}


@pytest.mark.parametrize("params", CONFIGURATIONS.values(), ids=CONFIGURATIONS)
def test_single_target(diabetes, params):
    X, y = diabetes
    theirs, ours = fit_both(X, y, **params)
    assert_twins(theirs, ours, X)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_multi_output(multi_output, solver):
    X, Y = multi_output
    theirs, ours = fit_both(X, Y, solver=solver)
    assert ours.n_outputs_ == 3
    assert_twins(theirs, ours, X)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_poisson(diabetes, solver):
    X, y = diabetes
    counts = np.round(np.exp(y))
    theirs, ours = fit_both(X, counts, loss="poisson", solver=solver)
    assert ours.out_activation_ == "exp"
    assert_twins(theirs, ours, X)
    assert (ours.predict(X) > 0).all()


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_sample_weight(diabetes, solver):
    X, y = diabetes
    weights = np.random.RandomState(0).uniform(0.1, 3.0, size=y.shape[0])
    theirs, ours = fit_both(X, y, weights, solver=solver)
    assert_twins(theirs, ours, X)


def test_early_stopping_with_sample_weight(diabetes):
    X, y = diabetes
    weights = np.random.RandomState(1).uniform(0.1, 3.0, size=y.shape[0])
    theirs, ours = fit_both(X, y, weights, early_stopping=True, max_iter=100)
    assert_twins(theirs, ours, X)
    assert ours.best_validation_score_ == theirs.best_validation_score_


def test_sparse_input(diabetes):
    X, y = diabetes
    X_sparse = sp.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    theirs, ours = fit_both(X_sparse, y)
    assert_twins(theirs, ours, X_sparse)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_warm_start_sequence(diabetes, solver):
    X, y = diabetes
    params = dict(solver=solver, warm_start=True, max_iter=5, random_state=0)
    theirs, ours = MLPRegressor(**params), ScratchMLPRegressor(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(3):
            theirs.fit(X, y)
            ours.fit(X, y)
    assert_twins(theirs, ours, X)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_partial_fit_sequence(diabetes, solver):
    X, y = diabetes
    theirs = MLPRegressor(solver=solver, random_state=0)
    ours = ScratchMLPRegressor(solver=solver, random_state=0)
    for start in range(0, 400, 100):
        theirs.partial_fit(X[start : start + 100], y[start : start + 100])
        ours.partial_fit(X[start : start + 100], y[start : start + 100])
    assert_twins(theirs, ours, X)


def test_same_initial_weights_as_mlpregressor(diabetes):
    X, y = diabetes
    theirs, ours = fit_both(X, y, solver="sgd", learning_rate_init=1e-300, max_iter=1)
    for mine, ref in zip(ours.coefs_, theirs.coefs_, strict=True):
        np.testing.assert_array_equal(mine, ref)


def test_float32_stays_float32_and_close(diabetes):
    X, y = diabetes
    theirs, ours = fit_both(X.astype(np.float32), y)
    assert all(c.dtype == np.float32 for c in ours.coefs_ + ours.intercepts_)
    assert ours.predict(X.astype(np.float32)).dtype == np.float32
    assert_allclose(
        ours.predict(X.astype(np.float32)),
        theirs.predict(X.astype(np.float32)),
        rtol=1e-3,
        atol=1e-3,
    )


def test_partial_fit_is_not_available_for_lbfgs():
    """A deliberate difference: MLPRegressor 1.9 offers partial_fit with lbfgs."""
    assert hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")
    assert not hasattr(ScratchMLPRegressor(solver="lbfgs"), "partial_fit")
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'"):
        ScratchMLPRegressor(solver="lbfgs").partial_fit([[0.0]], [0.0])


def test_sklearns_diverging_regressor_with_early_stopping():
    """scikit-learn's test_mlp_diverging_loss: no error, a NaN last score.

    Unlike MLPRegressor, training stops at the diverged epoch with a warning and
    keeps the weights of the best one.
    """
    X, y = load_iris(return_X_y=True)
    mlp = ScratchMLPRegressor(
        hidden_layer_sizes=100,
        activation="identity",
        solver="sgd",
        alpha=0.0001,
        learning_rate="constant",
        learning_rate_init=1,
        shuffle=True,
        max_iter=20,
        early_stopping=True,
        n_iter_no_change=10,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="Training diverged at epoch"):
        mlp.fit(X, y)
    assert str(mlp.validation_scores_[-1]) == str(np.nan)
    assert isinstance(mlp.validation_scores_[-1], float)
    assert np.isfinite(mlp.predict(X)).all()
    best = np.nanargmax(mlp.validation_scores_)
    assert mlp.best_validation_score_ == mlp.validation_scores_[best]
