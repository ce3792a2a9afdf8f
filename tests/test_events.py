"""Unit tests of ``_events``: the listeners and the divergence check."""

from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.neural_network._multilayer_perceptron import BaseMultilayerPerceptron
from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

from skscratch._events import NoImprovementRule, Recorder, VerbosePrinter, divergence
from skscratch._history import History
from skscratch._optimizers import SGD, Adam
from skscratch._state import TrainingState


def _state(early_stopping=False):
    """A state prepared as the estimator prepares it for the stopping rule."""
    state = TrainingState([np.zeros((1, 1))], [np.zeros(1)], validation_scores_=[])
    if early_stopping:
        state.remember_as_best(-np.inf)
    else:
        state.best_loss_ = np.inf
    return state


def test_recorder_appends_the_epoch_figures():
    state = _state()
    first = {"epoch": 1, "train_loss": 0.9}
    second = {"epoch": 2, "train_loss": 0.7, "valid_loss": 0.8, "valid_score": 0.6}
    assert Recorder().on_epoch_end(state, first) is False
    assert Recorder().on_epoch_end(state, second) is False
    assert state.loss_curve_ == [0.9, 0.7]
    assert state.validation_scores_ == [0.6]
    assert state.history_ == [first, second] and state.history_[1] is second
    assert type(state.history_) is History


@pytest.mark.parametrize(
    ("record", "line"),
    [
        ({"train_loss": 0.123456789}, "Iteration 3, loss = 0.12345679"),
        (
            {"train_loss": 2.0, "valid_loss": 0.25, "valid_score": 0.8765432},
            "Iteration 3, loss = 2.00000000, validation loss = 0.25000000, "
            "validation score = 0.876543",
        ),
    ],
    ids=["training", "validation"],
)
def test_verbose_printer_prints_one_line(capsys, record, line):
    state = _state()
    state.n_iter_ = 3
    assert VerbosePrinter().on_epoch_end(state, record) is False
    assert capsys.readouterr().out == line + "\n"


NAN = float("nan")
# Improvements above and below tol, a NaN, then a plateau long enough for the
# adaptive schedule to decay down to its last learning rate.
TRAIN_LOSSES = [1.0, 0.5, 0.49995, 0.4999, 0.6, NAN, 0.4, 0.39995, *[0.4] * 22, 0.3]
VALID_SCORES = [0.5, 0.6, 0.6, NAN, 0.6, 0.60005, 0.7, 0.69, *[0.7] * 22, 0.8]


def _sklearn_outcomes(values, early_stopping, tol, n_iter_no_change, schedule):
    """Count, best value, stop and learning rate after each epoch, as
    MLPClassifier's ``_update_no_improvement_count`` and optimizer give them."""
    scores = iter(values)
    model = SimpleNamespace(
        tol=tol,
        verbose=False,
        loss_curve_=[],
        validation_scores_=[],
        best_loss_=np.inf,
        best_validation_score_=-np.inf,
        _no_improvement_count=0,
        coefs_=[np.zeros((1, 1))],
        intercepts_=[np.zeros(1)],
        _score=lambda X, y, sample_weight: next(scores),
    )
    optimizer = SGDOptimizer([np.zeros(1)], 0.1, schedule)
    outcomes = []
    for value in values:
        model.loss_curve_.append(value)
        BaseMultilayerPerceptron._update_no_improvement_count(
            model, early_stopping, None, None, None
        )
        stop = False
        if model._no_improvement_count > n_iter_no_change:
            stop = optimizer.trigger_stopping("", verbose=False)
            if not stop:
                model._no_improvement_count = 0
        best = model.best_validation_score_ if early_stopping else model.best_loss_
        outcomes.append(
            (model._no_improvement_count, best, stop, optimizer.learning_rate)
        )
        if stop:
            break
    return outcomes


def _our_outcomes(values, early_stopping, tol, n_iter_no_change, schedule):
    state = _state(early_stopping)
    state._optimizer = SGD([np.zeros(1)], 0.1, schedule, 0.9, True, 0.5)
    rule = NoImprovementRule(tol, n_iter_no_change, early_stopping, verbose=False)
    outcomes = []
    for value in values:
        record = (
            {"train_loss": 0.0, "valid_score": value}
            if early_stopping
            else {"train_loss": value}
        )
        stop = rule.on_epoch_end(state, record)
        best = state.best_validation_score_ if early_stopping else state.best_loss_
        outcomes.append(
            (state._no_improvement_count, best, stop, state._optimizer.learning_rate)
        )
        if stop:
            break
    return outcomes


@pytest.mark.parametrize("schedule", ["constant", "adaptive"])
@pytest.mark.parametrize("n_iter_no_change", [1, 2, 10])
@pytest.mark.parametrize("tol", [0.0, 1e-4, 0.2])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_stopping_rule_counts_and_resets_as_mlpclassifier(
    early_stopping, tol, n_iter_no_change, schedule
):
    values = VALID_SCORES if early_stopping else TRAIN_LOSSES
    args = (values, early_stopping, tol, n_iter_no_change, schedule)
    assert _our_outcomes(*args) == _sklearn_outcomes(*args)


def test_stopping_rule_keeps_copies_of_the_best_weights():
    state = _state(early_stopping=True)
    rule = NoImprovementRule(1e-4, 10, early_stopping=True, verbose=False)
    for weight, score in [(1.0, 0.5), (2.0, 0.4), (3.0, 0.9), (4.0, 0.9)]:
        state.coefs_[0][...] = weight
        state.intercepts_[0][...] = -weight
        rule.on_epoch_end(state, {"train_loss": 0.0, "valid_score": score})
    assert state.best_validation_score_ == 0.9
    np.testing.assert_array_equal(state._best_coefs[0], [[3.0]])
    np.testing.assert_array_equal(state._best_intercepts[0], [-3.0])
    assert not np.shares_memory(state._best_coefs[0], state.coefs_[0])


class _SpyOptimizer:
    """Records the epochs at which the rule asks it to stop or decay."""

    def __init__(self, stops):
        self.stops = stops
        self.calls = []
        self.epoch = 0

    def stop_or_decay(self):
        self.calls.append(self.epoch)
        return self.stops


@pytest.mark.parametrize(
    ("n_iter_no_change", "stops", "calls"),
    [(2, False, [4, 7, 10]), (2, True, [4]), (0, False, [2, 3, 4, 5, 6, 7, 8, 9, 10])],
)
def test_stop_or_decay_is_asked_only_past_n_iter_no_change(
    n_iter_no_change, stops, calls
):
    """A constant loss: the first epoch improves on inf, the others do not."""
    state = _state()
    state._optimizer = spy = _SpyOptimizer(stops)
    rule = NoImprovementRule(
        1e-4, n_iter_no_change, early_stopping=False, verbose=False
    )
    answers = []
    for spy.epoch in range(1, 11):
        answers.append(rule.on_epoch_end(state, {"train_loss": 1.0}))
        if answers[-1]:
            break
    assert spy.calls == calls
    assert answers == [epoch in calls and stops for epoch in range(1, len(answers) + 1)]


def test_stop_or_decay_is_never_asked_with_infinite_patience():
    state = _state()
    state._optimizer = spy = _SpyOptimizer(True)
    rule = NoImprovementRule(1e-4, np.inf, early_stopping=False, verbose=False)
    for _ in range(50):
        assert rule.on_epoch_end(state, {"train_loss": 1.0}) is False
    assert spy.calls == [] and state._no_improvement_count == 49


@pytest.mark.parametrize(
    ("early_stopping", "line"),
    [
        (False, "Training loss did not improve more than tol=0.000100 for 1 "),
        (True, "Validation score did not improve more than tol=0.000100 for 1 "),
    ],
)
def test_stopping_rule_says_why_when_verbose(capsys, early_stopping, line):
    state = _state(early_stopping)
    state._optimizer = _SpyOptimizer(True)
    rule = NoImprovementRule(1e-4, 1, early_stopping, verbose=True)
    record = {"train_loss": 1.0, "valid_score": 0.5}
    stops = [rule.on_epoch_end(state, record) for _ in range(3)]
    assert stops == [False, False, True]
    assert capsys.readouterr().out == line + "consecutive epochs.\n"


def _overflowed_adam():
    adam = Adam([np.zeros(2)], 0.1, 0.9, 0.999, 1e-8)
    adam.second_moments[0][1] = np.inf
    return adam


@pytest.mark.parametrize(
    ("loss", "weights", "optimizer", "reason"),
    [
        (NAN, [1.0], None, "loss nan"),
        (np.inf, [1.0], None, "loss inf"),
        (-np.inf, [1.0], None, "loss -inf"),
        (NAN, [1e200], _overflowed_adam(), "loss nan"),  # the loss is named first
        (0.5, [1e200, 1.0], None, "weights too large to square"),
        (0.5, [np.inf], None, "weights too large to square"),
        (0.5, [1e200], _overflowed_adam(), "weights too large to square"),
        (
            0.5,
            [1.0],
            _overflowed_adam(),
            "the optimizer's gradient statistics overflowed",
        ),
        (0.5, [1e150, -1e150], Adam([np.zeros(2)], 0.1, 0.9, 0.999, 1e-8), None),
        (0.5, [1.0], SGD([np.zeros(1)], 0.1, "constant", 0.9, True, 0.5), None),
    ],
)
def test_divergence_names_each_reason(loss, weights, optimizer, reason):
    assert divergence(loss, np.array(weights), optimizer) == reason
