"""ScratchMLPClassifier follows MLPClassifier's training trajectory.

With the same hyperparameters and random_state, both draw the same initial
weights, shuffles, mini-batches and early-stopping split, and apply the same
updates and stopping rule. In float64 the fitted weights, loss curves,
iteration counts and probabilities agree to ``RTOL`` relative (in practice they
are usually identical to the last bit).
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

from skscratch import ScratchMLPClassifier
from skscratch._optimizers import SGD

from .assertions import ATOL, RTOL, assert_twins, fit_twins


def fit_both(X, y, sample_weight=None, **params):
    return fit_twins(MLPClassifier, ScratchMLPClassifier, X, y, sample_weight, **params)


SGD_VARIANTS = {
    "plain": dict(momentum=0.0),
    "momentum": dict(momentum=0.9, nesterovs_momentum=False),
    "nesterov": dict(momentum=0.9, nesterovs_momentum=True),
    "invscaling": dict(learning_rate="invscaling", learning_rate_init=0.5),
    "adaptive": dict(learning_rate="adaptive", tol=0.05, n_iter_no_change=1),
}


@pytest.mark.parametrize("variant", SGD_VARIANTS)
def test_sgd_variants(digits, variant):
    X, y = digits
    params = dict(solver="sgd", learning_rate_init=0.1, max_iter=8)
    params.update(SGD_VARIANTS[variant])
    theirs, ours = fit_both(X, y, hidden_layer_sizes=(16,), **params)
    assert_twins(theirs, ours, X)


def test_adaptive_schedule_decays_like_mlpclassifier(digits):
    X, y = digits
    theirs, ours = fit_both(
        X,
        y,
        hidden_layer_sizes=(8,),
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=0.2,
        tol=0.5,
        n_iter_no_change=1,
        max_iter=20,
    )
    assert_twins(theirs, ours, X)
    assert ours._optimizer.learning_rate == theirs._optimizer.learning_rate
    assert ours._optimizer.learning_rate < 0.2


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_activations_and_solvers_multiclass(digits, activation, solver):
    X, y = digits
    theirs, ours = fit_both(
        X,
        y,
        hidden_layer_sizes=(12, 7),
        activation=activation,
        solver=solver,
        learning_rate_init=0.01,
        max_iter=6,
    )
    assert_twins(theirs, ours, X)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_binary(binary, solver):
    X, y = binary
    theirs, ours = fit_both(X, y, hidden_layer_sizes=(10,), solver=solver, max_iter=8)
    assert ours.n_outputs_ == 1
    assert_twins(theirs, ours, X)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_multilabel(multilabel, solver):
    X, Y = multilabel
    theirs, ours = fit_both(X, Y, hidden_layer_sizes=(10,), solver=solver, max_iter=8)
    assert_twins(theirs, ours, X)


def test_sparse_multilabel_targets(multilabel):
    X, Y = multilabel
    theirs, ours = fit_both(X, sp.csr_matrix(Y), hidden_layer_sizes=(10,), max_iter=5)
    assert_twins(theirs, ours, X)
    assert ours.predict(X).format == "csr"
    _, dense = fit_both(X, Y, hidden_layer_sizes=(10,), max_iter=5)
    for got, expected in zip(
        ours.coefs_ + ours.intercepts_, dense.coefs_ + dense.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(got, expected)


def test_validation_fraction_zero_without_early_stopping(digits):
    """MLPClassifier accepts validation_fraction=0.0, so the twin does too."""
    X, y = digits
    theirs, ours = fit_both(X, y, validation_fraction=0.0, max_iter=3)
    assert_twins(theirs, ours, X)


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_lbfgs_takes_the_same_path_on_unscaled_iris(activation):
    """L-BFGS compares objectives: a last-bit difference in the loss or in the
    logistic derivative would send it elsewhere (hundreds of iterations here)."""
    X, y = load_iris(return_X_y=True)
    theirs, ours = fit_both(
        X,
        y,
        activation=activation,
        solver="lbfgs",
        hidden_layer_sizes=(10,),
        max_iter=500,
    )
    assert_twins(theirs, ours, X)


def test_logistic_sgd_on_large_inputs(digits):
    """Saturated logistic units: the order of the derivative's factors shows."""
    X, y = digits
    theirs, ours = fit_both(
        X[:400] * 1000,
        y[:400],
        activation="logistic",
        solver="sgd",
        learning_rate_init=0.01,
        hidden_layer_sizes=(10,),
        max_iter=10,
    )
    assert_twins(theirs, ours, X[:400] * 1000)


@pytest.mark.parametrize("power_t", [0.25, 0.5, 3])
def test_invscaling_rate_is_sklearns_for_every_sample_count(power_t):
    theirs = SGDOptimizer(
        [np.zeros(1)],
        learning_rate_init=0.1,
        lr_schedule="invscaling",
        power_t=power_t,
    )
    ours = SGD([np.zeros(1)], 0.1, "invscaling", 0.0, False, power_t)
    for samples_seen in [*range(0, 2000, 7), *range(2000, 10**7, 9973)]:
        theirs.iteration_ends(samples_seen)
        ours.end_epoch(samples_seen)
        assert ours.learning_rate == theirs.learning_rate, samples_seen


@pytest.mark.parametrize("power_t", [0.25, 3])
def test_invscaling_learning_rate_is_the_same_float(iris, power_t):
    X, y = iris
    params = dict(solver="sgd", learning_rate="invscaling", power_t=power_t)
    theirs = MLPClassifier(**params, random_state=0)
    ours = ScratchMLPClassifier(**params, random_state=0)
    for _ in range(3):
        theirs.partial_fit(X[:36], y[:36], classes=[0, 1, 2])
        ours.partial_fit(X[:36], y[:36], classes=[0, 1, 2])
        assert ours._optimizer.learning_rate == theirs._optimizer.learning_rate


NON_DEFAULTS = {
    "adam-betas-epsilon": dict(beta_1=0.8, beta_2=0.99, epsilon=1e-6),
    "sgd-momentum-0.5": dict(solver="sgd", momentum=0.5, nesterovs_momentum=False),
    "batch-64-in-order": dict(batch_size=64, shuffle=False),
    "validation-fraction": dict(early_stopping=True, validation_fraction=0.25),
    "lbfgs-max-fun": dict(solver="lbfgs", max_iter=50, max_fun=15),
}


@pytest.mark.parametrize("name", NON_DEFAULTS)
def test_non_default_hyperparameters(digits, name):
    """Each of these hyperparameters reaches the arithmetic MLPClassifier does."""
    X, y = digits
    params = {"hidden_layer_sizes": (10,), "max_iter": 8, **NON_DEFAULTS[name]}
    theirs, ours = fit_both(X, y, **params)
    assert_twins(theirs, ours, X)


def test_iris_runs_until_the_stopping_rule(iris):
    X, y = iris
    theirs, ours = fit_both(X, y, hidden_layer_sizes=(5,), learning_rate_init=0.05)
    assert theirs.n_iter_ < 200  # stopped by tol, not by max_iter
    assert_twins(theirs, ours, X, rtol=1e-8)
    assert ours.best_loss_ == pytest.approx(theirs.best_loss_, rel=1e-8)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_sample_weight(digits, solver):
    X, y = digits
    weights = np.random.RandomState(1).randint(0, 4, size=y.shape[0]).astype(float)
    theirs, ours = fit_both(
        X, y, sample_weight=weights, hidden_layer_sizes=(10,), solver=solver, max_iter=6
    )
    assert_twins(theirs, ours, X)


@pytest.mark.parametrize("data", ["binary", "digits", "multilabel"])
def test_early_stopping(request, data):
    X, y = request.getfixturevalue(data)
    theirs, ours = fit_both(
        X,
        y,
        hidden_layer_sizes=(10,),
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate_init=0.01,
        max_iter=40,
    )
    assert_twins(theirs, ours, X)
    assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=RTOL)
    assert ours.best_validation_score_ == theirs.best_validation_score_
    assert ours.best_loss_ is None and theirs.best_loss_ is None


def test_early_stopping_with_sample_weight(digits):
    X, y = digits
    weights = np.random.RandomState(2).uniform(0.5, 2, size=y.shape[0])
    theirs, ours = fit_both(
        X,
        y,
        sample_weight=weights,
        hidden_layer_sizes=(10,),
        early_stopping=True,
        max_iter=5,
    )
    assert_twins(theirs, ours, X)
    assert_allclose(ours.validation_scores_, theirs.validation_scores_, rtol=RTOL)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_warm_start_sequence(digits, solver):
    X, y = digits
    params = dict(hidden_layer_sizes=(10,), solver=solver, max_iter=3, warm_start=True)
    theirs, ours = fit_both(X, y, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for max_iter in (2, 4):
            theirs.set_params(max_iter=max_iter).fit(X, y)
            ours.set_params(max_iter=max_iter).fit(X, y)
            assert_twins(theirs, ours, X)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_partial_fit_sequence(digits, solver):
    X, y = digits
    classes = np.unique(y)
    params = dict(hidden_layer_sizes=(10,), solver=solver, random_state=0)
    theirs, ours = MLPClassifier(**params), ScratchMLPClassifier(**params)
    halves = np.array_split(np.arange(y.shape[0]), 2)
    for step, rows in enumerate(halves * 2):
        theirs.partial_fit(X[rows], y[rows], classes=classes)
        ours.partial_fit(X[rows], y[rows], classes=classes)
        assert_twins(theirs, ours, X)
        assert ours.n_iter_ == 1 and ours.t_ == sum(
            len(r) for r in (halves * 2)[: step + 1]
        )


def test_float32_stays_float32_and_close(digits):
    X, y = digits
    X = X.astype(np.float32)
    theirs, ours = fit_both(X, y, hidden_layer_sizes=(10,), max_iter=5)
    for array in ours.coefs_ + ours.intercepts_:
        assert array.dtype == np.float32
    assert ours.predict_proba(X).dtype == np.float32
    assert_twins(theirs, ours, X, rtol=1e-3, atol=1e-5)


def test_same_initial_weights_as_mlpclassifier(digits):
    X, y = digits
    for activation in ("relu", "logistic"):
        theirs, ours = fit_both(
            X,
            y,
            hidden_layer_sizes=(9, 4),
            activation=activation,
            max_iter=1,
            learning_rate_init=1e-300,
        )
        for mine, ref in zip(ours.coefs_, theirs.coefs_, strict=True):
            np.testing.assert_array_equal(mine, ref)


def test_single_class_fits_and_predicts_it_like_mlpclassifier(iris):
    X, _ = iris
    y = np.full(X.shape[0], "only")
    theirs, ours = fit_both(X, y, max_iter=5)
    for mine, ref in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        assert_allclose(mine, ref, rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    # One probability per class in classes_ (MLPClassifier gives two columns).
    np.testing.assert_array_equal(ours.predict_proba(X), np.ones((X.shape[0], 1)))


def test_too_small_class_for_the_stratified_split_is_named_like_mlpclassifier(iris):
    X, _ = iris
    y = np.r_[np.zeros(X.shape[0] - 1), 1]
    messages = []
    for cls in (ScratchMLPClassifier, MLPClassifier):
        with pytest.raises(ValueError) as error:
            cls(early_stopping=True, random_state=0).fit(X, y)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
