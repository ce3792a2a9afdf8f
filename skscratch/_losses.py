"""Loss functions, each paired with the output activation it is trained with.

A :class:`Loss` bundles three things that only make sense together:

- ``output_activation``: the name of the output layer's activation ``f_L``;
- ``per_sample(Y, A)``: the loss of each sample, given the targets ``Y`` (one
  column per output unit, boolean or 0/1) and the network's outputs
  ``A = f_L(z_L)``;
- ``output_delta(Y, A)``: ``dL_i / dz_L``, the error of the output layer for each
  sample ``i`` (equation BP1), which starts backpropagation.

=========================  ========  ============================  ===============
name                       f_L       loss of one sample            dL/dz_L
=========================  ========  ============================  ===============
categorical_cross_entropy  softmax   -sum_k y_k log a_k            a - y
binary_cross_entropy       logistic  -sum_k [y_k log a_k           a - y
                                     + (1 - y_k) log(1 - a_k)]
half_squared_error         logistic  1/2 sum_k (a_k - y_k)^2       (a - y) a (1 - a)
=========================  ========  ============================  ===============

The first two are canonical pairs: the derivative of the activation cancels
against the derivative of the loss, leaving ``a - y``. The third is the teaching
notebook's network, where it does not cancel.

Probabilities are clipped to ``[eps, 1 - eps]`` (``eps`` the machine epsilon of
their dtype) before taking logarithms, so the loss stays finite.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np


class Loss(NamedTuple):
    """A loss function with its output activation and output-layer delta."""

    output_activation: str
    per_sample: Callable[[np.ndarray, np.ndarray], np.ndarray]
    output_delta: Callable[[np.ndarray, np.ndarray], np.ndarray]


def _clip_probabilities(A):
    eps = np.finfo(A.dtype).eps
    return np.clip(A, eps, 1 - eps)


def categorical_cross_entropy(Y, A):
    """``-sum_k y_k log a_k`` for each row (softmax outputs, one-hot ``Y``).

    With exactly one ``y_k = 1`` per row the sum is ``-log`` of the probability
    given to the true class, so only those are clipped and logged.
    """
    return -np.log(_clip_probabilities(A[Y.astype(bool, copy=False)]))


def binary_cross_entropy(Y, A):
    """``-sum_k [y_k log a_k + (1 - y_k) log(1 - a_k)]`` for each row (0/1 ``Y``)."""
    A = _clip_probabilities(A)
    return -np.where(Y, np.log(A), np.log1p(-A)).sum(axis=1)


def half_squared_error(Y, A):
    """``1/2 sum_k (a_k - y_k)^2`` for each row."""
    return 0.5 * ((A - Y) ** 2).sum(axis=1)


def canonical_delta(Y, A):
    """``dL/dz_L = a - y`` for cross-entropy with its canonical output activation."""
    return A - Y


def half_squared_error_logistic_delta(Y, A):
    """``dL/dz_L = (a - y) * a (1 - a)``: the notebook's output delta, eq. (1)."""
    return (A - Y) * A * (1 - A)


LOSSES = {
    "categorical_cross_entropy": Loss(
        "softmax", categorical_cross_entropy, canonical_delta
    ),
    "binary_cross_entropy": Loss("logistic", binary_cross_entropy, canonical_delta),
    "half_squared_error": Loss(
        "logistic", half_squared_error, half_squared_error_logistic_delta
    ),
}


def mean_loss(loss, Y, A, sample_weight=None):
    """Weighted mean of ``loss.per_sample(Y, A)`` over the samples, as a float."""
    losses = loss.per_sample(Y, A)
    if sample_weight is None:
        return float(losses.sum()) / losses.shape[0]
    return float(np.dot(losses, sample_weight)) / float(sample_weight.sum())
