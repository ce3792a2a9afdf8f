"""Unit tests of ``_state``: the training state and the epoch checkpoint."""

from dataclasses import fields
from types import SimpleNamespace

import numpy as np
import pytest

from skscratch import ScratchMLPClassifier
from skscratch._history import History
from skscratch._params import FlatParameters
from skscratch._state import EpochCheckpoint, TrainingState

FIELD_NAMES = [f.name for f in fields(TrainingState)]
RECORDS = ("loss_curve_", "history_", "validation_scores_")


def _fitted_namespace(validation_scores=(0.5,)):
    """An object with every attribute of a fitted model, as ``of`` reads them."""
    return SimpleNamespace(
        coefs_=[np.ones((2, 1))],
        intercepts_=[np.zeros(1)],
        n_iter_=1,
        t_=10,
        loss_=0.7,
        best_loss_=0.7,
        best_validation_score_=None,
        loss_curve_=[0.7],
        history_=History([{"epoch": 1, "train_loss": 0.7}]),
        validation_scores_=None if validation_scores is None else [*validation_scores],
        _no_improvement_count=0,
        _optimizer=object(),
        _best_coefs=None,
        _best_intercepts=None,
    )


@pytest.fixture(scope="module")
def fitted():
    X, y = np.random.RandomState(0).normal(size=(20, 3)), np.arange(20) % 2
    model = ScratchMLPClassifier(hidden_layer_sizes=(2,), max_iter=2, random_state=0)
    return model.partial_fit(X, y, classes=[0, 1]).partial_fit(X, y)


def test_the_fields_are_attributes_of_a_fitted_model(fitted):
    missing = [name for name in FIELD_NAMES if not hasattr(fitted, name)]
    assert missing == []


def test_of_copies_the_records():
    model = _fitted_namespace()
    state = TrainingState.of(model, keep_optimizer=False)
    for name in RECORDS:
        record, original = getattr(state, name), getattr(model, name)
        assert record == original and record is not original
        assert type(record) is type(original)
        record.append("new")
    assert model.loss_curve_ == [0.7]
    assert model.history_ == [{"epoch": 1, "train_loss": 0.7}]
    assert model.validation_scores_ == [0.5]


def test_of_keeps_missing_validation_scores_missing():
    state = TrainingState.of(_fitted_namespace(None), keep_optimizer=False)
    assert state.validation_scores_ is None


def test_of_shares_the_weights_and_values():
    """The solver copies the weights before changing them; ``of`` need not."""
    model = _fitted_namespace()
    state = TrainingState.of(model, keep_optimizer=True)
    for name in FIELD_NAMES:
        if name not in RECORDS:
            assert getattr(state, name) is getattr(model, name), name


def test_of_drops_the_optimizer_unless_kept():
    model = _fitted_namespace()
    assert TrainingState.of(model, keep_optimizer=False)._optimizer is None
    assert TrainingState.of(model, keep_optimizer=True)._optimizer is model._optimizer


def test_commit_to_sets_exactly_the_fields():
    state = TrainingState.of(_fitted_namespace(), keep_optimizer=True)
    target = SimpleNamespace()
    state.commit_to(target)
    assert sorted(vars(target)) == sorted(FIELD_NAMES)
    for name in FIELD_NAMES:
        assert getattr(target, name) is getattr(state, name)


def test_of_then_commit_to_gives_back_the_fitted_attributes(fitted):
    target = SimpleNamespace()
    TrainingState.of(fitted, keep_optimizer=True).commit_to(target)
    for name in FIELD_NAMES:
        got, expected = getattr(target, name), getattr(fitted, name)
        assert got == expected if name in RECORDS else got is expected, name


def test_remember_as_best_keeps_copies():
    state = TrainingState([np.ones((2, 1))], [np.zeros(1)])
    state.remember_as_best(0.8)
    state.coefs_[0] += 1.0
    state.intercepts_[0] += 1.0
    assert state.best_validation_score_ == 0.8
    np.testing.assert_array_equal(state._best_coefs[0], np.ones((2, 1)))
    np.testing.assert_array_equal(state._best_intercepts[0], np.zeros(1))


def _state_on_a_flat_vector():
    params = FlatParameters.from_vector(np.zeros(3), [(2, 1), (1,)])
    state = TrainingState(params.coefs, params.intercepts, best_loss_=np.inf)
    return state, params.vector


def _train_an_epoch(state, weights, valid_score=None):
    """Change every field as an epoch of training does."""
    weights += 1.0
    state.n_iter_ += 1
    state.t_ += 10
    state.loss_ = state.best_loss_ = 1.0 / state.n_iter_
    state.loss_curve_.append(state.loss_)
    state.history_.append({"epoch": state.n_iter_})
    if valid_score is not None:
        state.validation_scores_.append(valid_score)
        state.remember_as_best(valid_score)
    state._no_improvement_count += 1
    state._optimizer = object()


def test_restore_truncates_the_records_and_restores_the_rest():
    state, weights = _state_on_a_flat_vector()
    state.validation_scores_ = []
    optimizer_before = object()
    coefs, intercepts = state.coefs_, state.intercepts_
    checkpoint = EpochCheckpoint(state, weights, optimizer_before)
    _train_an_epoch(state, weights, valid_score=0.6)
    checkpoint.save()
    saved = {name: getattr(state, name) for name in FIELD_NAMES}
    _train_an_epoch(state, weights, valid_score=0.9)
    _train_an_epoch(state, weights, valid_score=0.95)

    assert checkpoint.restore() is True
    np.testing.assert_array_equal(weights, [1.0, 1.0, 1.0])
    assert state.coefs_ is coefs and state.intercepts_ is intercepts
    assert state.loss_curve_ == [1.0]
    assert state.history_ == [{"epoch": 1}] and type(state.history_) is History
    assert state.validation_scores_ == [0.6]
    for name in ("n_iter_", "t_", "loss_", "best_loss_", "best_validation_score_"):
        assert getattr(state, name) == saved[name], name
    assert state._no_improvement_count == 1
    assert state._best_coefs is saved["_best_coefs"]
    assert state._optimizer is optimizer_before


def test_restore_removes_validation_scores_started_after_the_save():
    state, weights = _state_on_a_flat_vector()
    checkpoint = EpochCheckpoint(state, weights)
    state.validation_scores_ = []
    _train_an_epoch(state, weights, valid_score=0.5)
    checkpoint.restore()
    assert state.validation_scores_ is None
    assert state._optimizer is None  # no optimizer before the call


def test_restore_goes_back_to_the_last_save_only():
    state, weights = _state_on_a_flat_vector()
    checkpoint = EpochCheckpoint(state, weights)
    for _ in range(3):
        _train_an_epoch(state, weights)
        checkpoint.save()
    _train_an_epoch(state, weights)
    checkpoint.restore()
    np.testing.assert_array_equal(weights, [3.0, 3.0, 3.0])
    assert (state.n_iter_, state.t_, len(state.loss_curve_)) == (3, 30, 3)
