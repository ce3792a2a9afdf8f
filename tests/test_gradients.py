"""Backpropagation agrees with central differences of the objective."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

import skscratch._base
import skscratch._losses
from skscratch import ScratchMLPClassifier, ScratchMLPRegressor, check_gradients
from skscratch import _activations as activations
from skscratch._gradcheck import _relative_error

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


# ------------------------------------------------------------------- arguments

NOT_OURS = (
    r"^check_gradients checks the backpropagation of skscratch's own estimators "
    r"\(ScratchMLPClassifier, ScratchMLPRegressor\); got {name}\.$"
)
BAD_EPSILON = r"^epsilon must be a positive, finite number; got {value}\.$"


@pytest.mark.parametrize(
    ("estimator", "name"),
    [
        (MLPClassifier(hidden_layer_sizes=(3,)), "MLPClassifier"),
        (LogisticRegression(), "LogisticRegression"),
    ],
    ids=["MLPClassifier", "LogisticRegression"],
)
def test_check_gradients_refuses_other_estimators(estimator, name):
    X, y, _ = make_problem("multiclass")
    with pytest.raises(TypeError, match=NOT_OURS.format(name=name)):
        check_gradients(estimator, X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = estimator.fit(X, y)
    with pytest.raises(TypeError, match=NOT_OURS.format(name=name)):
        check_gradients(fitted, X, y)


@pytest.mark.parametrize(
    ("epsilon", "shown"),
    [(0, "0"), (0.0, r"0\.0"), (-1e-6, r"-1e-06"), ("a", "'a'"), (np.nan, "nan")]
    + [(np.inf, "inf"), (True, "True"), (None, "None")],
    ids=["0", "0.0", "negative", "a", "nan", "inf", "True", "None"],
)
@pytest.mark.parametrize("fitted", [False, True], ids=["unfitted", "fitted"])
def test_check_gradients_refuses_a_bad_epsilon(small_fit, epsilon, shown, fitted):
    clf, X, y = small_fit
    if not fitted:
        clf = clone(clf)
    with pytest.raises(ValueError, match=BAD_EPSILON.format(value=shown)):
        check_gradients(clf, X, y, epsilon=epsilon)


# -------------------------------------------------- the one-epoch fit of a clone


def _regression_problem(n_targets=1, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(25, 4))
    Y = rng.poisson(2.0, size=(25, n_targets)).astype(float)
    return X, Y[:, 0] if n_targets == 1 else Y


ESTIMATORS = {
    "classifier": (ScratchMLPClassifier, lambda: make_problem("multiclass")[:2]),
    "regressor": (ScratchMLPRegressor, _regression_problem),
}


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("kind", ESTIMATORS)
def test_unfitted_check_warns_nothing_and_checks_a_one_epoch_fit(kind, solver, capsys):
    """An unfitted model with early stopping on 6 rows (too few to hold out
    2), verbose: the check says nothing, and checks the weights of one epoch
    of training without early stopping."""
    cls, problem = ESTIMATORS[kind]
    X, y = problem()
    X, y = X[:6], y[:6]
    params = {"hidden_layer_sizes": (4,), "solver": solver, "random_state": 0}
    est = cls(**params, early_stopping=True, verbose=True, max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        errors = check_gradients(est, X, y)
    assert capsys.readouterr().out == ""
    assert not hasattr(est, "coefs_")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        one_epoch = cls(**params, max_iter=1).fit(X, y)
    assert errors == check_gradients(one_epoch, X, y)
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6


BAD_DATA = {
    "classifier": [
        ("nan_y", lambda X, y: (X, np.where(y == 0, np.nan, y), None)),
        ("continuous_y", lambda X, y: (X, np.linspace(0, 1, len(y)), None)),
        ("multioutput_y", lambda X, y: (X, np.c_[y, y], None)),
        ("short_y", lambda X, y: (X, y[:-1], None)),
        ("nan_X", lambda X, y: (np.where(X > 1, np.nan, X), y, None)),
        ("negative_weight", lambda X, y: (X, y, -np.ones(len(y)))),
        ("short_weight", lambda X, y: (X, y, np.ones(len(y) - 1))),
        ("weight_sum_overflows", lambda X, y: (X, y, np.full(len(y), 1e308))),
    ],
    "regressor": [
        ("nan_y", lambda X, y: (X, np.where(y == 0, np.nan, y), None)),
        ("inf_y", lambda X, y: (X, np.where(y == 0, np.inf, y), None)),
        ("string_y", lambda X, y: (X, np.array(["a"] * len(y)), None)),
        ("negative_weight", lambda X, y: (X, y, -np.ones(len(y)))),
        ("poisson_negative_y", lambda X, y: (X, -y, None)),
    ],
}


@pytest.mark.parametrize(
    ("kind", "bad"),
    [(kind, bad) for kind, rows in BAD_DATA.items() for bad in rows],
    ids=[f"{kind}-{bad[0]}" for kind, rows in BAD_DATA.items() for bad in rows],
)
def test_bad_data_fails_before_any_training_with_the_message_of_fit(
    monkeypatch, kind, bad
):
    cls, problem = ESTIMATORS[kind]
    X, y, sample_weight = bad[1](*problem())
    loss = {"loss": "poisson"} if bad[0] == "poisson_negative_y" else {}
    est = cls(hidden_layer_sizes=(3,), random_state=0, **loss)
    with pytest.raises(ValueError) as from_fit:
        clone(est).fit(X, y, sample_weight=sample_weight)

    def no_training(*args, **kwargs):
        raise AssertionError("training started")

    for solver in ("adam", "sgd", "lbfgs"):
        monkeypatch.setitem(skscratch._base.SOLVERS, solver, no_training)
    with pytest.raises(type(from_fit.value)) as from_check:
        check_gradients(est, X, y, sample_weight=sample_weight)
    assert str(from_check.value) == str(from_fit.value)


# ------------------------------------------------------------------- regressor


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("n_targets", [1, 3])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_backprop_of_the_regressor_matches_central_differences(solver, n_targets, loss):
    X, y = _regression_problem(n_targets)
    reg = ScratchMLPRegressor(
        hidden_layer_sizes=(5, 3),
        activation="tanh",
        loss=loss,
        alpha=0.3,
        solver=solver,
        max_iter=3,
        random_state=0,
    )
    sample_weight = np.random.RandomState(1).uniform(0.2, 3.0, size=25)
    errors = check_gradients(reg, X, y, sample_weight=sample_weight)
    assert len(errors["coefs_"]) == len(errors["intercepts_"]) == 3
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6


@pytest.mark.parametrize(
    ("loss", "name"),
    [
        ("squared_error", "half_mean_squared_error"),
        ("poisson", "half_poisson_deviance"),
    ],
)
def test_check_gradients_detects_a_wrong_regression_output_delta(
    monkeypatch, loss, name
):
    X, y = _regression_problem(n_targets=2)
    right = skscratch._losses.LOSSES[name]
    monkeypatch.setitem(
        skscratch._losses.LOSSES,
        name,
        right._replace(output_delta=lambda Y, A: 1.1 * right.output_delta(Y, A)),
    )
    reg = ScratchMLPRegressor(hidden_layer_sizes=(5,), loss=loss, random_state=0)
    errors = check_gradients(reg, X, y)
    assert min(errors["coefs_"] + errors["intercepts_"]) > 1e-3


# ------------------------------------------------------------ extreme inputs

OVERFLOW = (
    r"^The objective overflows at these inputs: it or its gradient is not finite "
    r"{where}, so there is no gradient to check\. Scale the inputs \(and the "
    r"targets\), or use a smaller epsilon\.$"
)


def test_objective_overflowing_at_the_weights_raises_without_warnings():
    X, y = _regression_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = ScratchMLPRegressor(hidden_layer_sizes=(4,), random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(
            ValueError, match=OVERFLOW.format(where="at the estimator's weights")
        ):
            check_gradients(reg, X * 1e300, y)


@pytest.mark.parametrize("kind", ESTIMATORS)
def test_objective_overflowing_at_the_moved_weights_raises_without_warnings(
    kind,
):
    cls, problem = ESTIMATORS[kind]
    X, y = problem()
    est = cls(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=2, random_state=0)
    where = r"at the weights moved by epsilon=1e\+300"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=OVERFLOW.format(where=where)):
            check_gradients(est, X, y, epsilon=1e300)


def test_saturated_classifier_gives_finite_errors_without_warnings():
    """At inputs near 1e300 the log-loss is finite (its probabilities are
    clipped) and its gradient huge: the errors are finite, and large, since
    the clipped objective is flat at the scale of epsilon."""
    X, y, _ = make_problem("multiclass")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = ScratchMLPClassifier(hidden_layer_sizes=(4,), random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        errors = check_gradients(clf, X * 1e300, y)
    values = np.array(errors["coefs_"] + errors["intercepts_"])
    assert np.isfinite(values).all()
    assert values.max() > 0.5


def test_relative_errors_of_huge_gradients_do_not_overflow():
    """A gradient of norm beyond the float range still compares exactly."""
    analytic = np.array([3e200, 4e200])
    assert _relative_error(analytic, analytic) == 0.0
    assert _relative_error(analytic, -analytic) == 1.0
    assert _relative_error(analytic, np.array([3e200, 0.0])) == pytest.approx(4 / 8)
    assert _relative_error(np.zeros(2), np.zeros(2)) == 0.0
