"""Loss functions, each paired with the output activation it is trained with.

A :class:`Loss` bundles what only makes sense together:

- ``output_activation``: the name of the output layer's activation ``f_L``;
- ``elementwise(Y, A)``: the loss of each sample at each output unit, given
  the targets ``Y`` (one column per output unit: 0/1 for classes, real
  values for regression) and the network's outputs ``A = f_L(z_L)``;
- ``output_delta(Y, A)``: ``dL_i / dz_L``, the error of the output layer for each
  sample ``i`` (equation BP1), which starts backpropagation.

=========================  ========  ============================  ===============
name                       f_L       loss at output unit k         dL/dz_L
=========================  ========  ============================  ===============
categorical_cross_entropy  softmax   -y_k log a_k                  a - y
binary_cross_entropy       logistic  -[y_k log a_k                 a - y
                                     + (1 - y_k) log(1 - a_k)]
half_squared_error         logistic  1/2 (a_k - y_k)^2             (a - y) a (1 - a)
half_mean_squared_error    identity  1/2 (a_k - y_k)^2             a - y
half_poisson_deviance      exp       y_k log(y_k/a_k) - y_k + a_k  a - y
=========================  ========  ============================  ===============

All but ``half_squared_error`` are canonical pairs: the derivative of the
activation cancels against the derivative of the loss, leaving ``a - y``.
``half_squared_error`` is the teaching notebook's network, where it does not
cancel. The last two are MLPRegressor's ``"squared_error"`` and ``"poisson"``.

Probabilities are clipped to ``[eps, 1 - eps]`` (``eps`` the machine epsilon of
their dtype) before taking logarithms, so the loss stays finite.

:func:`mean_loss` averages each output unit's column over the samples and adds
the columns up (``half_mean_squared_error`` averages them), which is
scikit-learn's order of operations: the objective is MLPClassifier's and
MLPRegressor's to the last bit. L-BFGS needs that, since its line search and
stopping tests compare objectives, and a difference in the last bit sends it
elsewhere.
"""

import functools
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._xp import namespace, total, weighted_mean, xlogy


class Loss(NamedTuple):
    """A loss function with its output activation and output-layer delta.

    ``combine_outputs`` names how the per-output means make the sample's
    loss: ``"sum"`` for every loss but the regression squared error, which
    scikit-learn's MLPRegressor averages (``"mean"``) over the outputs (while
    training on the gradient of their sum, ``a - y``; see the twin page).
    """

    output_activation: str
    elementwise: Callable[[np.ndarray, np.ndarray], np.ndarray]
    output_delta: Callable[[np.ndarray, np.ndarray], np.ndarray]
    combine_outputs: str = "sum"


def _clip_probabilities(A):
    if isinstance(A, np.ndarray):
        eps = _epsilon(A.dtype)
        return A.clip(eps, 1 - eps)  # np.clip's result, without its dispatch
    xp = namespace(A)
    eps = xp.finfo(A.dtype).eps
    return xp.clip(A, eps, 1 - eps)


@functools.cache
def _epsilon(dtype):
    """The machine epsilon of a NumPy float dtype (looked up once per dtype)."""
    return np.finfo(dtype).eps


def categorical_cross_entropy(Y, A):
    """``-y_k log a_k`` at each output (softmax outputs, one-hot ``Y``).

    ``xlogy`` gives 0 where ``y_k = 0``, whatever ``a_k``.
    """
    return -xlogy(Y, _clip_probabilities(A))


def binary_cross_entropy(Y, A):
    """``-[y_k log a_k + (1 - y_k) log(1 - a_k)]`` at each output (0/1 ``Y``)."""
    A = _clip_probabilities(A)
    return -(xlogy(Y, A) + xlogy(1 - Y, 1 - A))


def half_squared_error(Y, A):
    """``1/2 (a_k - y_k)^2`` at each output."""
    return 0.5 * (A - Y) ** 2


def half_poisson_deviance(Y, A):
    """``y_k log(y_k / a_k) - y_k + a_k`` at each output (exponential outputs).

    Half the Poisson deviance; ``xlogy`` gives 0 where ``y_k = 0``.
    """
    return xlogy(Y, Y / A) - Y + A


def canonical_delta(Y, A):
    """``dL/dz_L = a - y``: a loss with its canonical output activation.

    Cross-entropy with softmax or logistic outputs, half squared error with
    identity outputs, half Poisson deviance with exponential outputs.
    """
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
    "half_mean_squared_error": Loss(
        "identity", half_squared_error, canonical_delta, "mean"
    ),
    "half_poisson_deviance": Loss("exp", half_poisson_deviance, canonical_delta),
}


def mean_loss(loss, Y, A, sample_weight=None):
    """Weighted mean over the samples of their loss.

    Each output unit's column of ``loss.elementwise(Y, A)`` is averaged over the
    samples, then the columns are combined by ``loss.combine_outputs`` (added
    up, or averaged for the regression squared error): scikit-learn's order.
    The result is a float on NumPy, a 0-d array elsewhere (see
    :func:`~skscratch._xp.scalar`).
    """
    means = weighted_mean(loss.elementwise(Y, A), sample_weight)
    return total(means, loss.combine_outputs)
