"""Activation functions and their derivatives, by name.

Each entry of ``HIDDEN_ACTIVATIONS`` pairs an activation ``f`` with its
derivative ``f'``, given as *factors* that backpropagation multiplies into the
delta one after the other, as scikit-learn does (``delta * a * (1 - a)`` and
``delta * (a * (1 - a))`` differ in the last bit, and the last bit can change
where L-BFGS goes). The factors are written with the activation's *output*
``a = f(z)``, which the forward pass keeps anyway, so the pre-activations ``z``
need not be stored. Two activations, ``gelu`` and ``silu``, are not monotonic:
two values of ``z`` can give the same ``a``, so ``f'`` cannot be recovered from
``a``. Their factors are written with ``z`` (the entry says ``needs_z=True``),
and only for them the forward pass of training keeps ``z``.

Each entry also carries its ``glorot_factor`` ``k``: ``init="glorot_uniform"``
draws the weights of a layer from ``U(-r, r)`` with
``r = sqrt(k / (fan_in + fan_out))``.

============  ============================  =============================  ======
name          f(z)                          factors of f'(z), written      Glorot
                                            with a = f(z), or with z       factor
                                            where marked (z)
============  ============================  =============================  ======
identity      z                             none (f' = 1)                  6 [1]
logistic      1 / (1 + exp(-z))             a, then 1 - a                  2 [2]
tanh          tanh(z)                       1 - a^2                        6 [1]
relu          max(0, z)                     1 if a > 0 else 0              6 [1]
leaky_relu    z if z > 0 else 0.01 z        1 if a > 0 else 0.01           6 [3]
              [4]
elu [5]       z if z > 0 else exp(z) - 1    1 if a > 0 else a + 1          6 [3]
softplus [6]  log(1 + exp(z))               1 - exp(-a)                    6 [3]
gelu [7]      z Phi(z)                      (z) Phi(z) + z phi(z)          6 [3]
silu [8]      z s(z)                        (z) s(z), then 1 + z (1 - s)   6 [3]
============  ============================  =============================  ======

``Phi`` and ``phi`` are the standard normal distribution and density functions
(``gelu`` is the exact form, not the tanh approximation) and ``s`` the logistic
sigmoid. The constants are those of the papers that introduced the activations:
slope 0.01 for ``leaky_relu``, ``alpha = 1`` for ``elu``, ``beta = 1`` for
``softplus``.

1. Glorot and Bengio (2010), *Understanding the difficulty of training deep
   feedforward neural networks*: their normalised initialisation, ``k = 6``,
   which scikit-learn's MLPClassifier uses for identity, tanh and relu.
2. scikit-learn's MLPClassifier, which uses ``k = 2`` for the logistic function.
3. Chosen here: scikit-learn's factor for relu, since these units behave like
   relu for large ``|z|``. A network started with any of them gets the same
   initial weights as with relu (the same random draws). He et al. (2015),
   *Delving deep into rectifiers*, argue for a variance of ``2 / fan_in`` for
   rectifiers instead, which is ``k = 12`` in this formula when
   ``fan_in = fan_out``; pass ``init`` a callable to start from it.
4. Maas, Hannun and Ng (2013), *Rectifier nonlinearities improve neural network
   acoustic models*.
5. Clevert, Unterthiner and Hochreiter (2016), *Fast and accurate deep network
   learning by exponential linear units (ELUs)*.
6. Dugas et al. (2001), *Incorporating second-order functional knowledge for
   better option pricing*.
7. Hendrycks and Gimpel (2016), *Gaussian error linear units (GELUs)*.
8. Elfwing, Uchibe and Doya (2018), *Sigmoid-weighted linear units for neural
   network function approximation in reinforcement learning*; also called
   swish (Ramachandran, Zoph and Le, 2017).

``softmax`` is an output activation only: its Jacobian never appears on its own,
because the loss module pairs it with the categorical cross-entropy whose
output delta is simply ``a - y``.

All functions are pure: they leave their input alone and return their result
(``identity`` returns its input itself). The hidden activations also take an
``out`` array, as ufuncs do: the forward pass computes ``f(z)`` into ``z``'s own
memory when it needs ``z`` for nothing else. They keep the input's dtype
(float32 stays float32), are numerically stable for any finite input (no
overflow or invalid-value warnings, no NaN) and give their limits at ``±inf``.
"""

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._xp import apply, count_true, expit, namespace, ndtr, row_sums

LEAKY_RELU_SLOPE = 0.01
ELU_ALPHA = 1.0

# Below these inputs the normal distribution function and the logistic sigmoid
# are exactly 0 in float32 and float64 (as is z times either). Clipping z there
# keeps z * Phi(z) and z * s(z) from computing -inf * 0 and gelu's z**2 from
# overflowing, and changes no result.
_NDTR_IS_ZERO_BELOW = -40.0
_EXPIT_IS_ZERO_BELOW = -750.0
_SQRT_2PI = math.sqrt(2 * math.pi)


class Activation(NamedTuple):
    """A hidden activation, the factors of its derivative, and its metadata.

    Attributes
    ----------
    function : callable
        ``f(z, out=None)``, elementwise.
    derivative_factors : callable
        Returns the factors whose product is ``f'(z)``, given ``a = f(z)``, or
        given ``z`` itself when ``needs_z`` is true.
    glorot_factor : float
        ``k`` in the bound ``sqrt(k / (fan_in + fan_out))`` of the
        ``"glorot_uniform"`` initialisation.
    needs_z : bool, default=False
        Whether ``derivative_factors`` takes the pre-activation ``z`` rather
        than the output ``a``: the forward pass must then keep ``z``.
    """

    function: Callable[..., np.ndarray]
    derivative_factors: Callable[[np.ndarray], tuple]
    glorot_factor: float
    needs_z: bool = False

    def derivative(self, z):
        """``f'(z)`` as one array: the product of the factors.

        Parameters
        ----------
        z : ndarray
            Pre-activations.

        Returns
        -------
        ndarray
            The derivative at each ``z``.

        Examples
        --------
        >>> import numpy as np
        >>> HIDDEN_ACTIVATIONS["logistic"].derivative(np.array([0.0]))
        array([0.25])
        >>> HIDDEN_ACTIVATIONS["silu"].derivative(np.array([0.0]))
        array([0.5])
        """
        given = z if self.needs_z else self.function(z)
        slope = namespace(given).ones_like(given)
        for factor in self.derivative_factors(given):
            slope = slope * factor
        return slope


def identity(z, out=None):
    """Return ``z`` unchanged (a copy-free identity), or copied into ``out``."""
    if out is None or out is z:
        return z
    out[...] = z
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
    return apply(namespace(z).tanh, z, out=out)


def tanh_derivative_factors(a):
    """``f'(z) = 1 - a**2`` for tanh."""
    return (1 - a**2,)


def relu(z, out=None):
    """Rectified linear unit ``max(0, z)``."""
    return apply(namespace(z).maximum, z, 0.0, out=out)


def relu_derivative_factors(a):
    """``f'(z) = 1`` where the unit is active (``a > 0``), else ``0``.

    Returned as booleans on NumPy (``True`` is 1): multiplying by them gives
    the same numbers as multiplying by ones and zeros, with an eighth of the
    memory. The array API does not mix booleans with floats in arithmetic, so
    other namespaces get ones and zeros.
    """
    active = a > 0
    if isinstance(a, np.ndarray):
        return (active,)
    return (namespace(a).astype(active, a.dtype),)


def leaky_relu(z, out=None):
    """Leaky rectified linear unit: ``z`` if ``z > 0``, else ``0.01 z``.

    Computed as ``max(z, 0.01 z)``, which is the same for a slope below 1.

    Examples
    --------
    >>> import numpy as np
    >>> leaky_relu(np.array([-200.0, 0.0, 3.0]))
    array([-2.,  0.,  3.])
    """
    return apply(namespace(z).maximum, z, LEAKY_RELU_SLOPE * z, out=out)


def leaky_relu_derivative_factors(a):
    """``f'(z) = 1`` where ``a > 0`` (that is, ``z > 0``), else the slope 0.01."""
    xp = namespace(a)
    return (xp.where(a > 0, xp.ones_like(a), LEAKY_RELU_SLOPE),)


def elu(z, out=None):
    """Exponential linear unit: ``z`` if ``z > 0``, else ``exp(z) - 1``.

    The exponential is taken of ``min(z, 0)`` only, so it never overflows, and
    as ``expm1`` for accuracy near 0.

    Examples
    --------
    >>> import numpy as np
    >>> elu(np.array([-1e300, 0.0, 2.0]))
    array([-1.,  0.,  2.])
    """
    xp = namespace(z)
    negative_part = ELU_ALPHA * xp.expm1(xp.minimum(z, 0.0))
    return _where(z > 0, z, negative_part, out=out)


def elu_derivative_factors(a):
    """``f'(z) = 1`` where ``a > 0``, else ``exp(z) = a + 1``."""
    return (namespace(a).where(a > 0, 1.0, a + ELU_ALPHA),)


def softplus(z, out=None):
    """Softplus ``log(1 + exp(z))``, a smooth relu, as ``logaddexp(0, z)``.

    Examples
    --------
    >>> import numpy as np
    >>> softplus(np.array([-1e300, 0.0, 1e300])) == [0.0, np.log(2.0), 1e300]
    array([ True,  True,  True])
    """
    # logaddexp flags a NaN input as an invalid value; from numbers it makes none.
    with np.errstate(invalid="ignore"):
        return apply(namespace(z).logaddexp, 0.0, z, out=out)


def softplus_derivative_factors(a):
    """``f'(z) = s(z) = 1 - exp(-a)``, computed as ``-expm1(-a)`` for accuracy."""
    return (-namespace(a).expm1(-a),)


def gelu(z, out=None):
    """Gaussian error linear unit ``z Phi(z)``, exact (not the tanh approximation).

    ``Phi`` is the standard normal distribution function (``scipy.special.ndtr``
    on NumPy arrays).

    Examples
    --------
    >>> import numpy as np
    >>> gelu(np.array([0.0, 1.0, 1e300]))
    array([0.00000000e+000, 8.41344746e-001, 1.00000000e+300])
    """
    xp = namespace(z)
    return apply(xp.multiply, xp.maximum(z, _NDTR_IS_ZERO_BELOW), ndtr(z), out=out)


def gelu_derivative_factors(z):
    """``f'(z) = Phi(z) + z phi(z)``, written with ``z``, ``phi`` the normal density."""
    xp = namespace(z)
    z = xp.clip(z, _NDTR_IS_ZERO_BELOW, -_NDTR_IS_ZERO_BELOW)
    return (ndtr(z) + z * xp.exp(-0.5 * z * z) / _SQRT_2PI,)


def silu(z, out=None):
    """Sigmoid-weighted linear unit (swish) ``z s(z)``, ``s`` the logistic sigmoid.

    Examples
    --------
    >>> import numpy as np
    >>> silu(np.array([0.0, 1.0, 1e300]))
    array([0.00000000e+000, 7.31058579e-001, 1.00000000e+300])
    """
    xp = namespace(z)
    return apply(xp.multiply, xp.maximum(z, _EXPIT_IS_ZERO_BELOW), expit(z), out=out)


def silu_derivative_factors(z):
    """``f'(z) = s (1 + z (1 - s))`` with ``s = s(z)``: ``s``, then the rest."""
    s = expit(z)
    return s, 1 + z * (1 - s)


def _where(condition, x, y, out=None):
    """``where(condition, x, y)``, written into ``out`` when given."""
    result = namespace(x).where(condition, x, y)
    return result if out is None else identity(result, out=out)


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
    xp = namespace(z)
    top = _row_maxima(z)
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = z - top
    infinite_rows = xp.isinf(top)
    if not isinstance(z, np.ndarray) or count_true(infinite_rows):  # no device sync
        shifted = xp.where(
            infinite_rows, xp.where(z == top, xp.zeros_like(z), -xp.inf), shifted
        )
    exp = apply(xp.exp, shifted, out=shifted)  # shifted is a new array: reused
    exp /= row_sums(exp)
    return exp


def _row_maxima(z):
    """Each row's maximum, as a column. On NumPy it is picked by argmax: the
    same value as ``z.max(axis=1)`` (NaN included) at a fraction of the cost
    when rows are short."""
    if isinstance(z, np.ndarray):
        rows = np.arange(z.shape[0])
        return z[rows, z.argmax(axis=1)][:, np.newaxis]
    return namespace(z).max(z, axis=1, keepdims=True)


HIDDEN_ACTIVATIONS = {
    "identity": Activation(identity, identity_derivative_factors, glorot_factor=6.0),
    "logistic": Activation(logistic, logistic_derivative_factors, glorot_factor=2.0),
    "tanh": Activation(tanh, tanh_derivative_factors, glorot_factor=6.0),
    "relu": Activation(relu, relu_derivative_factors, glorot_factor=6.0),
    "leaky_relu": Activation(
        leaky_relu, leaky_relu_derivative_factors, glorot_factor=6.0
    ),
    "elu": Activation(elu, elu_derivative_factors, glorot_factor=6.0),
    "softplus": Activation(softplus, softplus_derivative_factors, glorot_factor=6.0),
    "gelu": Activation(gelu, gelu_derivative_factors, glorot_factor=6.0, needs_z=True),
    "silu": Activation(silu, silu_derivative_factors, glorot_factor=6.0, needs_z=True),
}


def exp(z):
    """Exponential ``exp(z)``: the output of a Poisson regression, always positive."""
    return namespace(z).exp(z)


OUTPUT_ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "softmax": softmax,
    "exp": exp,
}
