"""One activation per hidden layer, and dropout."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skscratch import (
    ScratchMLPClassifier,
    ScratchMLPRegressor,
    TrainingHistoryDisplay,
    check_gradients,
)
from skscratch._activations import HIDDEN_ACTIVATIONS
from skscratch._network import objective_and_gradients

from .assertions import assert_same_weights

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_IRIS, y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
ESTIMATORS = [ScratchMLPClassifier, ScratchMLPRegressor]


def small(estimator_class, **params):
    return estimator_class(
        **{"hidden_layer_sizes": (6, 5), "max_iter": 10, "random_state": 0, **params}
    )


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_one_name_per_layer_equals_one_name_for_all(estimator_class):
    """The same activation given per layer trains the same network, bit for bit."""
    one = small(estimator_class, activation="tanh").fit(X_IRIS, y_IRIS)
    per_layer = small(estimator_class, activation=["tanh", "tanh"]).fit(X_IRIS, y_IRIS)
    assert_same_weights(one, per_layer)
    assert per_layer.hidden_activations_ == ["tanh", "tanh"]


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("position", [0, 1])
def test_gradient_check_with_one_activation_per_layer(name, position):
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(20, 4)), rng.randint(3, size=20)
    layers = ["tanh", "logistic"]
    layers[position] = name
    clf = small(ScratchMLPClassifier, activation=layers, alpha=0.1, max_iter=2)
    errors = check_gradients(clf.fit(X, y), X, y)
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6


@pytest.mark.parametrize("activation", ["relu", "gelu", ("logistic", "silu")])
def test_backpropagation_through_fixed_dropout_masks(activation):
    """The gradient with dropout is that of the objective with those masks."""
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(10, 3)), np.eye(2)[rng.randint(2, size=10)]
    coefs = [rng.normal(size=s) for s in [(3, 5), (5, 4), (4, 2)]]
    intercepts = [rng.normal(size=n) for n in (5, 4, 2)]
    masks = [(rng.random_sample((10, n)) >= 0.3) / 0.7 for n in (5, 4)]

    def objective():
        return objective_and_gradients(
            coefs,
            intercepts,
            X,
            Y,
            activation,
            "categorical_cross_entropy",
            0.1,
            dropout_masks=masks,
        )

    _, coef_grads, intercept_grads, _ = objective()
    for params, grads in ((coefs, coef_grads), (intercepts, intercept_grads)):
        for param, grad in zip(params, grads, strict=True):
            numeric = np.empty_like(param)
            for index in np.ndindex(param.shape):
                original = param[index]
                param[index] = original + 1e-6
                plus = objective()[0]
                param[index] = original - 1e-6
                minus = objective()[0]
                param[index] = original
                numeric[index] = (plus - minus) / 2e-6
            np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_dropout_is_reproducible_and_changes_training(estimator_class, solver):
    params = dict(solver=solver, dropout=0.3)
    first = small(estimator_class, **params).fit(X_IRIS, y_IRIS)
    again = small(estimator_class, **params).fit(X_IRIS, y_IRIS)
    assert_same_weights(first, again)
    other_seed = small(estimator_class, random_state=1, **params).fit(X_IRIS, y_IRIS)
    without = small(estimator_class, solver=solver).fit(X_IRIS, y_IRIS)
    for model in (other_seed, without):
        assert not np.array_equal(first.coefs_[0], model.coefs_[0])


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_prediction_uses_the_whole_unscaled_network(estimator_class):
    dropped = small(estimator_class, dropout=(0.5, 0.2)).fit(X_IRIS, y_IRIS)
    whole = small(estimator_class, max_iter=1).fit(X_IRIS, y_IRIS)
    whole.coefs_, whole.intercepts_ = dropped.coefs_, dropped.intercepts_
    np.testing.assert_array_equal(dropped.predict(X_IRIS), dropped.predict(X_IRIS))
    np.testing.assert_array_equal(dropped.predict(X_IRIS), whole.predict(X_IRIS))


def test_dropout_zero_on_a_layer_is_no_dropout_there():
    half = small(ScratchMLPClassifier, dropout=(0.0, 0.0)).fit(X_IRIS, y_IRIS)
    none = small(ScratchMLPClassifier).fit(X_IRIS, y_IRIS)
    assert_same_weights(half, none)


def test_dropout_reduces_overfitting_of_a_wide_network():
    """A wide network learns 500 digits by heart; with dropout it generalises a
    little better: lower validation loss, at its best and at the end."""
    X, y = load_digits(return_X_y=True)
    X = X / 16
    params = dict(
        hidden_layer_sizes=(512,),
        solver="sgd",
        learning_rate_init=0.1,
        alpha=0.0,
        max_iter=150,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    losses = {}
    for rate in (0.0, 0.5):
        clf = ScratchMLPClassifier(dropout=rate, **params)
        clf.fit(X[:500], y[:500], X_val=X[500:], y_val=y[500:])
        assert clf.score(X[:500], y[:500]) == 1.0
        valid_loss = clf.history_[:, "valid_loss"]
        losses[rate] = (min(valid_loss), valid_loss[-1])
    assert losses[0.5][0] < losses[0.0][0]
    assert losses[0.5][1] < losses[0.0][1]


def test_grid_search_over_activation_sequences_and_dropout():
    search = GridSearchCV(
        small(ScratchMLPClassifier, max_iter=5),
        {
            "activation": [("relu", "tanh"), ("gelu", "gelu"), "elu"],
            "dropout": [0.0, (0.2, 0.0)],
        },
        cv=2,
    ).fit(X_IRIS, y_IRIS)
    assert len(search.cv_results_["params"]) == 6
    assert search.best_estimator_.hidden_activations_ in (
        ["relu", "tanh"],
        ["gelu", "gelu"],
        ["elu", "elu"],
    )


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_persistence_history_and_displays_with_layers_and_dropout(estimator_class):
    model = small(estimator_class, activation=("silu", "elu"), dropout=0.2)
    model.fit(X_IRIS, y_IRIS, X_val=X_IRIS, y_val=y_IRIS)
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(loaded.predict(X_IRIS), model.predict(X_IRIS))
    assert len(model.history_) == model.n_iter_
    display = TrainingHistoryDisplay.from_estimator(model)
    assert display.figure_ is not None
    sio = pytest.importorskip("skops.io")
    data = sio.dumps(model)
    skops_loaded = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    np.testing.assert_array_equal(skops_loaded.predict(X_IRIS), model.predict(X_IRIS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.set_params(warm_start=True).fit(X_IRIS, y_IRIS)


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_check_gradients_of_a_dropout_model_at_fixed_masks(estimator_class):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(15, 4))
    y = rng.randint(3, size=15) if estimator_class is ScratchMLPClassifier else X[:, 0]
    model = small(estimator_class, dropout=(0.5, 0.3), activation=("tanh", "gelu"))
    errors = check_gradients(model.fit(X, y), X, y, random_state=3)
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6
