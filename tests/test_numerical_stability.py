"""Numerical stability at extreme but valid inputs, and interrupted training.

pytest turns every RuntimeWarning (overflow, invalid value, division by zero)
into an error, so each test here also checks that no such warning escapes.
"""

import copy
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

import skscratch._solvers
from skscratch import ScratchMLPClassifier
from skscratch._activations import (
    HIDDEN_ACTIVATIONS,
    logistic,
    softmax,
)
from skscratch._events import NoImprovementRule, Recorder
from skscratch._history import History
from skscratch._losses import LOSSES, mean_loss
from skscratch._network import initialize_parameters
from skscratch._solvers import Problem
from skscratch._state import EpochCheckpoint, TrainingState

from .assertions import assert_same_weights

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def extreme_z(dtype):
    """Infinities, the largest floats, and ordinary values, in ``dtype``."""
    big = np.finfo(dtype).max
    values = [-np.inf, -big, -big / 1e8, -745.0, -40.0, 0.0, 40.0, big / 1e8, np.inf]
    return np.array(values, dtype=dtype)


FLOAT_TYPES = (np.float32, np.float64)


# ------------------------------------------------------------------ primitives


@pytest.mark.parametrize("dtype", FLOAT_TYPES)
def test_logistic_at_extreme_z(dtype):
    z = extreme_z(dtype)
    a = logistic(z)
    assert a.dtype == dtype
    assert np.all((a >= 0) & (a <= 1))
    assert a[0] == a[1] == a[2] == 0 and a[-1] == a[-2] == 1
    assert a[5] == 0.5
    # 1 / (1 + exp(40)) is about 4.2e-18: representable, so not rounded to 0.
    np.testing.assert_allclose(a[4], np.exp(-40.0) / (1 + np.exp(-40.0)), rtol=1e-6)
    np.testing.assert_allclose(a[4] + a[6], 1, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("dtype", FLOAT_TYPES)
def test_hidden_activations_and_derivatives_at_extreme_z(name, dtype):
    activation = HIDDEN_ACTIVATIONS[name]
    z = extreme_z(dtype)[1:-1]  # finite inputs
    a = activation.function(z)
    assert a.dtype == dtype
    assert np.isfinite(a).all()
    slope = activation.derivative(z)
    assert slope.dtype == dtype
    assert np.isfinite(slope).all()
    for factor in activation.derivative_factors(z if activation.needs_z else a):
        assert np.isfinite(factor).all()


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("dtype", FLOAT_TYPES)
def test_hidden_activations_take_their_limits_at_infinity(name, dtype):
    """No NaN is created: ``f(±inf)`` is ``f(±largest)``, or an infinity of its
    sign; NaN itself propagates."""
    function = HIDDEN_ACTIVATIONS[name].function
    largest = np.finfo(dtype).max
    at_inf = function(np.array([-np.inf, np.inf], dtype=dtype))
    at_largest = function(np.array([-largest, largest], dtype=dtype))
    assert at_inf.dtype == dtype
    assert not np.isnan(at_inf).any()
    same = np.where(
        np.isinf(at_inf), np.sign(at_inf) == np.sign(at_largest), at_inf == at_largest
    )
    assert same.all()
    assert np.isnan(function(np.array([np.nan], dtype=dtype))).all()  # propagated


@pytest.mark.parametrize("dtype", FLOAT_TYPES)
def test_softmax_rows_sum_to_one_at_extreme_z(dtype):
    z = np.array(
        [
            [1e300, 1e300, -1e300],
            [-1e300, -1e300, -1e300],
            [-1e308, 1e308, 0.0],  # the shift itself overflows
            [1e-300, 0.0, -1e-300],
            [np.inf, 0.0, np.inf],
            [-np.inf, -np.inf, -np.inf],
            [-np.inf, 0.0, 1.0],
        ]
    )
    with np.errstate(over="ignore"):  # 1e308 does not fit in float32
        z = z.astype(dtype)
    a = softmax(z)
    assert a.dtype == dtype
    assert np.isfinite(a).all()
    np.testing.assert_allclose(a.sum(axis=1), 1, rtol=1e-6)
    third = dtype(1) / 3
    np.testing.assert_allclose(a[0], [0.5, 0.5, 0], rtol=1e-6)
    np.testing.assert_allclose(a[1], [third] * 3, rtol=1e-6)
    np.testing.assert_array_equal(a[2], [0, 1, 0])
    np.testing.assert_allclose(a[3], [third] * 3, rtol=1e-6)
    np.testing.assert_array_equal(a[4], [0.5, 0, 0.5])
    np.testing.assert_allclose(a[5], [third] * 3, rtol=1e-6)
    np.testing.assert_allclose(a[6], [0, 1 / (1 + np.e), np.e / (1 + np.e)])


def test_softmax_is_shift_invariant_and_propagates_nan():
    z = np.random.RandomState(0).normal(size=(20, 4)) * 10
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax(z), expected, rtol=1e-12)
    np.testing.assert_allclose(softmax(z + 1e3), expected, rtol=1e-9)
    with_nan = softmax(np.array([[np.nan, 1.0], [0.0, 0.0]]))
    assert np.isnan(with_nan[0]).all()
    np.testing.assert_array_equal(with_nan[1], [0.5, 0.5])


def test_softmax_leaves_input_alone():
    z = np.array([[np.inf, 1.0], [1e308, -1e308]])
    original = z.copy()
    softmax(z)
    np.testing.assert_array_equal(z, original)


PROBABILITY_LOSSES = sorted(
    name
    for name, loss in LOSSES.items()
    if loss.output_activation in ("softmax", "logistic")
)


@pytest.mark.parametrize("name", PROBABILITY_LOSSES)
@pytest.mark.parametrize("dtype", FLOAT_TYPES)
def test_losses_finite_at_saturated_outputs(name, dtype):
    loss = LOSSES[name]
    # Outputs of the output activation at extreme z: exactly 0 and 1.
    z = np.array([[-1e300, 1e300], [1e300, -1e300], [0.0, 0.0]], dtype=np.float64)
    activation = softmax if loss.output_activation == "softmax" else logistic
    A = activation(z).astype(dtype)
    Y = np.array([[1, 0], [1, 0], [0, 1]], dtype=dtype)
    per_sample = loss.elementwise(Y, A).sum(axis=1)
    delta = loss.output_delta(Y, A)
    assert per_sample.dtype == dtype and delta.dtype == dtype
    assert np.isfinite(per_sample).all() and np.isfinite(delta).all()
    assert np.all(per_sample >= 0)
    # A completely wrong, saturated output costs at most -log(eps) per unit.
    assert per_sample.max() <= 2 * -np.log(np.finfo(dtype).eps) * (1 + 1e-6)
    assert per_sample[1] < per_sample[0]  # the right answer costs less
    weights = np.array([1e-300, 1.0, 1e300])
    assert np.isfinite(mean_loss(loss, Y, A, weights))


def test_cross_entropy_at_extreme_values():
    eps = np.finfo(np.float64).eps
    Y, A = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    np.testing.assert_allclose(
        LOSSES["categorical_cross_entropy"].elementwise(Y, A).sum(axis=1),
        [-np.log(eps)],
    )
    np.testing.assert_allclose(
        LOSSES["binary_cross_entropy"].elementwise(Y, A).sum(axis=1),
        [-np.log(eps) - np.log1p(-(1 - eps))],
    )


# ------------------------------------------------------- estimator predictions

RNG = np.random.RandomState(0)
X = RNG.normal(size=(60, 4))
y = np.arange(60) % 3
TARGETS = {
    "binary": y % 2,
    "multiclass": y,
    "multilabel": np.c_[y == 0, y == 1, X[:, 0] > 0].astype(int),
}
SCALES = {
    "huge": np.full(4, 1e300),
    "minus_huge": np.full(4, -1e300),
    "tiny": np.full(4, 1e-300),
    "mixed": np.array([1e300, 1e-300, 1.0, -1e150]),
}
ACTIVATIONS = tuple(sorted(HIDDEN_ACTIVATIONS))
# f(+inf) = +inf: a unit that overflows stays infinite.
UNBOUNDED_ACTIVATIONS = [
    name
    for name in ACTIVATIONS
    if HIDDEN_ACTIVATIONS[name].function(np.array([np.inf]))[0] == np.inf
]
LOSS_NAMES = ("log_loss", "squared_error")


@pytest.fixture(scope="module")
def fitted_models():
    models = {}
    for activation in ACTIVATIONS:
        for loss in LOSS_NAMES:
            for target, labels in TARGETS.items():
                models[activation, loss, target] = ScratchMLPClassifier(
                    hidden_layer_sizes=(5,),
                    activation=activation,
                    loss=loss,
                    max_iter=5,
                    random_state=0,
                ).fit(X, labels)
    return models


def _check_probabilities(est, target, proba):
    assert proba.shape == (X.shape[0], len(est.classes_))
    assert np.isfinite(proba).all()
    assert np.all((proba >= 0) & (proba <= 1))
    if target != "multilabel":
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-12)
        np.testing.assert_array_equal(
            est.predict(X), est.classes_[est.predict_proba(X).argmax(axis=1)]
        )


@pytest.mark.parametrize("scale", sorted(SCALES))
@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("loss", LOSS_NAMES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_predict_proba_finite_at_extreme_inputs(
    fitted_models, activation, loss, target, scale
):
    est = fitted_models[activation, loss, target]
    X_extreme = X * SCALES[scale]
    proba = est.predict_proba(X_extreme)
    _check_probabilities(est, target, proba)
    log_proba = est.predict_log_proba(X_extreme)
    assert not np.isnan(log_proba).any()
    assert np.all(log_proba <= 0)
    np.testing.assert_allclose(np.exp(log_proba), proba, rtol=1e-12, atol=0)
    if target == "multilabel" or scale == "tiny":
        # Clipped label probabilities, or inputs that barely move the outputs:
        # no probability is 0, so the logarithm is finite.
        assert np.isfinite(log_proba).all()
    predictions = est.predict(X_extreme)
    assert predictions.shape[0] == X.shape[0]


NO_PREFERENCE = {
    "binary": [0.5, 0.5],
    "multiclass": [1 / 3] * 3,
    "multilabel": [0.5] * 3,
}


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("loss", LOSS_NAMES)
@pytest.mark.parametrize("activation", UNBOUNDED_ACTIVATIONS)
def test_undetermined_rows_get_no_preference_outputs(
    fitted_models, activation, loss, target
):
    est = copy.deepcopy(fitted_models[activation, loss, target])
    # On the first row, hidden units 0 and 1 overflow to +inf (4 * 1e308), and
    # every output unit gets inf - inf from them: undetermined, in any summation
    # order and with or without fused multiply-add. The second row is ordinary.
    est.coefs_[0][:] = 0
    est.coefs_[0][0, :2] = 4.0
    est.coefs_[1][0] = 1.0
    est.coefs_[1][1] = -1.0
    X_undetermined = np.array([[1e308, 0.0, 0.0, 0.0], X[0]])
    proba = est.predict_proba(X_undetermined)
    np.testing.assert_allclose(proba[0], NO_PREFERENCE[target], rtol=1e-15)
    np.testing.assert_allclose(proba[1], est.predict_proba(X[:1])[0], rtol=1e-12)
    np.testing.assert_allclose(
        est.predict_log_proba(X_undetermined[:1]), np.log(proba[:1]), rtol=1e-15
    )
    predictions = est.predict(X_undetermined[:1])
    if target == "multilabel":
        np.testing.assert_array_equal(predictions, [[0, 0, 0]])
    else:
        np.testing.assert_array_equal(predictions, est.classes_[:1])


def test_predict_proba_on_ordinary_inputs_has_finite_log(fitted_models):
    for est in fitted_models.values():
        assert np.isfinite(est.predict_log_proba(X)).all()


# ------------------------------------------------------------ fitting extremes


def _fit_or_non_finite_error(params, X_fit, labels):
    est = ScratchMLPClassifier(**params)
    try:
        est.fit(X_fit, labels)
    except ValueError as error:
        assert "non-finite" in str(error)
        assert not hasattr(est, "coefs_")
        return None
    assert all(np.isfinite(p).all() for p in est.coefs_ + est.intercepts_)
    assert np.isfinite(est.loss_)
    return est


@pytest.mark.parametrize("scale", ["tiny"])
@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fit_on_tiny_inputs_without_warnings(activation, solver, target, scale):
    params = {
        "hidden_layer_sizes": (5,),
        "activation": activation,
        "solver": solver,
        "max_iter": 10,
        "random_state": 0,
    }
    est = _fit_or_non_finite_error(params, X * SCALES[scale], TARGETS[target])
    assert est is not None
    _check_probabilities(est, target, est.predict_proba(X))


# Overflow on the way (forward pass, Adam's second moment, L-BFGS's line
# search) must not escape as a RuntimeWarning: the outcome is finite weights
# and a finite loss, or the documented ValueError with the model left unfitted.
@pytest.mark.parametrize("scale", ["huge", "minus_huge", "mixed"])
@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("loss", LOSS_NAMES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fit_on_huge_inputs_is_finite_or_raises(
    activation, loss, solver, target, scale
):
    params = {
        "hidden_layer_sizes": (5,),
        "activation": activation,
        "loss": loss,
        "solver": solver,
        "max_iter": 10,
        "random_state": 0,
    }
    est = _fit_or_non_finite_error(params, X * SCALES[scale], TARGETS[target])
    if est is not None:
        _check_probabilities(est, target, est.predict_proba(X))


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_float32_inputs_whose_sums_overflow_validate_without_warnings(solver):
    """Finite float32 values near the largest one: their sum overflows to inf
    or NaN inside scikit-learn's finiteness check, which must stay silent."""
    huge = np.where(X > 0, 3e38, -3e38).astype(np.float32)
    params = {"hidden_layer_sizes": (5,), "solver": solver, "random_state": 0}
    _fit_or_non_finite_error(params, huge, TARGETS["multiclass"])
    est = ScratchMLPClassifier(**params).fit(
        X.astype(np.float32), TARGETS["multiclass"], X_val=huge, y_val=y
    )
    _check_probabilities(est, "multiclass", est.predict_proba(huge))


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_adam_whose_squared_gradients_overflow_raises(target):
    # Gradients around 1e300 square to inf: Adam's steps would be 0 from then
    # on, freezing the weights without any non-finite weight to show for it.
    est = ScratchMLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    with pytest.raises(
        ValueError,
        match=r"^Solver produced non-finite parameter weights \(the optimizer's "
        r"gradient statistics overflowed at epoch 1\)\.",
    ):
        est.fit(X * SCALES["huge"], TARGETS[target])
    assert not hasattr(est, "coefs_")


def test_huge_power_t_learning_rate_underflows_to_zero():
    est = ScratchMLPClassifier(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate="invscaling",
        power_t=1e3,
        max_iter=3,
        random_state=0,
    ).fit(X, y)
    assert est.history_[:, "learning_rate"] == [1e-3, 0.0, 0.0]
    assert all(np.isfinite(p).all() for p in est.coefs_ + est.intercepts_)
    _check_probabilities(est, "multiclass", est.predict_proba(X))


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_huge_alpha_is_finite_or_raises(solver):
    params = {
        "hidden_layer_sizes": (3,),
        "solver": solver,
        "alpha": 1e308,
        "max_iter": 5,
        "random_state": 0,
    }
    est = _fit_or_non_finite_error(params, X, y)
    if est is not None:
        _check_probabilities(est, "multiclass", est.predict_proba(X))


# ------------------------------------------------------------ KeyboardInterrupt

INTERRUPT_PARAMS = {
    "hidden_layer_sizes": (5,),
    "batch_size": 20,  # 3 mini-batches per epoch on 60 samples
    "max_iter": 50,
    "random_state": 0,
}


def _interrupt_on_call(monkeypatch, call_number):
    """Make the training loop's objective raise KeyboardInterrupt on a given call."""
    original = skscratch._solvers.objective_and_gradients
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(None)
        if len(calls) == call_number:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(skscratch._solvers, "objective_and_gradients", interrupted)


@pytest.mark.parametrize(
    ("extra_params", "call_number", "completed_epochs"),
    [
        ({"solver": "sgd"}, 11, 3),  # the second batch of epoch 4
        ({"solver": "adam"}, 13, 4),  # the first batch of epoch 5
        # 54 training samples after the split: 3 batches per epoch; the weights
        # kept are those of the best epoch so far, as after any early stopping.
        ({"solver": "adam", "early_stopping": True}, 14, 4),
        ({"solver": "lbfgs"}, 9, None),  # whatever iterations L-BFGS completed
    ],
    ids=["sgd", "adam", "adam-early-stopping", "lbfgs"],
)
def test_keyboard_interrupt_keeps_last_completed_epoch(
    monkeypatch, extra_params, call_number, completed_epochs
):
    params = {**INTERRUPT_PARAMS, **extra_params}
    _interrupt_on_call(monkeypatch, call_number)
    est = ScratchMLPClassifier(**params)
    with pytest.warns(UserWarning, match="^Training interrupted by user.$"):
        assert est.fit(X, y) is est
    monkeypatch.undo()

    if completed_epochs is not None:
        assert est.n_iter_ == completed_epochs
        n_train = X.shape[0] - (6 if est.early_stopping else 0)
        assert est.t_ == completed_epochs * n_train
    assert est.n_iter_ > 0
    assert len(est.loss_curve_) == len(est.history_) == est.n_iter_
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = ScratchMLPClassifier(**{**params, "max_iter": est.n_iter_}).fit(
            X, y
        )
    assert_same_weights(est, reference)
    assert est.loss_ == reference.loss_
    assert est.loss_curve_ == reference.loss_curve_
    np.testing.assert_array_equal(est.predict_proba(X), reference.predict_proba(X))
    assert est.score(X, y) == reference.score(X, y)


def test_keyboard_interrupt_in_first_epoch_keeps_initial_weights(monkeypatch):
    params = {**INTERRUPT_PARAMS, "solver": "sgd"}
    _interrupt_on_call(monkeypatch, 2)
    est = ScratchMLPClassifier(**params)
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        est.fit(X, y)
    assert est.n_iter_ == 0 and est.loss_curve_ == [] and len(est.history_) == 0
    coefs, intercepts = initialize_parameters(
        [4, 5, 3], "glorot_uniform", "relu", check_random_state(0), np.float64
    )
    for got, expected in zip(
        est.coefs_ + est.intercepts_, coefs + intercepts, strict=True
    ):
        np.testing.assert_array_equal(got, expected)
    assert est.predict(X).shape == y.shape


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_interrupted_model_can_continue_training(monkeypatch, solver):
    params = {**INTERRUPT_PARAMS, "solver": solver, "warm_start": True}
    _interrupt_on_call(monkeypatch, 8)  # the second batch of epoch 3
    est = ScratchMLPClassifier(**params)
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        est.fit(X, y)
    monkeypatch.undo()
    assert est.n_iter_ == 2
    est.partial_fit(X, y)
    assert len(est.history_) == 3
    assert np.isfinite(est.predict_proba(X)).all()


def test_interrupted_fit_starts_a_fresh_optimizer(monkeypatch):
    """The optimizer's statistics of the interrupted epoch are not kept."""
    params = {**INTERRUPT_PARAMS, "solver": "adam", "warm_start": True}
    _interrupt_on_call(monkeypatch, 8)  # the second batch of epoch 3
    est = ScratchMLPClassifier(**params)
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        est.fit(X, y)
    monkeypatch.undo()
    assert est._optimizer is None
    est.partial_fit(X, y)
    assert est._optimizer.t == 3  # three batches of one epoch, from a new Adam


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_interrupted_partial_fit_leaves_the_model_as_it_was(monkeypatch, solver):
    params = {**INTERRUPT_PARAMS, "solver": solver, "momentum": 0.9}
    est = ScratchMLPClassifier(**params).partial_fit(X, y, classes=np.unique(y))
    before = copy.deepcopy(est)
    _interrupt_on_call(monkeypatch, 2)  # the second batch of this call
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        est.partial_fit(X, y)
    monkeypatch.undo()
    assert_same_weights(est, before)
    for got, expected in zip(
        est._optimizer.state_arrays(), before._optimizer.state_arrays(), strict=True
    ):
        np.testing.assert_array_equal(got, expected)
    assert est.t_ == before.t_ and len(est.history_) == len(before.history_)
    assert est.n_iter_ == 0  # epochs completed by this call
    # Training goes on exactly as it would have without the interrupted call.
    assert_same_weights(est.partial_fit(X, y), before.partial_fit(X, y))


@pytest.mark.parametrize(
    ("solver", "owner", "method"),
    [
        ("adam", Problem, "validation_record"),
        ("lbfgs", Problem, "validation_record"),
        ("adam", Recorder, "on_epoch_end"),
        ("lbfgs", Recorder, "on_epoch_end"),
        # after the records are written, in the no-improvement bookkeeping
        ("adam", NoImprovementRule, "on_epoch_end"),
    ],
)
def test_interrupt_while_recording_an_epoch_keeps_the_previous_one(
    monkeypatch, solver, owner, method
):
    """An interrupt after an epoch's (iteration's) updates, before it is saved."""
    original = getattr(owner, method)
    calls = []

    def interrupted(self, *args, **kwargs):
        calls.append(None)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    params = {**INTERRUPT_PARAMS, "solver": solver}
    monkeypatch.setattr(owner, method, interrupted)
    est = ScratchMLPClassifier(**params)
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        est.fit(X, y, X_val=X, y_val=y)
    monkeypatch.undo()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = ScratchMLPClassifier(**{**params, "max_iter": 2}).fit(
            X, y, X_val=X, y_val=y
        )
    assert_same_weights(est, reference)
    for name in ("n_iter_", "t_", "loss_", "best_loss_", "_no_improvement_count"):
        assert getattr(est, name) == getattr(reference, name), name
    assert est.loss_curve_ == reference.loss_curve_
    assert est.validation_scores_ == reference.validation_scores_
    assert len(est.history_) == 2


class _InterruptibleHistory(History):
    """A history whose length, once armed, raises KeyboardInterrupt one time."""

    armed = False

    def __len__(self):
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt
        return super().__len__()


def _trained_one_epoch():
    """A state, its checkpoint at epoch 0, and the state after an epoch 1."""
    weights = np.zeros(3)
    state = TrainingState([weights[:2].reshape(1, 2)], [weights[2:]])
    state.history_ = _InterruptibleHistory()
    checkpoint = EpochCheckpoint(state, weights)
    weights += 1.0
    state.n_iter_, state.loss_ = 1, 0.5
    state.loss_curve_.append(0.5)
    state.history_.append({"epoch": 1})
    return state, checkpoint, weights


def test_checkpoint_restores_the_saved_epoch():
    state, checkpoint, weights = _trained_one_epoch()
    assert checkpoint.restore() is True
    np.testing.assert_array_equal(weights, 0.0)
    assert (state.n_iter_, state.loss_, state.loss_curve_) == (0, None, [])
    assert list(state.history_) == []


def test_interrupt_while_saving_an_epoch_keeps_it():
    """An interrupt inside ``save``: the epoch being saved is complete, and kept."""
    state, checkpoint, weights = _trained_one_epoch()
    state.history_.armed = True
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save()
    assert checkpoint.restore() is False
    np.testing.assert_array_equal(weights, 1.0)
    assert (state.n_iter_, state.loss_, state.loss_curve_) == (1, 0.5, [0.5])
    assert list(state.history_) == [{"epoch": 1}]


def test_interrupt_while_recording_a_partial_fit_leaves_the_model(monkeypatch):
    est = ScratchMLPClassifier(**INTERRUPT_PARAMS).partial_fit(
        X, y, classes=np.unique(y)
    )
    before = copy.deepcopy(est)

    def interrupted(self, state, record):
        raise KeyboardInterrupt

    monkeypatch.setattr(Recorder, "on_epoch_end", interrupted)
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        est.partial_fit(X, y)
    monkeypatch.undo()
    assert_same_weights(est, before)
    assert (est.t_, est.loss_, est.loss_curve_) == (
        before.t_,
        before.loss_,
        before.loss_curve_,
    )
    assert len(est.history_) == len(before.history_)
    for got, expected in zip(
        est._optimizer.state_arrays(), before._optimizer.state_arrays(), strict=True
    ):
        np.testing.assert_array_equal(got, expected)
