"""The bad-input catalogue for ScratchMLPRegressor.

The same rules as ``test_bad_input.py`` (and its machinery): each mistake raises
the stated exception with a message that names what was wrong, and leaves the
estimator exactly as it was, whatever state it started in.
"""

import copy
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skscratch import ScratchMLPRegressor

from .test_bad_input import (
    BASE_PARAMS,
    COLUMNS,
    INVALID_PARAMETERS,
    LAYER_ROWS,
    Row,
    X,
    _bad_init,
    _with,
    assert_same_state,
    call,
    fit,
    init_rows,
    partial_fit,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

y = X @ np.array([1.0, -2.0, 0.5, 0.0])
Y2 = np.c_[y, -y]
PARTIAL = ("partial",)
NAME = "ScratchMLPRegressor"

CATALOGUE = [
    Row("nan_in_X", fit(_with(X, (0, 0), np.nan), y), ValueError, "X contains NaN"),
    Row("inf_in_X", fit(_with(X, (1, 2), np.inf), y), ValueError, "X contains inf"),
    Row("empty_X", fit(np.empty((0, 4)), []), ValueError, r"0 sample\(s\)"),
    Row("X_1d", fit(X[:, 0], y), ValueError, "Expected 2D array, got 1D array"),
    Row("complex_X", fit(X + 1j, y), ValueError, "Complex data not supported"),
    Row(
        "X_y_lengths",
        fit(X, y[:-1]),
        ValueError,
        "inconsistent numbers of samples: \\[40, 39\\]",
    ),
    Row("nan_in_y", fit(X, _with(y, 0, np.nan)), ValueError, "y contains NaN"),
    Row("inf_in_y", fit(X, _with(y, 0, np.inf)), ValueError, "y contains inf"),
    Row(
        "string_y",
        fit(X, np.array(["a", "b"] * 20)),
        ValueError,
        "could not convert string to float: .*'a'",
    ),
    Row(
        "poisson_negative_y",
        fit(X, y),
        ValueError,
        "^Some value\\(s\\) of y are negative which is not allowed for Poisson",
        set_params={"loss": "poisson"},
        starts=("new",),
    ),
    Row(
        "negative_sample_weight",
        fit(X, y, sample_weight=-np.ones(40)),
        ValueError,
        "Negative values in data passed to `sample_weight`",
    ),
    Row(
        "nan_sample_weight",
        fit(X, y, sample_weight=_with(np.ones(40), 3, np.nan)),
        ValueError,
        "sample_weight contains NaN",
    ),
    Row(
        "zero_sample_weight",
        fit(X, y, sample_weight=np.zeros(40)),
        ValueError,
        "(sum to zero|must contain at least one non-zero number)",
    ),
    Row(
        "X_val_without_y_val",
        fit(X, y, X_val=X),
        ValueError,
        "X_val and y_val must be given together",
    ),
    Row(
        "X_val_features",
        fit(X, y, X_val=X[:, :3], y_val=y),
        ValueError,
        f"X has 3 features, but {NAME} is expecting 4 features",
    ),
    Row(
        "y_val_length",
        fit(X, y, X_val=X, y_val=y[:-1]),
        ValueError,
        "X_val and y_val have different numbers of samples: 40 and 39",
    ),
    Row(
        "y_val_targets",
        fit(X, y, X_val=X, y_val=Y2),
        ValueError,
        "^y_val has 2 target\\(s\\) per sample; the model was fitted with 1",
    ),
    Row(
        "y_val_one_sample",
        fit(X, y, X_val=X[:1], y_val=y[:1]),
        ValueError,
        r"^y_val has 1 sample\(s\): the validation score, R², needs at least 2",
    ),
    Row(
        "datetime_y",
        fit(X, np.arange(40).astype("datetime64[D]")),
        ValueError,
        r"^y holds dates or durations \(datetime64\[D\]\): give them as numbers",
    ),
    Row(
        "y_val_nan",
        fit(X, y, X_val=X, y_val=_with(y, 0, np.nan)),
        ValueError,
        "Input y_val contains NaN",
    ),
    Row(
        "init_wrong_coef_shape",
        fit(X, y),
        ValueError,
        "init must return a coef of shape",
        set_params={"init": _bad_init(1, 0)},
        starts=("new", "fitted"),
    ),
    *init_rows(X, y, n_outputs=1),
    Row(
        "hidden_layer_size_zero",
        fit(X, y),
        ValueError,
        "hidden_layer_sizes must be > 0",
        set_params={"hidden_layer_sizes": (3, 0)},
        starts=("new", "fitted"),
    ),
    Row(
        "warm_start_other_targets",
        fit(X, Y2),
        ValueError,
        "^y has 2 target\\(s\\) per sample; the model was fitted with 1",
        starts=("warm",),
    ),
    Row(
        "warm_start_other_loss",
        fit(X, np.abs(y)),
        ValueError,
        "loss='poisson' differs from loss='squared_error'",
        set_params={"loss": "poisson"},
        starts=("warm",),
    ),
    Row(
        "warm_start_other_hidden_sizes",
        fit(X, y),
        ValueError,
        "set warm_start=False to fit a new network",
        set_params={"hidden_layer_sizes": (4,)},
        starts=("warm",),
    ),
    Row(
        "predict_unfitted",
        call("predict", X),
        NotFittedError,
        "not fitted yet. Call 'fit'",
        starts=("new",),
    ),
    Row(
        "predict_n_features",
        call("predict", X[:, :3]),
        ValueError,
        f"X has 3 features, but {NAME} is expecting 4 features",
        starts=("fitted", "partial", "frame"),
    ),
    Row(
        "predict_nan",
        call("predict", _with(X, (0, 0), np.nan)),
        ValueError,
        "X contains NaN",
        starts=("fitted",),
    ),
    Row(
        "score_lengths",
        lambda est: est.score(X, y[:-1]),
        ValueError,
        "inconsistent numbers of samples",
        starts=("fitted",),
    ),
    Row(
        "partial_fit_other_targets",
        partial_fit(X, Y2),
        ValueError,
        "^y has 2 target\\(s\\) per sample; the model was fitted with 1",
        starts=PARTIAL,
    ),
    Row(
        "partial_fit_n_features",
        partial_fit(X[:, :2], y),
        ValueError,
        f"X has 2 features, but {NAME} is expecting 4 features",
        starts=PARTIAL,
    ),
    Row(
        "partial_fit_lbfgs",
        partial_fit(X, y),
        AttributeError,
        "has no attribute 'partial_fit'",
        set_params={"solver": "lbfgs"},
        starts=("new", "partial"),
    ),
]

CATALOGUE += [
    Row(
        f"invalid_{name}={value!r}",
        fit(X, y),
        InvalidParameterError,
        f"The '{name}' parameter of {NAME} must be .* Got "
        f"{re.escape(repr(value))} instead",
        set_params={name: value},
        starts=("new", "fitted"),
    )
    for name, value in INVALID_PARAMETERS
    if name in ScratchMLPRegressor().get_params()
]


CATALOGUE += [
    Row(
        name,
        fit(X, y),
        ValueError,
        match,
        set_params={"hidden_layer_sizes": (3, 2), **params},
        starts=("new", "fitted"),
    )
    for name, params, match in LAYER_ROWS
]


def _build(start):
    est = ScratchMLPRegressor(**BASE_PARAMS)
    if start == "fitted":
        est.fit(X, y)
    elif start == "warm":
        est.set_params(warm_start=True).fit(X, y)
    elif start == "partial":
        est.partial_fit(X, y)
    elif start == "frame":
        est.fit(pd.DataFrame(X, columns=COLUMNS), y)
    return est


@pytest.fixture(scope="module")
def starting_models():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return {
            start: _build(start)
            for start in ("new", "fitted", "warm", "partial", "frame")
        }


CASES = [
    pytest.param(row, start, id=f"{row.id}-{start}")
    for row in CATALOGUE
    for start in row.starts
]


@pytest.mark.parametrize(("row", "start"), CASES)
def test_bad_input_raises_and_leaves_model_unchanged(row, start, starting_models):
    est = copy.deepcopy(starting_models[start])
    X_check = pd.DataFrame(X, columns=COLUMNS) if start == "frame" else X
    predictions_before = est.predict(X_check) if start != "new" else None
    original_params = est.get_params()
    est.set_params(**row.set_params)
    state_before = copy.deepcopy(vars(est))

    with pytest.raises(row.exception, match=row.match):
        row.action(est)

    assert_same_state(state_before, vars(est))
    est.set_params(**original_params)
    if predictions_before is not None:
        np.testing.assert_array_equal(est.predict(X_check), predictions_before)


def test_every_regressor_parameter_has_an_invalid_value():
    checked = {name for name, _ in INVALID_PARAMETERS}
    assert set(ScratchMLPRegressor().get_params()) <= checked


def test_divergence_raises_and_leaves_the_model():
    est = ScratchMLPRegressor(
        **{**BASE_PARAMS, "solver": "sgd", "learning_rate_init": 1e3, "max_iter": 50}
    )
    with pytest.raises(ValueError, match="^Solver produced non-finite parameter"):
        est.fit(X * 1e100, y)
    assert vars(est) == est.get_params()


def test_score_of_huge_values_raises_no_runtime_warning(starting_models):
    est = starting_models["fitted"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        score = est.score(X, y * 1e200)
    assert score <= 0 or np.isnan(score)
