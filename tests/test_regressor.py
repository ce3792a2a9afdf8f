"""ScratchMLPRegressor's extras: history, validation data, gradients, persistence."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.neural_network._base import LOSS_FUNCTIONS as SKLEARN_LOSSES
from sklearn.preprocessing import StandardScaler

import skscratch._solvers
from skscratch import ScratchMLPRegressor, check_gradients
from skscratch._losses import LOSSES, mean_loss

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_DIABETES, y_DIABETES = load_diabetes(return_X_y=True)
X = StandardScaler().fit_transform(X_DIABETES)
y = (y_DIABETES - y_DIABETES.mean()) / y_DIABETES.std()


def small_reg(**params):
    return ScratchMLPRegressor(
        **{"hidden_layer_sizes": (8,), "max_iter": 20, "random_state": 0, **params}
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_train_score_is_the_r2_before_each_full_batch_update(weighted):
    weights = np.linspace(0.5, 2.0, y.shape[0]) if weighted else None
    params = dict(batch_size=y.shape[0], shuffle=False, solver="sgd")
    two = small_reg(max_iter=2, **params).fit(X, y, sample_weight=weights)
    one = small_reg(max_iter=1, **params).fit(X, y, sample_weight=weights)
    assert two.history_[1, "train_score"] == pytest.approx(
        one.score(X, y, sample_weight=weights), rel=1e-12
    )


def test_multi_output_train_score_averages_the_targets():
    X_multi, Y = make_regression(n_samples=120, n_targets=3, random_state=0)
    Y = Y / Y.std(axis=0)
    params = dict(batch_size=120, shuffle=False, solver="sgd")
    two = small_reg(max_iter=2, **params).fit(X_multi, Y)
    one = small_reg(max_iter=1, **params).fit(X_multi, Y)
    assert two.history_[1, "train_score"] == pytest.approx(
        r2_score(Y, one.predict(X_multi)), rel=1e-12
    )


def test_validation_records_are_r2_and_half_mse():
    est = small_reg().fit(X[:300], y[:300], X_val=X[300:], y_val=y[300:])
    predicted = est.predict(X[300:])
    assert est.validation_scores_[-1] == pytest.approx(r2_score(y[300:], predicted))
    assert est.history_[-1, "valid_score"] == est.validation_scores_[-1]
    assert est.history_[-1, "valid_loss"] == pytest.approx(
        mean_squared_error(y[300:], predicted) / 2
    )
    assert len(est.history_) == est.n_iter_ == len(est.loss_curve_)


def test_early_stopping_on_given_validation_data_keeps_the_best_epoch():
    est = small_reg(early_stopping=True, max_iter=200, learning_rate_init=0.05)
    est.fit(X[:300], y[:300], X_val=X[300:], y_val=y[300:])
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.score(X[300:], y[300:]) == pytest.approx(est.best_validation_score_)


@pytest.mark.parametrize(
    "params",
    [
        dict(activation="tanh", alpha=0.1),
        dict(activation="logistic", hidden_layer_sizes=(4, 3)),
        dict(loss="poisson", activation="relu"),
    ],
)
@pytest.mark.parametrize("n_targets", [1, 3])
def test_check_gradients(params, n_targets):
    rng = np.random.RandomState(0)
    X_small = rng.normal(size=(15, 4))
    Y = np.abs(rng.normal(size=(15, n_targets))).squeeze()
    est = small_reg(max_iter=3, **params).fit(X_small, Y)
    weights = rng.uniform(0.5, 2.0, 15)
    errors = check_gradients(est, X_small, Y, weights)
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6


@pytest.mark.parametrize(
    ("name", "sklearn_name"),
    [
        ("half_mean_squared_error", "squared_error"),
        ("half_poisson_deviance", "poisson"),
    ],
)
def test_regression_losses_are_mlpregressors_to_the_bit(name, sklearn_name):
    rng = np.random.RandomState(0)
    Y, A = np.abs(rng.normal(size=(30, 3))), np.exp(rng.normal(size=(30, 3)))
    weights = rng.uniform(0.1, 2.0, 30)
    reference = SKLEARN_LOSSES[sklearn_name]
    assert mean_loss(LOSSES[name], Y, A) == reference(Y, A)
    assert mean_loss(LOSSES[name], Y, A, weights) == reference(Y, A, weights)


def test_squared_error_gradient_is_that_of_the_sum_over_targets():
    """MLPRegressor reports the squared error averaged over the targets but
    trains on ``a - y``, the gradient of their sum: with 3 targets, the output
    delta is 3 times the derivative of the reported loss."""
    loss = LOSSES["half_mean_squared_error"]
    rng = np.random.RandomState(0)
    Y, A = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    step = np.zeros_like(A)
    step[0, 0] = 1e-6
    numeric = (mean_loss(loss, Y, A + step) - mean_loss(loss, Y, A - step)) / 2e-6
    per_sample_delta = loss.output_delta(Y, A)[0, 0] / Y.shape[0]
    assert per_sample_delta == pytest.approx(3 * numeric, rel=1e-6)


def test_pickle_round_trip_predicts_the_same_and_trains_on():
    est = small_reg(solver="sgd").fit(X, y)
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    est.partial_fit(X, y)
    loaded.partial_fit(X, y)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_skops_round_trip():
    sio = pytest.importorskip("skops.io")
    est = small_reg().fit(X, y)
    data = sio.dumps(est)
    loaded = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_keyboard_interrupt_keeps_the_last_completed_epoch(monkeypatch):
    original = skscratch._solvers.objective_and_gradients
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(None)
        if len(calls) == 8:  # the second batch of epoch 3
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(skscratch._solvers, "objective_and_gradients", interrupted)
    params = dict(batch_size=150, shuffle=True, max_iter=10)
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        est = small_reg(**params).fit(X[:450], y[:450])
    monkeypatch.undo()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = small_reg(**{**params, "max_iter": 2}).fit(X[:450], y[:450])
    assert est.n_iter_ == 2 and len(est.history_) == 2
    assert_allclose(est.predict(X), reference.predict(X), rtol=0, atol=0)


def test_divergence_with_early_stopping_keeps_the_best_epoch():
    est = small_reg(
        solver="sgd", learning_rate_init=5.0, early_stopping=True, max_iter=100
    )
    with pytest.warns(ConvergenceWarning, match="^Training diverged at epoch"):
        est.fit(X, y * 1e3)
    assert np.isfinite(est.predict(X)).all()
    assert est.best_validation_score_ == np.nanmax(est.validation_scores_)
