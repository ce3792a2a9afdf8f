"""Unit tests of ``_network``: the objective, its gradient, and prediction."""

import numpy as np
import pytest
import scipy.sparse as sp

from skscratch import _network
from skscratch._activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from skscratch._losses import LOSSES
from skscratch._network import (
    forward,
    initialize_parameters,
    l2_penalty,
    objective_and_gradients,
    predict_outputs,
)

from .test_activations import REFERENCES
from .test_losses import OUTPUTS, TEXTBOOK, _targets_and_outputs

SHAPES = {"W1": (4, 5), "b1": (5,), "W2": (5, 3), "b2": (3,)}


def _parameters(seed=0):
    rng = np.random.RandomState(seed)
    return {name: rng.normal(scale=0.7, size=shape) for name, shape in SHAPES.items()}


def _hand_objective(p, X, Y, s, activation, loss, alpha, summed_outputs=False):
    """The objective of a network 4 -> 5 -> 3, written out from the definitions.

    ``summed_outputs`` adds MLPRegressor's squared error over the outputs
    rather than averaging it: backpropagation trains on the gradient of that sum.
    """
    f = np.vectorize(REFERENCES[activation][0])
    A = OUTPUTS[LOSSES[loss].output_activation](
        f(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    )
    per_sample = TEXTBOOK[loss](Y, A)
    if summed_outputs and loss == "half_mean_squared_error":
        per_sample = per_sample * Y.shape[1]
    penalty = 0.5 * alpha * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
    return (np.sum(s * per_sample) + penalty) / np.sum(s)


def _central_differences(objective, p, h=1e-6):
    gradient = {}
    for name, value in p.items():
        gradient[name] = np.empty_like(value)
        for index in np.ndindex(value.shape):
            plus, minus = dict(p), dict(p)
            plus[name], minus[name] = value.copy(), value.copy()
            plus[name][index] += h
            minus[name][index] -= h
            gradient[name][index] = (objective(plus) - objective(minus)) / (2 * h)
    return gradient


def _problem(loss, n_samples=7):
    Y, _, weights = _targets_and_outputs(loss, n_samples=n_samples, n_outputs=3)
    X = np.random.RandomState(5).normal(size=(n_samples, 4))
    return X, Y, weights


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
def test_objective_and_gradient_of_a_network_written_by_hand(activation, loss):
    p = _parameters()
    X, Y, s = _problem(loss)
    alpha = 0.3
    objective, coef_grads, intercept_grads, activations = objective_and_gradients(
        [p["W1"], p["W2"]], [p["b1"], p["b2"]], X, Y, activation, loss, alpha, s
    )
    assert objective == pytest.approx(
        _hand_objective(p, X, Y, s, activation, loss, alpha), rel=1e-12
    )
    numeric = _central_differences(
        lambda q: _hand_objective(q, X, Y, s, activation, loss, alpha, True), p
    )
    backpropagated = dict(
        zip(["W1", "W2", "b1", "b2"], coef_grads + intercept_grads, strict=True)
    )
    for name, expected in numeric.items():
        np.testing.assert_allclose(
            backpropagated[name], expected, rtol=1e-5, atol=1e-8, err_msg=name
        )
    assert activations[0] is X and len(activations) == 3


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_a_weight_of_two_is_a_repeated_row(loss):
    p = _parameters()
    X, Y, _ = _problem(loss)
    weights = np.ones(7)
    weights[2] = 2.0
    rows = [0, 1, 2, 2, 3, 4, 5, 6]
    coefs, intercepts = [p["W1"], p["W2"]], [p["b1"], p["b2"]]
    weighted = objective_and_gradients(
        coefs, intercepts, X, Y, "tanh", loss, 0.1, weights
    )
    repeated = objective_and_gradients(
        coefs, intercepts, X[rows], Y[rows], "tanh", loss, 0.1
    )
    assert weighted[0] == pytest.approx(repeated[0], rel=1e-14)
    for got, expected in zip(
        weighted[1] + weighted[2], repeated[1] + repeated[2], strict=True
    ):
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_the_dense_objective_and_gradient(fmt):
    p = _parameters()
    X, Y, s = _problem("categorical_cross_entropy")
    X[X < 0] = 0.0
    coefs, intercepts = [p["W1"], p["W2"]], [p["b1"], p["b2"]]
    args = ("relu", "categorical_cross_entropy", 0.2, s)
    dense = objective_and_gradients(coefs, intercepts, X, Y, *args)
    sparse = objective_and_gradients(
        coefs, intercepts, sp.csr_matrix(X).asformat(fmt), Y, *args
    )
    assert sparse[0] == pytest.approx(dense[0], rel=1e-14)
    for got, expected in zip(sparse[1] + sparse[2], dense[1] + dense[2], strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-16)


def test_objective_and_gradients_leave_their_arguments_alone():
    p = _parameters()
    X, Y, s = _problem("binary_cross_entropy")
    before = [a.copy() for a in (*p.values(), X, Y, s)]
    objective_and_gradients(
        [p["W1"], p["W2"]],
        [p["b1"], p["b2"]],
        X,
        Y,
        "gelu",
        "binary_cross_entropy",
        0.5,
        s,
    )
    for after, expected in zip((*p.values(), X, Y, s), before, strict=True):
        np.testing.assert_array_equal(after, expected)


def test_l2_penalty():
    coefs = [np.array([[1.0, -2.0]]), np.array([[3.0], [0.5]])]
    assert l2_penalty(coefs, 0.4, 8.0) == 0.5 * 0.4 * (1 + 4 + 9 + 0.25) / 8.0
    assert l2_penalty(coefs, 0.0, 8.0) == 0.0


def test_predict_outputs_in_chunks_is_one_forward_pass(monkeypatch):
    p = _parameters()
    X = np.random.RandomState(1).normal(size=(10, 4)).astype(np.float32)
    coefs, intercepts = [p["W1"], p["W2"]], [p["b1"], p["b2"]]
    whole = forward(coefs, intercepts, X, "tanh", "softmax")[-1]
    chunks = []

    def counting_forward(coefs, intercepts, X_chunk, *args):
        chunks.append(X_chunk.shape[0])
        return forward(coefs, intercepts, X_chunk, *args)

    monkeypatch.setattr(_network, "_PREDICT_CHUNK_ROWS", 3)
    monkeypatch.setattr(_network, "forward", counting_forward)
    outputs = predict_outputs(coefs, intercepts, X, "tanh", "softmax")
    assert chunks == [3, 3, 3, 1]
    assert outputs.dtype == np.float64  # float32 rows, float64 weights
    # A one-row product may take another BLAS kernel: the last bit can differ.
    np.testing.assert_allclose(outputs, whole, rtol=1e-14)


NO_PREFERENCE = {"logistic": 0.5, "softmax": 1 / 3, "identity": np.nan, "exp": np.nan}


def test_every_output_activation_has_a_no_preference_value():
    assert sorted(NO_PREFERENCE) == sorted(OUTPUT_ACTIVATIONS)


@pytest.mark.parametrize("output_activation", sorted(NO_PREFERENCE))
def test_undetermined_rows_get_the_no_preference_outputs(output_activation):
    """The first row sends two relu units to +inf, and each output gets inf - inf."""
    coefs = [np.array([[4.0, 4.0]]), np.array([[1.0, 2.0, 3.0], [-1.0, -1.0, -1.0]])]
    intercepts = [np.zeros(2), np.zeros(3)]
    X = np.array([[1e308], [0.25]])
    outputs = predict_outputs(coefs, intercepts, X, "relu", output_activation)
    np.testing.assert_array_equal(
        outputs[0], np.full(3, NO_PREFERENCE[output_activation])
    )
    ordinary = OUTPUTS[output_activation](np.array([[0.0, 1.0, 2.0]]))
    np.testing.assert_allclose(outputs[1], ordinary[0], rtol=1e-15)


def test_initialize_parameters_calls_init_once_per_layer_in_order():
    calls = []

    def init(fan_in, fan_out, random_state):
        calls.append((fan_in, fan_out, random_state))
        return np.ones((fan_out, fan_in)).T, [0.5] * fan_out  # not C-ordered

    random_state = np.random.RandomState(0)
    coefs, intercepts = initialize_parameters(
        [4, 5, 3], init, "relu", random_state, np.float32
    )
    assert calls == [(4, 5, random_state), (5, 3, random_state)]
    for W, b, (fan_in, fan_out) in zip(
        coefs, intercepts, [(4, 5), (5, 3)], strict=True
    ):
        assert W.shape == (fan_in, fan_out) and W.flags.c_contiguous
        assert W.dtype == b.dtype == np.float32
        np.testing.assert_array_equal(b, np.full(fan_out, 0.5))
