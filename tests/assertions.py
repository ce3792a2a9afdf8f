"""Assertions and helpers shared by several test modules."""

import warnings

import numpy as np
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning

# The float64 weights are the same bit for bit; the margin is for other platforms.
RTOL = 1e-10
ATOL = 1e-13


def assert_same_weights(first, second):
    """Two fitted models have the same weights and biases, dtype and bits."""
    for a, b in zip(
        first.coefs_ + first.intercepts_,
        second.coefs_ + second.intercepts_,
        strict=True,
    ):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def fit_twins(theirs_class, ours_class, X, y, sample_weight=None, **params):
    """Fit scikit-learn's estimator and ours with the same parameters."""
    params.setdefault("random_state", 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = theirs_class(**params).fit(X, y, sample_weight=sample_weight)
        ours = ours_class(**params).fit(X, y, sample_weight=sample_weight)
    return theirs, ours


def assert_twins(theirs, ours, X, rtol=RTOL, atol=ATOL):
    """Ours followed scikit-learn's training: same weights, records, predictions."""
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.n_layers_ == theirs.n_layers_
    assert ours.n_outputs_ == theirs.n_outputs_
    assert ours.out_activation_ == theirs.out_activation_
    if hasattr(theirs, "classes_"):
        np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    for mine, ref in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        assert mine.dtype == ref.dtype
        assert_allclose(mine, ref, rtol=rtol, atol=atol)
    if hasattr(theirs, "loss_curve_"):
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=rtol, atol=atol)
        assert ours.t_ == theirs.t_
    if getattr(theirs, "validation_scores_", None) is not None:
        assert_allclose(
            ours.validation_scores_, theirs.validation_scores_, rtol=rtol, atol=atol
        )
    assert_allclose(ours.loss_, theirs.loss_, rtol=rtol, atol=atol)
    if hasattr(theirs, "predict_proba"):
        assert_allclose(
            ours.predict_proba(X), theirs.predict_proba(X), rtol=rtol, atol=atol
        )
    predicted, expected = ours.predict(X), theirs.predict(X)
    assert sp.issparse(predicted) == sp.issparse(expected)
    if sp.issparse(expected):
        predicted, expected = predicted.toarray(), expected.toarray()
    if expected.dtype.kind == "f":  # regression
        assert_allclose(predicted, expected, rtol=rtol, atol=atol)
    else:
        np.testing.assert_array_equal(predicted, expected)


class Exploding:
    """A type whose loading has a visible side effect (stands for malicious code)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __setstate__(self, state):
        self.__dict__.update(state)
        with open(self.marker, "w") as file:
            file.write("code ran")
