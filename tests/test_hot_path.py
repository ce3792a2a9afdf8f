"""The training loop's shortcuts on NumPy give NumPy's own results, to the bit.

Per mini-batch, the network calls a few reductions through the helpers of
``skscratch._xp``, which use the ndarray's methods on NumPy (skipping the
dispatch of ``np.sum`` and friends). These tests pin each shortcut to what
it replaces, on NumPy and on array-api-strict arrays.
"""

import numpy as np
import pytest

from skscratch._activations import HIDDEN_ACTIVATIONS
from skscratch._network import _add_scaled, hidden_layer_activations
from skscratch._xp import (
    all_finite,
    row_argmax,
    row_sums,
    sum_rows,
    take_rows,
    total,
    weighted_mean,
)

RNG = np.random.default_rng(0)
VALUES = RNG.normal(size=(37, 11)) * 10.0 ** RNG.integers(-5, 5, size=(37, 11))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_reductions_are_numpys_to_the_bit(dtype):
    x = VALUES.astype(dtype)
    assert total(x) == float(np.sum(x))
    assert total(x, "mean") == float(np.mean(x))
    assert isinstance(total(x), float)
    np.testing.assert_array_equal(row_sums(x), np.sum(x, axis=1, keepdims=True))
    np.testing.assert_array_equal(sum_rows(x), np.sum(x, axis=0))
    np.testing.assert_array_equal(row_argmax(x), np.argmax(x, axis=1))
    for rows in (x, x[:1], x[::3]):
        mean = weighted_mean(rows)
        assert mean.dtype == dtype
        np.testing.assert_array_equal(mean, np.average(rows, axis=0))


def test_all_finite():
    assert all_finite(VALUES)
    for bad in (np.inf, -np.inf, np.nan):
        x = VALUES.copy()
        x[3, 4] = bad
        assert all_finite(x) is False


def test_reductions_on_another_namespace():
    xp = pytest.importorskip("array_api_strict")
    x = xp.asarray(VALUES)
    assert float(total(x)) == pytest.approx(float(np.sum(VALUES)))
    assert float(total(x, "mean")) == pytest.approx(float(np.mean(VALUES)))
    np.testing.assert_allclose(
        np.asarray(row_sums(x)), np.sum(VALUES, axis=1, keepdims=True)
    )
    np.testing.assert_array_equal(np.asarray(row_argmax(x)), np.argmax(VALUES, axis=1))
    assert all_finite(x) is True
    assert all_finite(xp.asarray([1.0, np.inf])) is False


@pytest.mark.parametrize("block_size", [32768, 64, 1])
def test_l2_term_is_the_same_in_one_block_or_several(block_size):
    W = RNG.normal(size=(40, 7))
    out = RNG.normal(size=(40, 7))
    expected = out.copy()
    expected += 1e-4 * W
    _add_scaled(out, W, 1e-4, block_size=block_size)
    np.testing.assert_array_equal(out, expected)


def test_hidden_activations_from_names():
    relu, tanh = HIDDEN_ACTIVATIONS["relu"], HIDDEN_ACTIVATIONS["tanh"]
    assert hidden_layer_activations("relu", 3) == (relu, relu, relu)
    assert hidden_layer_activations(["tanh", "relu"], 2) == (tanh, relu)
    assert hidden_layer_activations(("tanh", "relu"), 2) == (tanh, relu)
    assert hidden_layer_activations("relu", 0) == ()


def test_unknown_activation_raises():
    with pytest.raises(KeyError):
        hidden_layer_activations(["relu", "nope"], 2)


@pytest.mark.parametrize("order", ["C", "F"])
def test_gathered_rows_are_fancy_indexings(order):
    X = np.asarray(VALUES, order=order)
    rows = RNG.permutation(X.shape[0])[:9]
    for array in (X, X.astype(np.float32), X[:, ::2], X[:, 0], X > 0):
        gathered = take_rows(array, rows)
        np.testing.assert_array_equal(gathered, array[rows])
        assert gathered.dtype == array.dtype
        assert gathered.strides == array[rows].strides
    assert np.shares_memory(take_rows(X, slice(2, 5)), X)
