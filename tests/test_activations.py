"""The hidden activations: values, derivatives, limits, dtypes and initial weights.

Every activation of the registry is checked against textbook formulas written
here with Python's ``math`` module (independent of the numpy and scipy code
under test), and its derivative against central differences of the function.
"""

import math
import warnings
from itertools import pairwise

import numpy as np
import pytest
from scipy.special import expit, ndtr
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from skscratch import ScratchMLPClassifier
from skscratch._activations import HIDDEN_ACTIVATIONS
from skscratch._network import backward, forward, initialize_parameters

ACTIVATIONS = sorted(HIDDEN_ACTIVATIONS)
FLOAT_TYPES = (np.float32, np.float64)


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def _normal_cdf(z):
    return 0.5 * math.erfc(-z / math.sqrt(2))


# name: (f(z), f'(z)), from the definitions, for moderate z (|z| <= 30).
REFERENCES = {
    "identity": (lambda z: z, lambda z: 1.0),
    "logistic": (_sigmoid, lambda z: _sigmoid(z) * _sigmoid(-z)),
    "tanh": (math.tanh, lambda z: 1 / math.cosh(z) ** 2),
    "relu": (lambda z: max(z, 0.0), lambda z: float(z > 0)),
    "leaky_relu": (
        lambda z: z if z > 0 else 0.01 * z,
        lambda z: 1.0 if z > 0 else 0.01,
    ),
    "elu": (
        lambda z: z if z > 0 else math.expm1(z),
        lambda z: 1.0 if z > 0 else math.exp(z),
    ),
    "softplus": (lambda z: math.log1p(math.exp(z)), _sigmoid),
    "gelu": (
        lambda z: z * _normal_cdf(z),
        lambda z: _normal_cdf(z) + z * math.exp(-z * z / 2) / math.sqrt(2 * math.pi),
    ),
    "silu": (
        lambda z: z / (1 + math.exp(-z)),
        lambda z: (1 + math.exp(-z) * (1 + z)) / (1 + math.exp(-z)) ** 2,
    ),
}

# name: (f(-inf), f(+inf)), (f'(-largest float), f'(+largest float)).
LIMITS = {
    "identity": ((-np.inf, np.inf), (1, 1)),
    "logistic": ((0, 1), (0, 0)),
    "tanh": ((-1, 1), (0, 0)),
    "relu": ((0, np.inf), (0, 1)),
    "leaky_relu": ((-np.inf, np.inf), (0.01, 1)),
    "elu": ((-1, np.inf), (0, 1)),
    "softplus": ((0, np.inf), (0, 1)),
    "gelu": ((0, np.inf), (0, 1)),
    "silu": ((0, np.inf), (0, 1)),
}

# The factor k of the Glorot bound sqrt(k / (fan_in + fan_out)), as documented:
# scikit-learn's 2 for logistic, and 6 for every other activation.
GLOROT_FACTORS = {"logistic": 2.0}


def test_every_activation_has_an_independent_reference():
    assert set(REFERENCES) == set(LIMITS) == set(HIDDEN_ACTIVATIONS)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_values_and_derivatives_match_the_definitions(name):
    activation = HIDDEN_ACTIVATIONS[name]
    function, derivative = REFERENCES[name]
    z = np.linspace(-30, 30, 1201)  # step 0.05, zero included
    np.testing.assert_allclose(
        activation.function(z), [function(v) for v in z], rtol=1e-12, atol=1e-300
    )
    # Derivatives written with a = f(z) lose relative precision where f' is
    # below the rounding of a (the tails of tanh, logistic and elu): a few eps.
    np.testing.assert_allclose(
        activation.derivative(z), [derivative(v) for v in z], rtol=1e-12, atol=1e-15
    )


def _points_away_from_kinks():
    """Many ordinary points (none within 0.005 of 0) and extreme finite ones."""
    ordinary = np.linspace(-10, 10, 2000)
    magnitudes = np.array([20, 40, 100, 700, 745, 800, 1e5, 1e10, 1e100, 1e300, 1e307])
    return np.concatenate([ordinary, magnitudes, -magnitudes])


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_central_differences(name):
    activation = HIDDEN_ACTIVATIONS[name]
    z = _points_away_from_kinks()
    step = 1e-6 * np.maximum(1.0, np.abs(z))
    numeric = (activation.function(z + step) - activation.function(z - step)) / (
        2 * step
    )
    np.testing.assert_allclose(activation.derivative(z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_float32_agrees_with_float64(name):
    activation = HIDDEN_ACTIVATIONS[name]
    largest = np.finfo(np.float32).max
    z = np.clip(_points_away_from_kinks(), -largest, largest).astype(np.float32)
    a32, slope32 = activation.function(z), activation.derivative(z)
    assert a32.dtype == slope32.dtype == np.float32
    z64 = z.astype(np.float64)
    np.testing.assert_allclose(
        a32, activation.function(z64), rtol=1e-6, atol=np.finfo(np.float32).tiny
    )
    np.testing.assert_allclose(
        slope32, activation.derivative(z64), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("dtype", FLOAT_TYPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_limits_at_infinity(name, dtype):
    activation = HIDDEN_ACTIVATIONS[name]
    (at_minus_inf, at_inf), (slope_low, slope_high) = LIMITS[name]
    largest = np.finfo(dtype).max
    np.testing.assert_array_equal(
        activation.function(np.array([-np.inf, np.inf], dtype=dtype)),
        [at_minus_inf, at_inf],
    )
    np.testing.assert_array_equal(
        activation.derivative(np.array([-largest, largest], dtype=dtype)),
        np.array([slope_low, slope_high], dtype=dtype),
    )


@pytest.mark.parametrize("dtype", FLOAT_TYPES)
@pytest.mark.parametrize(("name", "weight"), [("gelu", ndtr), ("silu", expit)])
def test_clipping_before_the_product_changes_no_finite_result(name, weight, dtype):
    """``gelu`` and ``silu`` clip z where ``Phi(z)``, ``s(z)`` are exactly 0."""
    largest = np.finfo(dtype).max
    z = -np.append(np.geomspace(1, largest / 2, 5000), largest).astype(dtype)
    np.testing.assert_array_equal(HIDDEN_ACTIVATIONS[name].function(z), z * weight(z))


@pytest.mark.parametrize("dtype", FLOAT_TYPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_outputs_and_derivative_factors_keep_the_dtype(name, dtype):
    activation = HIDDEN_ACTIVATIONS[name]
    z = np.linspace(-5, 5, 11, dtype=dtype)
    a = activation.function(z)
    assert a.dtype == dtype
    for factor in activation.derivative_factors(z if activation.needs_z else a):
        assert factor.dtype in (dtype, np.bool_)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_glorot_bound_uses_the_documented_factor(name):
    layer_units = [7, 5, 3]
    coefs, intercepts = initialize_parameters(
        layer_units, "glorot_uniform", name, check_random_state(0), np.float64
    )
    factor = GLOROT_FACTORS.get(name, 6.0)
    assert HIDDEN_ACTIVATIONS[name].glorot_factor == factor
    draws = check_random_state(0)
    for (fan_in, fan_out), W, b in zip(
        pairwise(layer_units), coefs, intercepts, strict=True
    ):
        bound = np.sqrt(factor / (fan_in + fan_out))
        np.testing.assert_array_equal(
            W, draws.uniform(-bound, bound, (fan_in, fan_out))
        )
        np.testing.assert_array_equal(b, draws.uniform(-bound, bound, fan_out))


def _small_network(rng, layer_units=(4, 6, 5, 3)):
    coefs = [rng.normal(size=shape) for shape in pairwise(layer_units)]
    intercepts = [rng.normal(size=units) for units in layer_units[1:]]
    return coefs, intercepts


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_forward_keeps_what_the_derivative_is_written_with(name):
    rng = np.random.default_rng(0)
    coefs, intercepts = _small_network(rng)
    X = rng.normal(size=(8, 4))
    kept = []
    activations = forward(coefs, intercepts, X, name, "softmax", kept)
    in_place = forward(coefs, intercepts, X, name, "softmax")
    assert len(kept) == 2  # one array for each of the two hidden layers
    for layer, value in enumerate(kept):
        W, b = coefs[layer], intercepts[layer]
        z = activations[layer] @ W + b
        np.testing.assert_array_equal(
            activations[layer + 1], HIDDEN_ACTIVATIONS[name].function(z)
        )
        expected = z if HIDDEN_ACTIVATIONS[name].needs_z else activations[layer + 1]
        np.testing.assert_array_equal(value, expected)
    for with_z, without in zip(activations, in_place, strict=True):
        np.testing.assert_array_equal(with_z, without)


@pytest.mark.parametrize(
    "name", [name for name in ACTIVATIONS if HIDDEN_ACTIVATIONS[name].needs_z]
)
def test_backward_asks_for_the_pre_activations_it_needs(name):
    rng = np.random.default_rng(0)
    coefs, intercepts = _small_network(rng)
    activations = forward(coefs, intercepts, rng.normal(size=(8, 4)), name, "softmax")
    with pytest.raises(ValueError, match=f"derivatives of .*'{name}'.* need the"):
        backward(coefs, activations, rng.normal(size=(8, 3)), name, 0.0, None)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_activation_fits_and_predicts(iris, name):
    X, y = iris
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(10,),
        activation=name,
        solver="lbfgs",
        max_iter=40,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.score(X, y) >= 0.96
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_float32_training_stays_float32(iris, name):
    X, y = iris
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(6, 4), activation=name, max_iter=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X.astype(np.float32), y)
    for param in clf.coefs_ + clf.intercepts_:
        assert param.dtype == np.float32
        assert np.isfinite(param).all()
