"""Unit tests of ``_solvers`` on a network without hidden layer.

Without a hidden layer, a binary network is logistic regression: each epoch of
the stochastic solver is a few gradient steps written out by hand here, and
L-BFGS must find scikit-learn's ``LogisticRegression`` with ``C = 1 / alpha``.
"""

import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.neural_network._base import LOSS_FUNCTIONS as SKLEARN_LOSSES

from skscratch import ScratchMLPClassifier
from skscratch._events import EpochListener, NoImprovementRule, Recorder
from skscratch._network import objective_and_gradients
from skscratch._solvers import Diverged, Problem, fit_lbfgs, fit_stochastic
from skscratch._state import TrainingState
from skscratch._targets import ClassTargets

RNG = np.random.RandomState(0)
X = RNG.normal(size=(22, 3))
y = (X @ [1.0, -2.0, 0.5] + RNG.normal(size=22) > 0).astype(int)
WEIGHTS = RNG.uniform(0.2, 2.0, 22)
TARGETS = ClassTargets(np.array([0, 1]), "binary", "log_loss")
Y = TARGETS.encode(y)


def _problem(alpha=0.1, sample_weight=WEIGHTS, **extra):
    return Problem(
        X, Y, sample_weight, "relu", TARGETS.loss_name, alpha, TARGETS, **extra
    )


def _initial_state():
    state = TrainingState([np.array([[0.3], [-0.2], [0.1]])], [np.array([0.05])])
    state.best_loss_ = np.inf
    return state


def _hand_objective(W, b, rows, alpha):
    """Weighted log-loss plus L2 term on ``X[rows]``, its gradient, and p."""
    x, t, s = X[rows], y[rows, np.newaxis], WEIGHTS[rows]
    p = expit(x @ W + b)
    losses = -(t * np.log(p) + (1 - t) * np.log(1 - p))[:, 0]
    objective = (s @ losses + 0.5 * alpha * np.sum(W**2)) / s.sum()
    error = s[:, np.newaxis] * (p - t)
    return (
        objective,
        (x.T @ error + alpha * W) / s.sum(),
        error.sum(axis=0) / s.sum(),
        p,
    )


class _Spy(EpochListener):
    """A listener keeping each record and a copy of the weights it was made at;
    asks to stop at ``stop_at``, and runs ``act(state)`` at ``act_at``."""

    def __init__(self, stop_at=None, act_at=None, act=None):
        self.records, self.weights = [], []
        self.stop_at, self.act_at, self.act = stop_at, act_at, act

    def on_epoch_end(self, state, record):
        self.records.append(record)
        self.weights.append([a.copy() for a in state.coefs_ + state.intercepts_])
        if state.n_iter_ == self.act_at:
            self.act(state)
        return state.n_iter_ == self.stop_at


# ------------------------------------------------------------------- Problem


def test_problem_on_all_rows():
    problem = _problem()
    assert problem.n_training_rows == 22
    assert problem.epoch_rows(np.arange(22), shuffled=False) is None
    order = RNG.permutation(22)
    assert problem.epoch_rows(order, shuffled=True) is order
    targets, weights = problem.training_targets()
    assert targets is Y and weights is WEIGHTS


def test_problem_on_selected_rows():
    rows = np.array([4, 0, 9, 2])
    problem = _problem(rows=rows)
    assert problem.n_training_rows == 4
    np.testing.assert_array_equal(
        problem.epoch_rows(np.array([3, 1, 0, 2]), True), [2, 0, 4, 9]
    )
    targets, weights = problem.training_targets()
    np.testing.assert_array_equal(targets, Y[rows])
    np.testing.assert_array_equal(weights, WEIGHTS[rows])


def test_validation_record_is_sklearns_loss_and_the_accuracy():
    W, b = np.array([[0.3], [-0.2], [0.1]]), np.array([0.05])
    assert _problem().validation_record([W], [b]) == {}
    record = _problem(validation=(X[:10], Y[:10], None)).validation_record([W], [b])
    p = expit(X[:10] @ W + b)
    expected_loss = SKLEARN_LOSSES["binary_log_loss"](Y[:10].astype(float), p)
    assert record["valid_loss"] == pytest.approx(expected_loss, rel=1e-14)
    assert record["valid_score"] == accuracy_score(y[:10], p[:, 0] > 0.5)


# ------------------------------------------------------------ the stochastic loop


def _sgd(**params):
    defaults = dict(solver="sgd", momentum=0.0, learning_rate_init=0.5, shuffle=False)
    return ScratchMLPClassifier(**{**defaults, **params})


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("batch_size", [22, 8])
def test_an_epoch_is_gradient_steps_on_its_batches(batch_size, shuffle):
    state, spy = _initial_state(), _Spy()
    settings = _sgd(batch_size=batch_size, shuffle=shuffle)
    fit_stochastic(_problem(), state, [spy], settings, np.random.RandomState(3), True)

    order = np.arange(22)
    if shuffle:
        np.random.RandomState(3).shuffle(order)
    W, b = np.array([[0.3], [-0.2], [0.1]]), np.array([0.05])
    loss = correct = 0.0
    for start in range(0, 22, batch_size):
        rows = order[start : start + batch_size]
        objective, grad_W, grad_b, p = _hand_objective(W, b, rows, alpha=0.1)
        loss += objective * rows.shape[0]
        correct += WEIGHTS[rows] @ ((p[:, 0] > 0.5) == y[rows])
        W, b = W - 0.5 * grad_W, b - 0.5 * grad_b
    [record] = spy.records
    assert record["epoch"] == 1 and record["learning_rate"] == 0.5
    assert record["train_loss"] == pytest.approx(loss / 22, rel=1e-13)
    assert record["train_score"] == pytest.approx(correct / WEIGHTS.sum(), rel=1e-14)
    assert (state.n_iter_, state.t_, state.loss_) == (1, 22, record["train_loss"])
    np.testing.assert_allclose(state.coefs_[0], W, rtol=1e-13)
    np.testing.assert_allclose(state.intercepts_[0], b, rtol=1e-13)


def test_training_stops_when_a_listener_asks_and_every_listener_is_called():
    state, stopper, other = _initial_state(), _Spy(stop_at=3), _Spy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_stochastic(
            _problem(),
            state,
            [Recorder(), stopper, other],
            _sgd(max_iter=10),
            None,
            False,
        )
    assert state.n_iter_ == 3
    assert [r["epoch"] for r in other.records] == [1, 2, 3]


@pytest.mark.parametrize("incremental", [False, True])
def test_max_iter_warns_unless_incremental(incremental):
    state, spy = _initial_state(), _Spy()
    settings = _sgd(max_iter=3)
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        fit_stochastic(_problem(), state, [spy], settings, None, incremental)
    assert state.n_iter_ == len(spy.records) == (1 if incremental else 3)
    messages = [str(r.message) for r in records if r.category is ConvergenceWarning]
    expected = (
        "Stochastic Optimizer: Maximum iterations (3) reached and the "
        "optimization hasn't converged yet."
    )
    assert messages == ([] if incremental else [expected])


def _corrupt(value):
    def act(state):
        for array in state.coefs_ + state.intercepts_:
            array[...] = value

    return act


@pytest.mark.parametrize(
    ("value", "reason"), [(1e200, "weights too large to square"), (np.nan, "loss nan")]
)
def test_divergence_raises_with_its_reason_and_epoch(value, reason):
    spy = _Spy(act_at=1, act=_corrupt(value))
    with pytest.raises(
        Diverged, match=rf"non-finite parameter weights \({reason} at epoch 2\)"
    ):
        fit_stochastic(
            _problem(alpha=0.0), _initial_state(), [spy], _sgd(max_iter=5), None, False
        )
    assert issubclass(Diverged, ValueError)


def test_divergence_with_early_stopping_keeps_the_best_weights():
    state, spy = _initial_state(), _Spy(act_at=2, act=_corrupt(1e200))
    state.best_loss_, state.validation_scores_ = None, []
    state.remember_as_best(-np.inf)
    rule = NoImprovementRule(1e-4, 10, early_stopping=True, verbose=False)
    problem = _problem(alpha=0.0, validation=(X[:8], Y[:8], None), early_stopping=True)
    settings = _sgd(max_iter=10, early_stopping=True)
    with pytest.warns(
        ConvergenceWarning, match="^Training diverged at epoch 3: the weights"
    ):
        fit_stochastic(problem, state, [Recorder(), rule, spy], settings, None, False)
    assert state.n_iter_ == 3 and len(state.validation_scores_) == 3
    best = int(np.argmax(state.validation_scores_[:2]))
    assert state.best_validation_score_ == state.validation_scores_[best]
    for kept, expected in zip(
        state.coefs_ + state.intercepts_, spy.weights[best], strict=True
    ):
        np.testing.assert_array_equal(kept, expected)


# -------------------------------------------------------------------- L-BFGS


def _lbfgs(**params):
    return ScratchMLPClassifier(
        **{"solver": "lbfgs", "max_iter": 500, "tol": 1e-10, **params}
    )


@pytest.mark.parametrize("alpha", [0.5, 4.0])
def test_lbfgs_finds_logistic_regression(alpha):
    state = _initial_state()
    fit_lbfgs(_problem(alpha=alpha), state, [Recorder()], _lbfgs())
    reference = LogisticRegression(C=1 / alpha, tol=1e-10, max_iter=1000)
    reference.fit(X, y, sample_weight=WEIGHTS)
    # Like MLPClassifier's, the minimisation also stops on scipy's default
    # relative reduction of the objective: the gradient is then about 1e-7.
    np.testing.assert_allclose(state.coefs_[0][:, 0], reference.coef_[0], atol=1e-5)
    np.testing.assert_allclose(state.intercepts_[0], reference.intercept_, atol=1e-5)
    assert state.n_iter_ == len(state.loss_curve_)
    assert state.best_loss_ == min(state.loss_curve_)
    assert state.loss_ == pytest.approx(state.loss_curve_[-1], rel=1e-12)


def test_lbfgs_records_each_iteration_at_its_weights():
    state, spy = _initial_state(), _Spy()
    fit_lbfgs(_problem(), state, [Recorder(), spy], _lbfgs())
    scored = 0
    for record, (W, b) in zip(spy.records, spy.weights, strict=True):
        objective, _, _, activations = objective_and_gradients(
            [W], [b], X, Y, "relu", TARGETS.loss_name, 0.1, WEIGHTS
        )
        assert record["train_loss"] == objective
        assert record["learning_rate"] is None
        if record["train_score"] is not None:
            scored += 1
            predicted = activations[-1][:, 0] > 0.5
            expected = accuracy_score(y, predicted, sample_weight=WEIGHTS)
            assert record["train_score"] == pytest.approx(expected, rel=1e-15)
    assert scored > 0
    assert [r["epoch"] for r in spy.records] == list(range(1, state.n_iter_ + 1))


def test_lbfgs_stops_after_the_iteration_a_listener_asks_to():
    state, spy = _initial_state(), _Spy(stop_at=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit_lbfgs(_problem(), state, [spy], _lbfgs())
    assert state.n_iter_ == len(spy.records) == 2
    for kept, expected in zip(
        state.coefs_ + state.intercepts_, spy.weights[1], strict=True
    ):
        np.testing.assert_array_equal(kept, expected)


def test_lbfgs_warns_when_max_iter_is_reached():
    state = _initial_state()
    with pytest.warns(
        ConvergenceWarning, match=r"^lbfgs failed to converge after 2 iter"
    ):
        fit_lbfgs(_problem(), state, [Recorder()], _lbfgs(max_iter=2))
    assert state.n_iter_ == len(state.loss_curve_) == 2


def test_lbfgs_with_a_non_finite_objective_raises():
    state = _initial_state()
    state.coefs_[0][0, 0] = np.nan
    with pytest.raises(Diverged, match=r"non-finite parameter weights \(loss nan\)"):
        fit_lbfgs(_problem(), state, [Recorder()], _lbfgs())
