"""Backpropagation agrees with central differences of the objective."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from skscratch import ScratchMLPClassifier, check_gradients
from skscratch import _activations as activations

ACTIVATIONS = sorted(activations.HIDDEN_ACTIVATIONS)
LOSSES = ["log_loss", "squared_error"]
TARGETS = ["binary", "multiclass", "multilabel"]


def make_problem(target, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(25, 4))
    if target == "binary":
        y = rng.choice(["no", "yes"], size=25)
    elif target == "multiclass":
        y = rng.randint(3, size=25)
    else:
        y = rng.randint(2, size=(25, 3))
    return X, y, rng.uniform(0.2, 3.0, size=25)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backprop_matches_central_differences(activation, loss, target):
    X, y, sample_weight = make_problem(target)
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(5, 3),
        activation=activation,
        loss=loss,
        alpha=0.3,
        solver="lbfgs",
        max_iter=3,
        random_state=0,
    )
    errors = check_gradients(clf, X, y, sample_weight=sample_weight)
    assert len(errors["coefs_"]) == len(errors["intercepts_"]) == 3
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_check_gradients_uses_the_fitted_weights(digits):
    X, y = digits
    clf = ScratchMLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    clf.fit(X[:200], y[:200])
    coefs_before = [c.copy() for c in clf.coefs_]
    errors = check_gradients(clf, X[:30], y[:30])
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6
    for before, after in zip(coefs_before, clf.coefs_, strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.fixture(scope="module")
def small_fit(digits):
    """A model fitted for one epoch on 30 digits, with its data."""
    X, y = digits
    X, y = X[:30], y[:30]
    clf = ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y), X, y


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda X: np.where(X == X[0, 0], np.nan, X), "Input X contains NaN"),
        (lambda X: np.where(X == X[0, 0], np.inf, X), "Input X contains infinity"),
        (lambda X: X[:, :3], "X has 3 features, but ScratchMLPClassifier is expecting"),
    ],
    ids=["nan", "inf", "features"],
)
def test_check_gradients_validates_its_input(small_fit, change, message):
    clf, X, y = small_fit
    with pytest.raises(ValueError, match=message):
        check_gradients(clf, change(X), y)


def test_check_gradients_takes_sparse_input(small_fit):
    clf, X, y = small_fit
    for data in (X, sp.csr_matrix(X), sp.csc_matrix(X)):
        errors = check_gradients(clf, data, y)
        assert len(errors["coefs_"]) == len(errors["intercepts_"]) == 2
        assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6


def _errors_with(monkeypatch, name, activation):
    """check_gradients on a one-hidden-layer network, ``name`` replaced."""
    X, y, _ = make_problem("multiclass")
    monkeypatch.setitem(activations.HIDDEN_ACTIVATIONS, name, activation)
    clf = ScratchMLPClassifier(hidden_layer_sizes=(5,), activation=name, random_state=0)
    return check_gradients(clf, X, y)


def test_check_gradients_detects_a_wrong_derivative(monkeypatch):
    tanh = activations.HIDDEN_ACTIVATIONS["tanh"]
    wrong = tanh._replace(derivative_factors=lambda a: (1 - a,))  # not 1 - a**2
    errors = _errors_with(monkeypatch, "tanh", wrong)
    assert errors["coefs_"][0] > 1e-3
    assert errors["coefs_"][-1] < 1e-6  # the output layer does not use f'


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_check_gradients_detects_a_wrong_factor_for_every_activation(monkeypatch, name):
    right = activations.HIDDEN_ACTIVATIONS[name]
    wrong = right._replace(
        derivative_factors=lambda given: (*right.derivative_factors(given), 1.5)
    )
    errors = _errors_with(monkeypatch, name, wrong)
    assert errors["coefs_"][0] > 1e-2
    assert errors["coefs_"][-1] < 1e-6


@pytest.mark.parametrize(
    "name",
    [name for name in ACTIVATIONS if activations.HIDDEN_ACTIVATIONS[name].needs_z],
)
def test_check_gradients_detects_a_derivative_given_a_instead_of_z(monkeypatch, name):
    """Backpropagation must hand ``z``, not ``a = f(z)``, to these derivatives."""
    wrong = activations.HIDDEN_ACTIVATIONS[name]._replace(needs_z=False)
    errors = _errors_with(monkeypatch, name, wrong)
    assert errors["coefs_"][0] > 1e-3
