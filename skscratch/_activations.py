"""Activation functions and their derivatives, by name.

Each entry pairs an activation ``f`` with its derivative ``f'`` written as a
function of the activation's *output* ``a = f(z)``. Backpropagation needs
``f'(z)`` at every hidden unit; expressing it through ``a`` (which the forward
pass keeps anyway) avoids storing the pre-activations ``z``. The derivative is
given as its factors, which backpropagation multiplies into the delta one
after the other, as scikit-learn does (``delta * a * (1 - a)`` and
``delta * (a * (1 - a))`` differ in the last bit, and the last bit can change
where L-BFGS goes):

==========  ======================================  ==========================
name        f(z)                                    factors of f'(z), with
                                                    a = f(z)
==========  ======================================  ==========================
identity    z                                       none (f' = 1)
logistic    1 / (1 + exp(-z))                       a, then 1 - a
tanh        tanh(z)                                 1 - a^2
relu        max(0, z)                               1 if a > 0 else 0
==========  ======================================  ==========================

``softmax`` is an output activation only: its Jacobian never appears on its own,
because the loss module pairs it with the categorical cross-entropy whose
output delta is simply ``a - y``.

All functions are pure: they leave their input alone and return their result
(``identity`` returns its input itself). The hidden activations also take an
``out`` array, as ufuncs do: the forward pass computes ``f(z)`` into ``z``'s own
memory, since it needs ``z`` for nothing else.
They are numerically stable for any finite input (no overflow warnings).
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import expit


class Activation(NamedTuple):
    """An activation ``f`` and the factors of ``f'``, written with ``a = f(z)``."""

    function: Callable[..., np.ndarray]
    derivative_factors: Callable[[np.ndarray], tuple]

    def derivative(self, a):
        """``f'(z)`` as one array: the product of the factors."""
        slope = np.ones_like(a)
        for factor in self.derivative_factors(a):
            slope = slope * factor
        return slope


def identity(z, out=None):
    """Return ``z`` unchanged (a copy-free identity), or copied into ``out``."""
    if out is None or out is z:
        return z
    np.copyto(out, z)
    return out


def identity_derivative_factors(a):
    """The identity's derivative is 1: no factor."""
    return ()


def logistic(z, out=None):
    """Logistic sigmoid ``1 / (1 + exp(-z))``, stable for large ``|z|``."""
    return expit(z, out=out)


def logistic_derivative_factors(a):
    """``f'(z) = a (1 - a)`` for the logistic sigmoid: ``a``, then ``1 - a``."""
    return a, 1 - a


def tanh(z, out=None):
    """Hyperbolic tangent."""
    return np.tanh(z, out=out)


def tanh_derivative_factors(a):
    """``f'(z) = 1 - a**2`` for tanh."""
    return (1 - a**2,)


def relu(z, out=None):
    """Rectified linear unit ``max(0, z)``."""
    return np.maximum(z, 0.0, out=out)


def relu_derivative_factors(a):
    """``f'(z) = 1`` where the unit is active (``a > 0``), else ``0``.

    Returned as booleans (``True`` is 1): multiplying by them gives the same
    numbers as multiplying by ones and zeros, with an eighth of the memory.
    """
    return (a > 0,)


def softmax(z):
    """Row-wise softmax ``exp(z_k) / sum_j exp(z_j)``, shifted by the row maximum.

    Subtracting each row's maximum leaves the result unchanged and keeps every
    exponent at or below zero, so nothing overflows; a difference below the
    smallest float becomes ``-inf``, whose exponential is the exact limit 0.
    Rows whose maximum is infinite take the limit too: the probability is
    shared equally by the entries equal to ``+inf`` (or, when every entry is
    ``-inf``, by all of them). NaN propagates.

    Examples
    --------
    >>> import numpy as np
    >>> softmax(np.array([[0.0, np.log(3.0)], [np.inf, 1.0], [-1e308, 1e308]]))
    array([[0.25, 0.75],
           [1.  , 0.  ],
           [0.  , 1.  ]])
    """
    # Each row's maximum, picked by argmax: the same value as ``z.max(axis=1)``
    # (NaN included) at a fraction of the cost when rows are short.
    rows = np.arange(z.shape[0])
    top = z[rows, z.argmax(axis=1)][:, np.newaxis]
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = z - top
    infinite_rows = np.isinf(top[:, 0])
    if infinite_rows.any():
        shifted[infinite_rows] = np.where(
            z[infinite_rows] == top[infinite_rows], 0, -np.inf
        )
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


HIDDEN_ACTIVATIONS = {
    "identity": Activation(identity, identity_derivative_factors),
    "logistic": Activation(logistic, logistic_derivative_factors),
    "tanh": Activation(tanh, tanh_derivative_factors),
    "relu": Activation(relu, relu_derivative_factors),
}


def exp(z):
    """Exponential ``exp(z)``: the output of a Poisson regression, always positive."""
    return np.exp(z)


OUTPUT_ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "softmax": softmax,
    "exp": exp,
}
