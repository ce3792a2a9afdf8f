"""The training loop's reused buffers give exactly the results of fresh arrays.

Backpropagation writes into gradient arrays the loop allocates once per fit,
adds the L2 term in row blocks, and the optimizers use the gradients as scratch
space. Each of these must change nothing but where numbers are stored.
"""

import tracemalloc
import warnings
from itertools import pairwise

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skscratch import ScratchMLPClassifier
from skscratch._activations import HIDDEN_ACTIVATIONS
from skscratch._network import _add_scaled, backward, forward
from skscratch._optimizers import SGD, Adam


def _network(rng, layer_units):
    coefs = [rng.normal(size=shape) for shape in pairwise(layer_units)]
    intercepts = [rng.normal(size=units) for units in layer_units[1:]]
    return coefs, intercepts


@pytest.mark.parametrize("sample_weight", [None, "random"])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_backward_into_given_arrays_is_the_textbook_gradient(alpha, sample_weight):
    rng = np.random.default_rng(0)
    # 300 x 100 weights: the L2 term is added in several blocks of rows.
    coefs, intercepts = _network(rng, [300, 100, 4])
    X = rng.normal(size=(30, 300))
    weights = None if sample_weight is None else rng.uniform(0.1, 2.0, 30)
    activations = forward(coefs, intercepts, X, "tanh", "softmax")
    output_delta = rng.normal(size=(30, 4))
    out = (
        [np.full_like(W, np.nan) for W in coefs],
        [np.full_like(b, np.nan) for b in intercepts],
    )

    coef_grads, intercept_grads = backward(
        coefs, activations, output_delta.copy(), "tanh", alpha, weights, out=out
    )

    assert all(got is given for got, given in zip(coef_grads, out[0], strict=True))
    assert all(got is given for got, given in zip(intercept_grads, out[1], strict=True))
    s = np.ones(30) if weights is None else weights
    delta2 = output_delta * s[:, None]
    delta1 = (delta2 @ coefs[1].T) * (1 - activations[1] ** 2)
    expected_coefs = [
        (X.T @ delta1 + alpha * coefs[0]) / s.sum(),
        (activations[1].T @ delta2 + alpha * coefs[1]) / s.sum(),
    ]
    expected_intercepts = [delta1.sum(axis=0) / s.sum(), delta2.sum(axis=0) / s.sum()]
    for got, expected in zip(coef_grads, expected_coefs, strict=True):
        np.testing.assert_array_equal(got, expected)
    for got, expected in zip(intercept_grads, expected_intercepts, strict=True):
        np.testing.assert_array_equal(got, expected)
    fresh = backward(coefs, activations, output_delta.copy(), "tanh", alpha, weights)
    pairs = zip(coef_grads + intercept_grads, fresh[0] + fresh[1], strict=True)
    for got, expected in pairs:
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda p: SGD(p, 0.1, "constant", momentum=0.0, nesterov=False, power_t=0.5),
        lambda p: SGD(p, 0.1, "constant", momentum=0.9, nesterov=False, power_t=0.5),
        lambda p: SGD(p, 0.1, "constant", momentum=0.9, nesterov=True, power_t=0.5),
        lambda p: Adam(p, 0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8),
    ],
    ids=["sgd", "momentum", "nesterov", "adam"],
)
def test_optimizer_steps_follow_their_equations(make_optimizer):
    """Three steps in place equal the update equations written with new arrays."""
    rng = np.random.default_rng(1)
    theta = rng.normal(size=50)
    optimizer = make_optimizer([theta])
    expected = theta.copy()
    m = v = velocity = np.zeros(50)
    for t in range(1, 4):
        g = rng.normal(size=50)
        optimizer.step([theta], [g.copy()])
        if isinstance(optimizer, Adam):
            m = 0.9 * m + (1 - 0.9) * g
            v = 0.999 * v + (1 - 0.999) * g**2
            eta = 0.01 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
            expected = expected + -eta * m / (np.sqrt(v) + 1e-8)
        else:
            mu = optimizer.momentum
            velocity = mu * velocity - 0.1 * g
            if optimizer.nesterov:
                expected = expected + (mu * velocity - 0.1 * g)
            else:
                expected = expected + velocity
        np.testing.assert_array_equal(theta, expected)


def _fit_peak_bytes(n_samples):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_samples, 100))
    y = rng.integers(0, 5, n_samples)
    model = ScratchMLPClassifier(hidden_layer_sizes=(20,), max_iter=1, random_state=0)
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_fit_memory_does_not_copy_X():
    """Four times the rows add far less than a copy of X (800 bytes per row).

    What does grow with the rows: the one-hot labels (one byte per class) and
    the row order (eight bytes), a few bytes per row at the peak.
    """
    small, large = _fit_peak_bytes(5_000), _fit_peak_bytes(20_000)
    assert large - small < 15_000 * 100


@pytest.mark.parametrize(
    ("solver", "vectors"),
    [("adam", 6), ("sgd", 4)],
    ids=["adam", "sgd-momentum"],
)
def test_fit_memory_is_a_fixed_number_of_parameter_vectors(solver, vectors):
    """Weights, gradient, checkpoint, and the optimizer's state and scratch.

    Adam: weights, gradient, last epoch's weights, two moments, one scratch
    vector (6). SGD with classical momentum: weights, gradient, last epoch's
    weights, velocity (4). A batch must not allocate anything as large as the
    network, so half a vector more is the margin for the small arrays.
    """
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 400)), rng.integers(0, 3, 40)
    model = ScratchMLPClassifier(
        hidden_layer_sizes=(500,),
        solver=solver,
        nesterovs_momentum=False,
        batch_size=20,
        max_iter=2,
        random_state=0,
    )
    n_params = 400 * 500 + 500 + 500 * 3 + 3
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < (vectors + 0.5) * n_params * 8


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
def test_hidden_activations_in_place_equal_new_arrays(name):
    """The forward pass computes ``f(z)`` into ``z``: the same numbers."""
    function = HIDDEN_ACTIVATIONS[name].function
    z = np.random.default_rng(2).normal(scale=3.0, size=(7, 5))
    expected = function(z.copy())
    result = function(z, out=z)
    assert result is z
    np.testing.assert_array_equal(z, expected)


@pytest.mark.parametrize("block_size", [1, 64, 10**6])
def test_l2_term_added_block_by_block_is_the_plain_sum(block_size):
    """``_add_scaled`` over row blocks (one row, several rows, all at once)."""
    rng = np.random.RandomState(0)
    W, gradient = rng.normal(size=(50, 7)), rng.normal(size=(50, 7))
    expected = gradient + 0.3 * W
    _add_scaled(gradient, W, 0.3, block_size=block_size)
    np.testing.assert_array_equal(gradient, expected)
