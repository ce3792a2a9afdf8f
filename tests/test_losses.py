"""Unit tests of ``_losses``: every registry loss, its value and its output delta."""

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.neural_network._base import LOSS_FUNCTIONS as SKLEARN_LOSSES

from skscratch._activations import OUTPUT_ACTIVATIONS
from skscratch._losses import LOSSES, mean_loss

# The output activations written independently of skscratch.
OUTPUTS = {
    "softmax": lambda z: softmax(z, axis=1),
    "logistic": expit,
    "identity": lambda z: z,
    "exp": np.exp,
}

# Each loss of a sample, summed over its outputs, from the textbook formulas.
TEXTBOOK = {
    "categorical_cross_entropy": lambda y, a: -np.sum(y * np.log(a), axis=1),
    "binary_cross_entropy": lambda y, a: (
        -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a), axis=1)
    ),
    "half_squared_error": lambda y, a: 0.5 * np.sum((a - y) ** 2, axis=1),
    # MLPRegressor's squared error averages over the outputs.
    "half_mean_squared_error": lambda y, a: 0.5 * np.mean((a - y) ** 2, axis=1),
    "half_poisson_deviance": lambda y, a: np.sum(
        np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / a), 0) - y + a, axis=1
    ),
}

# MLPClassifier's and MLPRegressor's loss for the same network.
SKLEARN_NAMES = {
    "categorical_cross_entropy": "log_loss",
    "binary_cross_entropy": "binary_log_loss",
    "half_mean_squared_error": "squared_error",
    "half_poisson_deviance": "poisson",
}


def _targets_and_outputs(name, n_samples=40, n_outputs=3, seed=0):
    """Targets as the estimators encode them, and outputs of the loss's activation."""
    rng = np.random.RandomState(seed)
    z = rng.normal(size=(n_samples, n_outputs))
    if name == "categorical_cross_entropy":
        Y = np.eye(n_outputs, dtype=bool)[rng.randint(n_outputs, size=n_samples)]
    elif LOSSES[name].output_activation == "logistic":
        Y = rng.randint(2, size=(n_samples, n_outputs)).astype(bool)
    elif name == "half_poisson_deviance":
        Y = rng.poisson(2.0, size=(n_samples, n_outputs)).astype(float)
    else:
        Y = rng.normal(size=(n_samples, n_outputs))
    return Y, z, rng.uniform(0.1, 2.0, n_samples)


def test_every_loss_has_an_independent_reference():
    assert sorted(TEXTBOOK) == sorted(LOSSES)
    assert set(LOSSES) - set(SKLEARN_NAMES) == {"half_squared_error"}
    for loss in LOSSES.values():
        assert loss.output_activation in OUTPUTS
        assert loss.output_activation in OUTPUT_ACTIVATIONS


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", sorted(SKLEARN_NAMES))
def test_mean_loss_is_sklearns_bit_for_bit(name, weighted):
    loss = LOSSES[name]
    Y, z, weights = _targets_and_outputs(name)
    A = OUTPUTS[loss.output_activation](z)
    weights = weights if weighted else None
    expected = SKLEARN_LOSSES[SKLEARN_NAMES[name]](Y.astype(float), A, weights)
    assert mean_loss(loss, Y, A, weights) == expected


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_mean_loss_is_the_weighted_mean_of_the_textbook_loss(name, weighted):
    loss = LOSSES[name]
    Y, z, weights = _targets_and_outputs(name)
    A = OUTPUTS[loss.output_activation](z)
    weights = weights if weighted else np.ones(Y.shape[0])
    expected = np.sum(weights * TEXTBOOK[name](Y, A)) / np.sum(weights)
    got = mean_loss(loss, Y, A, weights if weighted else None)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_output_delta_is_the_derivative_with_respect_to_z(name):
    """``dL_i/dz^L`` of ``L_i`` summed over the outputs: central differences.

    For MLPRegressor's squared error this is the gradient of the sum over the
    outputs, ``a - y``, on which MLPRegressor trains.
    """
    loss = LOSSES[name]
    f = OUTPUTS[loss.output_activation]
    Y, z, _ = _targets_and_outputs(name, n_samples=6)

    def total(z):
        return loss.elementwise(Y, f(z)).sum()

    h = 1e-6
    numeric = np.empty_like(z)
    for index in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[index] = h
        numeric[index] = (total(z + step) - total(z - step)) / (2 * h)
    np.testing.assert_allclose(
        loss.output_delta(Y, f(z)), numeric, rtol=1e-6, atol=1e-9
    )


@pytest.mark.parametrize(
    ("name", "y", "a", "expected"),
    [
        (
            "categorical_cross_entropy",
            [[0, 1, 0]],
            [[0.2, 0.5, 0.3]],
            [[0, np.log(2), 0]],
        ),
        (
            "binary_cross_entropy",
            [[1, 0]],
            [[0.25, 0.25]],
            [[np.log(4), np.log(4 / 3)]],
        ),
        ("half_squared_error", [[1, 0]], [[0.5, 0.25]], [[0.125, 0.03125]]),
        ("half_mean_squared_error", [[1.0, -2.0]], [[3.0, -2.0]], [[2.0, 0.0]]),
        (
            "half_poisson_deviance",
            [[0.0, 2.0]],
            [[1.5, 1.0]],
            [[1.5, 2 * np.log(2) - 1]],
        ),
    ],
)
def test_elementwise_on_a_hand_example(name, y, a, expected):
    got = LOSSES[name].elementwise(np.array(y), np.array(a))
    np.testing.assert_allclose(got, expected, rtol=1e-15)
