"""Assertions shared by several test modules."""

import numpy as np


def assert_same_weights(first, second):
    """Two fitted models have the same weights and biases, dtype and bits."""
    for a, b in zip(
        first.coefs_ + first.intercepts_,
        second.coefs_ + second.intercepts_,
        strict=True,
    ):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
