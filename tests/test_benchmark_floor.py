"""The benchmark's bare numpy loops perform the estimator's arithmetic.

``benchmarks/minimal_numpy.py`` is timed beside the estimators as a floor for
numpy; the comparison is fair only if it trains the same networks the same way.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skscratch import ScratchMLPClassifier
from skscratch.__main__ import NOTEBOOK_CONFIG

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from minimal_numpy import fit_digits_minimal, fit_notebook_minimal  # noqa: E402


def test_bare_loop_follows_the_estimator(digits):
    X, y = digits
    params, losses = fit_digits_minimal(X, y, epochs=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ScratchMLPClassifier(random_state=0, max_iter=3).fit(X, y)
    expected = np.concatenate([a.ravel() for a in model.coefs_ + model.intercepts_])
    np.testing.assert_allclose(params, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(losses, model.loss_curve_, rtol=1e-12)


def test_bare_notebook_loop_follows_the_estimator(digits):
    X, y = digits
    X = X / 8.0  # the notebook's pixel scale
    coefs, intercepts, losses = fit_notebook_minimal(X, y, epochs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = ScratchMLPClassifier(
            **{**NOTEBOOK_CONFIG, "batch_size": 50}, max_iter=2, random_state=0
        ).fit(X, y)
    for got, expected in zip(
        coefs + intercepts, model.coefs_ + model.intercepts_, strict=True
    ):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(losses, model.loss_curve_, rtol=1e-12)
