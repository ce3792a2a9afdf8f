"""The estimators' own warnings point at the user's own line.

A warning is reported at the first frame outside skscratch, scikit-learn and
joblib: the user's call to ``fit``, to ``Pipeline.fit``, to
``cross_val_score`` or to ``GridSearchCV.fit``. In a joblib worker (threads
or processes) no frame of the stack is the user's: the warning is reported
where the worker thread or process starts, in the standard library.
"""

import re
import sys
import sysconfig
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skscratch._solvers
from skscratch import ScratchMLPClassifier, ScratchMLPRegressor

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
TEN_ROWS = np.r_[0:5, 50:55]  # two classes, too few rows to hold out 2 of them


def diverging_regressor():
    """An identity network with a learning rate of 1: it diverges on iris."""
    return ScratchMLPRegressor(
        hidden_layer_sizes=100,
        activation="identity",
        solver="sgd",
        learning_rate_init=1,
        max_iter=20,
        early_stopping=True,
        n_iter_no_change=10,
        random_state=0,
    )


# Each case: the estimator, its data, the warning's category and message.
CASES = {
    "max_iter": (
        lambda: ScratchMLPClassifier(max_iter=2, random_state=0),
        (X_IRIS, Y_IRIS),
        ConvergenceWarning,
        r"^Stochastic Optimizer: Maximum iterations \(2\) reached",
    ),
    "lbfgs_max_iter": (
        lambda: ScratchMLPClassifier(solver="lbfgs", max_iter=2, random_state=0),
        (X_IRIS, Y_IRIS),
        ConvergenceWarning,
        r"^lbfgs failed to converge after 2 iteration\(s\)",
    ),
    "diverged": (
        diverging_regressor,
        (X_IRIS, Y_IRIS.astype(float)),
        ConvergenceWarning,
        r"^Training diverged at epoch",
    ),
    "interrupted": (
        lambda: ScratchMLPClassifier(max_iter=5, random_state=0),
        (X_IRIS, Y_IRIS),
        UserWarning,
        r"^Training interrupted by user\.$",
    ),
    "batch_size_clipped": (
        lambda: ScratchMLPClassifier(batch_size=1000, max_iter=5, random_state=0),
        (X_IRIS, Y_IRIS),
        UserWarning,
        r"^Got `batch_size` less than 1 or larger than sample size\.",
    ),
    "too_few_rows_for_early_stopping": (
        lambda: ScratchMLPClassifier(early_stopping=True, max_iter=5, random_state=0),
        (X_IRIS[TEN_ROWS], Y_IRIS[TEN_ROWS]),
        UserWarning,
        r"^early_stopping=True holds out a validation_fraction of 0\.1",
    ),
}


def _next_line():
    """The number of the line after the caller's current line."""
    return sys._getframe(1).f_lineno + 1


# Each way of calling fit returns the line number of the user's call.


def plain_fit(estimator, X, y):
    line = _next_line()
    estimator.fit(X, y)
    return line


def pipeline_fit(estimator, X, y):
    line = _next_line()
    make_pipeline(StandardScaler(), estimator).fit(X, y)
    return line


def cross_val_score_fit(estimator, X, y):
    line = _next_line()
    cross_val_score(estimator, X, y, cv=2)
    return line


def grid_search_fit(estimator, X, y):
    line = _next_line()
    GridSearchCV(estimator, {"alpha": [1e-4, 1e-3]}, cv=2).fit(X, y)
    return line


@pytest.fixture
def interrupt_training(monkeypatch):
    """Every batch of training raises KeyboardInterrupt, as Ctrl+C would."""

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(skscratch._solvers, "objective_and_gradients", interrupted)


def caught_warnings(case, call, request):
    """The warnings of ``case`` that ``call`` issues, and the user's line."""
    make_estimator, (X, y), category, message = CASES[case]
    if case == "interrupted":
        request.getfixturevalue("interrupt_training")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = call(make_estimator(), X, y)
    matching = [
        record
        for record in caught
        if record.category is category and re.search(message, str(record.message))
    ]
    return matching, line


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(
    "call", [plain_fit, pipeline_fit, cross_val_score_fit, grid_search_fit]
)
def test_warning_points_at_the_users_line(case, call, request):
    records, line = caught_warnings(case, call, request)
    assert records, f"no {case} warning"
    assert {(record.filename, record.lineno) for record in records} == {
        (__file__, line)
    }


def threaded_cross_val_score(estimator, X, y):
    with joblib.parallel_backend("threading", n_jobs=2):
        cross_val_score(estimator, X, y, cv=2)


@pytest.mark.parametrize("case", CASES)
def test_warning_in_a_worker_thread_points_at_the_standard_library(case, request):
    """No frame of a worker thread's stack is the user's: the warning is
    reported where joblib's thread pool starts the work, not inside skscratch,
    scikit-learn or joblib."""
    records, _ = caught_warnings(case, threaded_cross_val_score, request)
    assert records, f"no {case} warning"
    standard_library = Path(sysconfig.get_paths()["stdlib"]).resolve()
    for record in records:
        assert standard_library in Path(record.filename).resolve().parents
