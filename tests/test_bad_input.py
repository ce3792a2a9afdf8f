"""Catalogue of bad inputs: the exception, its message, and an untouched model.

Each row of ``CATALOGUE`` is one mistake a user can make, with the exception
type it raises and a fragment of the message (a regular expression) that names
what was wrong. Every row is run from each of the starting states it lists:

- ``"new"``: a freshly constructed estimator;
- ``"fitted"``: an estimator fitted on good data (``warm_start=False``);
- ``"warm"``: a fitted estimator with ``warm_start=True``;
- ``"partial"``: an estimator trained by one call to ``partial_fit``;
- ``"frame"``: an estimator fitted on a pandas DataFrame with named columns.

Whatever the starting state, the failed call must leave the estimator exactly as
it was: every attribute (fitted weights, optimizer state, history, private
bookkeeping) compared deeply, and the same predictions.
"""

import copy
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skscratch import ScratchMLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.normal(size=(40, 4))
y = np.arange(40) % 3
Y_MULTILABEL = np.c_[y == 0, y == 1, X[:, 0] > 0].astype(int)
COLUMNS = ["a", "b", "c", "d"]
BASE_PARAMS = {"hidden_layer_sizes": (3,), "max_iter": 3, "random_state": 0}


def _with(array, index, value):
    """A copy of ``array`` with ``array[index] = value``."""
    changed = np.array(array, dtype=float)
    changed[index] = value
    return changed


def _bad_init(coef_extra, intercept_extra):
    """An ``init`` callable returning arrays with extra columns/entries."""

    def init(fan_in, fan_out, random_state):
        return np.zeros((fan_in, fan_out + coef_extra)), np.zeros(
            fan_out + intercept_extra
        )

    return init


def _init_returning(coef_value=0.0, intercept_value=0.0, dtype=None):
    """An ``init`` callable whose arrays hold the given values (of ``dtype``)."""

    def init(fan_in, fan_out, random_state):
        return (
            np.full((fan_in, fan_out), coef_value, dtype=dtype),
            np.full(fan_out, intercept_value, dtype=dtype),
        )

    return init


@dataclass(frozen=True)
class Row:
    """One mistake: what is done, what is raised, what the message says."""

    id: str
    action: object  # callable(estimator) doing the bad call
    exception: type
    match: str
    starts: tuple = ("new", "fitted", "warm")
    set_params: dict = field(default_factory=dict)


def fit(X_, y_, **kwargs):
    return lambda est: est.fit(X_, y_, **kwargs)


def partial_fit(X_, y_, **kwargs):
    return lambda est: est.partial_fit(X_, y_, **kwargs)


def call(method, X_):
    return lambda est: getattr(est, method)(X_)


def _nan_coef_after_hidden_layer(fan_in, fan_out, random_state):
    """An ``init`` callable: zeros, but NaN weights out of the hidden layer of 3."""
    return np.full((fan_in, fan_out), np.nan if fan_in == 3 else 0.0), np.zeros(fan_out)


def init_rows(X_, y_, n_outputs):
    """Rows for ``init`` callables returning values that are not real, finite
    numbers, on ``X_`` (4 features) and ``y_``, for a network with 3 hidden
    units (``BASE_PARAMS``) and ``n_outputs`` output units."""
    coef = r"its coef for layer 1 \(4 -> 3\)"
    not_real = r"^init must return arrays of real numbers \(integers or floats\); "
    return [
        Row(
            "init_coef_nan",
            fit(X_, y_),
            ValueError,
            rf"^init returned NaN or infinite values in {coef}\.$",
            set_params={"init": _init_returning(coef_value=np.nan)},
            starts=INIT_STARTS,
        ),
        Row(
            "init_coef_nan_in_output_layer",
            fit(X_, y_),
            ValueError,
            r"^init returned NaN or infinite values in its coef for layer 2 "
            rf"\(3 -> {n_outputs}\)\.$",
            set_params={"init": _nan_coef_after_hidden_layer},
            starts=INIT_STARTS,
        ),
        Row(
            "init_intercept_inf",
            fit(X_, y_),
            ValueError,
            r"^init returned NaN or infinite values in its intercept for layer 1 "
            r"\(4 -> 3\)\.$",
            set_params={"init": _init_returning(intercept_value=-np.inf)},
            starts=INIT_STARTS,
        ),
        Row(
            "init_complex",
            fit(X_, y_),
            TypeError,
            rf"{not_real}{coef} is of dtype complex128\.$",
            set_params={"init": _init_returning(coef_value=1j)},
            starts=INIT_STARTS,
        ),
        Row(
            "init_bool",
            fit(X_, y_),
            TypeError,
            rf"{not_real}{coef} is of dtype bool\.$",
            set_params={"init": _init_returning(True, False, dtype=bool)},
            starts=INIT_STARTS,
        ),
        Row(
            "init_object",
            fit(X_, y_),
            TypeError,
            rf"{not_real}{coef} is of dtype object\.$",
            set_params={"init": _init_returning(0.5, 0.0, dtype=object)},
            starts=INIT_STARTS,
        ),
        Row(
            "init_beyond_float32",
            fit(X_.astype(np.float32), y_),
            ValueError,
            rf"^init returned values beyond the range of float32 in {coef}: "
            r"largest magnitude 1e\+300\.$",
            set_params={"init": _init_returning(coef_value=1e300)},
            starts=INIT_STARTS,
        ),
    ]


FIT = fit(X, y)
INIT_STARTS = ("new", "fitted")  # warm starts and partial_fit do not call init
MULTIOUTPUT_MESSAGE = (
    r"^y has several columns of class labels \(multiclass-multioutput\), which "
    r"is not supported: give one column of labels, or a multilabel indicator "
    r"matrix of 0 and 1\.$"
)
WEIGHT_SUM_OUT_OF_RANGE = (
    r"^The sample weights \(times the class weights\) sum to {total}, too close "
    r"to zero or infinity to train on: rescale them\.$"
)
FLOAT32_WEIGHT_SUM_OUT_OF_RANGE = (
    r"^The sample weights \(times the class weights\) sum to {total}, too close "
    r"to zero or infinity to train on \(in float32\): rescale them\.$"
)
WEIGHTS_SWAMPED_BY_ALPHA = (
    r"^The sample weights \(times the class weights\) sum to 4e-299, so little "
    r"that the L2 penalty, alpha / sum = 2\.5e\+294, reaches 1 / eps = 4\.5e\+15 "
    r"of float64: the network's weights could not move from zero\. Rescale the "
    r"sample weights, for example to a mean of 1\.$"
)
PARTIAL = ("partial",)
PREDICT = ("fitted", "warm", "partial")

CATALOGUE = [
    # ---------------------------------------------------------------- X in fit
    Row("nan_in_X", fit(_with(X, (0, 0), np.nan), y), ValueError, "X contains NaN"),
    Row(
        "inf_in_X", fit(_with(X, (1, 2), np.inf), y), ValueError, "X contains infinity"
    ),
    Row(
        "minus_inf_in_X",
        fit(_with(X, (1, 2), -np.inf), y),
        ValueError,
        "X contains infinity",
    ),
    Row("empty_X", fit(np.empty((0, 4)), []), ValueError, r"0 sample\(s\)"),
    Row("no_features", fit(np.empty((40, 0)), y), ValueError, r"0 feature\(s\)"),
    Row("X_1d", fit(X[:, 0], y), ValueError, "Expected 2D array, got 1D array"),
    Row("X_3d", fit(X[:, :, np.newaxis], y), ValueError, "Found array with dim 3"),
    Row(
        "string_X",
        fit(np.full((40, 4), "red"), y),
        ValueError,
        "could not convert string to float: .*red",
    ),
    Row(
        "object_X",
        fit(np.array([[{"a": 1}, 1.0]] * 40, dtype=object), y),
        TypeError,
        "float.. argument must be a string or a real number, not 'dict'",
    ),
    Row(
        "ragged_X",
        fit([[1.0, 2.0], [3.0]], [0, 1]),
        ValueError,
        "inhomogeneous shape",
    ),
    Row("complex_X", fit(X + 1j, y), ValueError, "Complex data not supported"),
    Row(
        "X_y_lengths",
        fit(X, y[:-1]),
        ValueError,
        r"inconsistent numbers of samples: \[40, 39\]",
    ),
    # ---------------------------------------------------------------- y in fit
    Row("nan_in_y", fit(X, _with(y, 0, np.nan)), ValueError, "y contains NaN"),
    Row(
        "continuous_y",
        fit(X, np.linspace(0, 1, 40)),
        ValueError,
        "Unknown label type: continuous",
    ),
    Row(
        "mixed_label_types",
        fit(X, np.array([1, "a"] * 20, dtype=object)),
        ValueError,
        "Unknown label type: unknown",
    ),
    Row(
        "multiclass_multioutput_y",
        fit(X, np.c_[y, y]),
        ValueError,
        MULTIOUTPUT_MESSAGE,
    ),
    Row(
        "partial_fit_multiclass_multioutput_y",
        partial_fit(X, np.c_[y, y], classes=[0, 1, 2]),
        ValueError,
        MULTIOUTPUT_MESSAGE,
        starts=("new", "partial"),
    ),
    # ------------------------------------------------------------ sample_weight
    Row(
        "negative_sample_weight",
        fit(X, y, sample_weight=_with(np.ones(40), 3, -1.0)),
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
        "inf_sample_weight",
        fit(X, y, sample_weight=_with(np.ones(40), 3, np.inf)),
        ValueError,
        "sample_weight contains infinity",
    ),
    Row(
        "zero_sample_weight",
        fit(X, y, sample_weight=np.zeros(40)),
        ValueError,
        # scikit-learn's check from 1.8 on, the estimator's own before that
        r"Sample weights must contain at least one non-zero number|"
        r"The sample weights \(times the class weights\) sum to zero",
    ),
    Row(
        "sample_weight_length",
        fit(X, y, sample_weight=np.ones(39)),
        ValueError,
        r"sample_weight.shape == \(39,\), expected \(40,\)",
    ),
    Row(
        "sample_weight_2d",
        fit(X, y, sample_weight=np.ones((40, 2))),
        ValueError,
        "Sample weights must be 1D array or scalar",
    ),
    Row(
        "sample_weight_sum_overflows",
        fit(X, y, sample_weight=np.full(40, 1e308)),
        ValueError,
        WEIGHT_SUM_OUT_OF_RANGE.format(total="inf"),
    ),
    Row(
        "partial_fit_sample_weight_sum_overflows",
        partial_fit(X, y, classes=[0, 1, 2], sample_weight=np.full(40, 1e308)),
        ValueError,
        WEIGHT_SUM_OUT_OF_RANGE.format(total="inf"),
        starts=("new", "partial"),
    ),
    Row(
        "sample_weight_sum_subnormal",
        fit(X, y, sample_weight=np.full(40, 1e-320)),
        ValueError,
        WEIGHT_SUM_OUT_OF_RANGE.format(total=r"[0-9.]+e-319"),
    ),
    Row(
        "float32_sample_weight_sum_overflows",
        fit(X.astype(np.float32), y, sample_weight=np.full(40, 1e37)),
        ValueError,
        FLOAT32_WEIGHT_SUM_OUT_OF_RANGE.format(total=r"4e\+38"),
    ),
    Row(
        "float32_sample_weight_sum_underflows",
        fit(X.astype(np.float32), y, sample_weight=np.full(40, 1e-46)),
        ValueError,
        FLOAT32_WEIGHT_SUM_OUT_OF_RANGE.format(total="4e-45"),
    ),
    Row(
        "sample_weight_swamped_by_alpha",
        fit(X, y, sample_weight=np.full(40, 1e-300)),
        ValueError,
        WEIGHTS_SWAMPED_BY_ALPHA,
    ),
    Row(
        "partial_fit_sample_weight_swamped_by_alpha",
        partial_fit(X, y, classes=[0, 1, 2], sample_weight=np.full(40, 1e-300)),
        ValueError,
        WEIGHTS_SWAMPED_BY_ALPHA,
        starts=("new", "partial"),
    ),
    # ------------------------------------------------------------- class_weight
    Row(
        "class_weight_unknown_class",
        FIT,
        ValueError,
        r"class_weight names classes that are not in classes_ \[0, 1, 2\]: \[7\]",
        set_params={"class_weight": {0: 1.0, 7: 2.0}},
    ),
    Row(
        "class_weight_negative",
        FIT,
        ValueError,
        r"^class_weight must give each class a finite, non-negative weight; "
        r"got \{0: -1\.0\}",
        set_params={"class_weight": {0: -1.0}},
    ),
    Row(
        "class_weight_nan",
        FIT,
        ValueError,
        "class_weight must give each class a finite, non-negative weight",
        set_params={"class_weight": {1: np.nan}},
    ),
    Row(
        "class_weight_all_zero",
        FIT,
        ValueError,
        r"sample weights \(times the class weights\) sum to zero",
        set_params={"class_weight": {0: 0.0, 1: 0.0, 2: 0.0}},
    ),
    Row(
        "class_weight_sum_overflows",
        FIT,
        ValueError,
        WEIGHT_SUM_OUT_OF_RANGE.format(total="inf"),
        set_params={"class_weight": {0: 1e308, 1: 1e308, 2: 1e308}},
    ),
    Row(
        "sample_weight_times_class_weight_overflows",
        fit(X, y, sample_weight=np.full(40, 1e10)),
        ValueError,
        WEIGHT_SUM_OUT_OF_RANGE.format(total="inf"),
        set_params={"class_weight": {0: 1e300}},
    ),
    Row(
        "balanced_class_weight_sum_overflows",
        fit(X, y, sample_weight=np.full(40, 1e307)),
        ValueError,
        WEIGHT_SUM_OUT_OF_RANGE.format(total="inf"),
        set_params={"class_weight": "balanced"},
    ),
    Row(
        "balanced_class_weight_beyond_float",
        fit(X, y, sample_weight=np.where(y == 0, 1e300, 1e-300)),
        ValueError,
        r"^class_weight='balanced' cannot weigh class indices \[1, 2\]: their "
        r"samples weigh so little",
        set_params={"class_weight": "balanced"},
    ),
    # ---------------------------------------------------------- validation data
    Row(
        "X_val_without_y_val",
        fit(X, y, X_val=X),
        ValueError,
        "X_val and y_val must be given together",
    ),
    Row(
        "y_val_without_X_val",
        fit(X, y, y_val=y),
        ValueError,
        "X_val and y_val must be given together",
    ),
    Row(
        "X_val_features",
        fit(X, y, X_val=X[:, :3], y_val=y),
        ValueError,
        "X has 3 features, but ScratchMLPClassifier is expecting 4 features",
    ),
    Row(
        "nan_in_X_val",
        fit(X, y, X_val=_with(X, (0, 0), np.nan), y_val=y),
        ValueError,
        "X contains NaN",
    ),
    Row(
        "y_val_unknown_labels",
        fit(X, y, X_val=X[:2], y_val=[0, 9]),
        ValueError,
        r"^y_val contains labels not in classes_ \[0, 1, 2\]: \[9\]",
    ),
    Row(
        "y_val_length",
        fit(X, y, X_val=X, y_val=y[:-1]),
        ValueError,
        "X_val and y_val have different numbers of samples: 40 and 39",
    ),
    Row(
        "early_stopping_without_validation_fraction",
        FIT,
        ValueError,
        r"^validation_fraction=0\.0 leaves no validation data for "
        r"early_stopping=True",
        set_params={"early_stopping": True, "validation_fraction": 0.0},
        starts=("new", "fitted"),
    ),
    Row(
        # One weighted sample: one part of the split has no weight at all.
        "early_stopping_part_without_weight",
        fit(X, y, sample_weight=_with(np.zeros(40), 0, 1.0)),
        ValueError,
        r"^The sample weights of the (training|validation) part of the "
        r"early-stopping split sum to zero",
        set_params={"early_stopping": True, "validation_fraction": 0.2},
        starts=("new", "fitted"),
    ),
    Row(
        # Binary targets are stratified, as in MLPClassifier: a class of one
        # sample cannot be split in two.
        "early_stopping_binary_class_of_one_sample",
        fit(X, _with(np.zeros(40), 0, 1.0)),
        ValueError,
        r"^The least populated class(es)? in y ha(s|ve) only 1 member, which is "
        r"too few",
        set_params={"early_stopping": True},
        starts=("new", "fitted"),
    ),
    Row(
        "y_val_multilabel_not_0_1",
        fit(X, Y_MULTILABEL, X_val=X, y_val=_with(Y_MULTILABEL, (0, 0), 5)),
        ValueError,
        r"^y_val must hold the same kind of targets as y \(multilabel-indicator\)",
        starts=("new", "fitted"),
    ),
    Row(
        "y_val_multilabel_nan",
        fit(X, Y_MULTILABEL, X_val=X, y_val=_with(Y_MULTILABEL, (0, 0), np.nan)),
        ValueError,
        "Input y_val contains NaN",
        starts=("new", "fitted"),
    ),
    Row(
        "y_val_labels_for_multilabel",
        fit(X, Y_MULTILABEL, X_val=X, y_val=y),
        ValueError,
        r"^y_val must hold the same kind of targets as y \(multilabel-indicator\);"
        r" got multiclass targets",
        starts=("new", "fitted"),
    ),
    Row(
        "partial_fit_multilabel_classes_not_the_labels",
        partial_fit(X, Y_MULTILABEL, classes=["a", "b"]),
        ValueError,
        r"^classes=\['a', 'b'\] does not match y, a label indicator matrix whose "
        r"labels are \[0, 1, 2\]",
        starts=("new",),
    ),
    # ---------------------------------------------------------- network shape
    Row(
        "init_wrong_coef_shape",
        FIT,
        ValueError,
        r"init must return a coef of shape \(4, 3\).*got \(4, 4\)",
        set_params={"init": _bad_init(1, 0)},
        starts=("new", "fitted"),
    ),
    Row(
        "init_wrong_intercept_shape",
        FIT,
        ValueError,
        r"intercept of shape \(3,\); got \(4, 3\) and \(4,\)",
        set_params={"init": _bad_init(0, 1)},
        starts=("new", "fitted"),
    ),
    Row(
        "init_returning_none",
        FIT,
        TypeError,
        r"^init must return a pair \(coef, intercept\) of arrays of shapes "
        r"\(4, 3\) and \(3,\); got NoneType\.$",
        set_params={"init": lambda fan_in, fan_out, random_state: None},
        starts=("new", "fitted"),
    ),
    *init_rows(X, y, n_outputs=3),
    Row(
        "hidden_layer_size_zero",
        FIT,
        ValueError,
        r"^hidden_layer_sizes must be > 0, got \[0\]\.$",
        set_params={"hidden_layer_sizes": (0,)},
    ),
    Row(
        "hidden_layer_size_negative",
        FIT,
        ValueError,
        r"^hidden_layer_sizes must be > 0, got \[3, -2\]\.$",
        set_params={"hidden_layer_sizes": (3, -2)},
    ),
    Row(
        "hidden_layer_size_non_integer",
        FIT,
        ValueError,
        r"^hidden_layer_sizes must be positive integers, got \[2\.5\]\.$",
        set_params={"hidden_layer_sizes": (2.5,)},
    ),
    # -------------------------------------------------------------- warm start
    Row(
        "warm_start_other_classes",
        fit(X, y % 2),
        ValueError,
        "warm_start can only be used where `y` has the same classes",
        starts=("warm",),
    ),
    Row(
        "warm_start_other_n_features",
        fit(X[:, :3], y),
        ValueError,
        "X has 3 features, but ScratchMLPClassifier is expecting 4 features",
        starts=("warm",),
    ),
    Row(
        "warm_start_other_hidden_sizes",
        FIT,
        ValueError,
        r"layer sizes \[4, 5, 3\] differ from those of the fitted model "
        r"\[4, 3, 3\]: set warm_start=False",
        set_params={"hidden_layer_sizes": (5,)},
        starts=("warm",),
    ),
    Row(
        "warm_start_multilabel_on_multiclass",
        fit(X, np.eye(3, dtype=int)[y]),
        ValueError,
        "y is a label indicator matrix but the model was fitted on multiclass",
        starts=("warm",),
    ),
    # ----------------------------------------------------------------- predict
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
        "X has 3 features, but ScratchMLPClassifier is expecting 4 features",
        starts=PREDICT,
    ),
    Row(
        "predict_proba_n_features",
        call("predict_proba", np.hstack([X, X])),
        ValueError,
        "X has 8 features, but ScratchMLPClassifier is expecting 4 features",
        starts=PREDICT,
    ),
    Row(
        "predict_log_proba_nan",
        call("predict_log_proba", _with(X, (5, 1), np.nan)),
        ValueError,
        "X contains NaN",
        starts=PREDICT,
    ),
    Row(
        "predict_renamed_columns",
        call("predict", pd.DataFrame(X, columns=["a", "b", "c", "e"])),
        ValueError,
        "Feature names unseen at fit time:\n- e\n.*seen at fit time, yet now "
        "missing:\n- d",
        starts=("frame",),
    ),
    Row(
        "predict_reordered_columns",
        call("predict", pd.DataFrame(X[:, ::-1], columns=COLUMNS[::-1])),
        ValueError,
        "Feature names must be in the same order as they were in fit",
        starts=("frame",),
    ),
    Row(
        "score_lengths",
        lambda est: est.score(X, y[:-1]),
        ValueError,
        r"inconsistent numbers of samples: \[39, 40\]",
        starts=PREDICT,
    ),
    # ------------------------------------------------------------- partial_fit
    Row(
        "partial_fit_without_classes",
        partial_fit(X, y),
        ValueError,
        "classes must be passed on the first call to partial_fit",
        starts=("new",),
    ),
    Row(
        "partial_fit_label_outside_first_classes",
        partial_fit(X, y, classes=[0, 1]),
        ValueError,
        r"y contains labels not in classes_ \[0, 1\]: \[2\]",
        starts=("new",),
    ),
    Row(
        "partial_fit_label_outside_classes",
        partial_fit(X[:3], [0, 1, 5]),
        ValueError,
        r"y contains labels not in classes_ \[0, 1, 2\]: \[5\]",
        starts=PARTIAL,
    ),
    Row(
        "partial_fit_classes_changed",
        partial_fit(X, y, classes=[0, 1, 2, 3]),
        ValueError,
        r"classes=\[0, 1, 2, 3\] is not the same as on the last call to "
        r"partial_fit, was: \[0, 1, 2\]",
        starts=PARTIAL,
    ),
    Row(
        "partial_fit_lbfgs",
        partial_fit(X, y, classes=[0, 1, 2]),
        AttributeError,
        "has no attribute 'partial_fit'",
        set_params={"solver": "lbfgs"},
        starts=("new", "partial"),
    ),
    Row(
        "partial_fit_n_features",
        partial_fit(X[:, :2], y),
        ValueError,
        "X has 2 features, but ScratchMLPClassifier is expecting 4 features",
        starts=PARTIAL,
    ),
    Row(
        "partial_fit_nan_in_X",
        partial_fit(_with(X, (0, 0), np.nan), y),
        ValueError,
        "X contains NaN",
        starts=PARTIAL,
    ),
    Row(
        "partial_fit_multilabel_on_multiclass",
        partial_fit(X, np.eye(3, dtype=int)[y]),
        ValueError,
        "y is a label indicator matrix but the model was fitted on multiclass",
        starts=PARTIAL,
    ),
    Row(
        "partial_fit_negative_sample_weight",
        partial_fit(X, y, sample_weight=-np.ones(40)),
        ValueError,
        "Negative values in data passed to `sample_weight`",
        starts=PARTIAL,
    ),
]

LAYER_ROWS = [
    (
        "activation_too_few_names",
        {"activation": ("tanh",)},
        r"activation gives 1 name\(s\) for 2 hidden layer\(s\)",
    ),
    (
        "activation_unknown_name",
        {"activation": ("tanh", "swish")},
        r"activation names unknown activations \['swish'\]",
    ),
    (
        "dropout_too_many_rates",
        {"dropout": (0.1, 0.2, 0.3)},
        r"dropout gives 3 rate\(s\) for 2 hidden layer\(s\)",
    ),
    (
        "dropout_rate_out_of_range",
        {"dropout": (0.1, 1.0)},
        r"dropout rates must be numbers in \[0, 1\)",
    ),
    (
        "dropout_with_lbfgs",
        {"dropout": 0.5, "solver": "lbfgs"},
        "dropout needs a stochastic solver",
    ),
]


# Every parameter out of range or of the wrong type: sklearn's
# InvalidParameterError (a ValueError and TypeError), naming the parameter.
INVALID_PARAMETERS = [
    ("hidden_layer_sizes", 0),
    ("hidden_layer_sizes", "wide"),
    ("activation", "softmax"),
    ("solver", "newton"),
    ("alpha", -1.0),
    ("alpha", "a"),
    ("batch_size", 0),
    ("batch_size", "big"),
    ("learning_rate", "optimal"),
    ("learning_rate_init", 0.0),
    ("power_t", -0.5),
    ("max_iter", 0),
    ("max_iter", 1.5),
    ("shuffle", "yes"),
    ("random_state", "seed"),
    ("tol", -1e-4),
    ("verbose", "loud"),
    ("warm_start", 1),
    ("momentum", 1.5),
    ("nesterovs_momentum", None),
    ("early_stopping", "no"),
    ("validation_fraction", 1.0),
    ("validation_fraction", -0.1),
    ("beta_1", 1.0),
    ("beta_2", -0.1),
    ("epsilon", 0.0),
    ("n_iter_no_change", 0),
    ("n_iter_no_change", np.nan),
    ("max_fun", 0),
    ("loss", "hinge"),
    ("init", "zeros"),
    ("dropout", 1.0),
    ("dropout", -0.1),
    ("dropout", "half"),
    ("class_weight", "auto"),
    ("class_weight", [1.0, 2.0]),
]

CATALOGUE += [
    Row(
        f"invalid_{name}={value!r}",
        FIT,
        InvalidParameterError,
        f"The '{name}' parameter of ScratchMLPClassifier must be .* Got "
        f"{re.escape(repr(value))} instead",
        set_params={name: value},
        starts=("new", "fitted"),
    )
    for name, value in INVALID_PARAMETERS
]


CATALOGUE += [
    Row(
        name,
        FIT,
        ValueError,
        match,
        set_params={"hidden_layer_sizes": (3, 2), **params},
        starts=("new", "fitted"),
    )
    for name, params, match in LAYER_ROWS
]
CATALOGUE += [
    Row(
        name,
        FIT,
        TypeError,
        "activation must be a name, or a flat list or tuple of names",
        set_params={"hidden_layer_sizes": (3, 2), "activation": activation},
        starts=("new", "fitted"),
    )
    for name, activation in (
        ("activation_unordered_set", {"tanh", "relu"}),
        ("activation_nested_lists", [["tanh"], ["relu"]]),
    )
]


def _build(start):
    est = ScratchMLPClassifier(**BASE_PARAMS)
    if start == "fitted":
        est.fit(X, y)
    elif start == "warm":
        est.set_params(warm_start=True).fit(X, y)
    elif start == "partial":
        est.partial_fit(X, y, classes=[0, 1, 2])
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


def assert_same_state(before, after, path="est"):
    """Deep equality: arrays by value and dtype, objects by their pickled state."""
    assert type(before) is type(after), path
    if isinstance(before, np.ndarray):
        assert before.dtype == after.dtype, path
        assert before.shape == after.shape, path
        assert np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"), path
    elif isinstance(before, dict):
        assert list(before) == list(after), path
        for key in before:
            assert_same_state(before[key], after[key], f"{path}[{key!r}]")
    elif isinstance(before, list | tuple):
        assert len(before) == len(after), path
        for index, (b, a) in enumerate(zip(before, after, strict=True)):
            assert_same_state(b, a, f"{path}[{index}]")
    elif hasattr(before, "__dict__") and not callable(before):
        # An object's state is what it pickles (scratch buffers are left out).
        assert_same_state(
            before.__getstate__(), after.__getstate__(), f"{path}.__getstate__()"
        )
    elif isinstance(before, float) and np.isnan(before):
        assert np.isnan(after), path
    else:
        assert before == after, path


CASES = [
    pytest.param(row, start, id=f"{row.id}-{start}")
    for row in CATALOGUE
    for start in row.starts
]


def test_catalogue_is_large_and_unique():
    ids = [row.id for row in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 40


@pytest.mark.parametrize(("row", "start"), CASES)
def test_bad_input_raises_and_leaves_model_unchanged(row, start, starting_models):
    est = copy.deepcopy(starting_models[start])
    fitted = start != "new"
    X_check = pd.DataFrame(X, columns=COLUMNS) if start == "frame" else X
    if fitted:
        proba_before = est.predict_proba(X_check)
        predictions_before = est.predict(X_check)
    original_params = est.get_params()
    est.set_params(**row.set_params)
    state_before = copy.deepcopy(vars(est))

    with pytest.raises(row.exception, match=row.match):
        row.action(est)

    assert_same_state(state_before, vars(est))
    est.set_params(**original_params)
    if fitted:
        np.testing.assert_array_equal(est.predict_proba(X_check), proba_before)
        np.testing.assert_array_equal(est.predict(X_check), predictions_before)


def test_every_parameter_has_an_invalid_value_in_the_catalogue():
    checked = {name for name, _ in INVALID_PARAMETERS}
    assert checked == set(ScratchMLPClassifier().get_params())


def test_invalid_parameter_error_is_value_and_type_error():
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(InvalidParameterError, TypeError)


def test_partial_fit_on_lbfgs_says_why():
    est = ScratchMLPClassifier(solver="lbfgs")
    with pytest.raises(AttributeError) as info:
        est.partial_fit(X, y, classes=[0, 1, 2])
    assert str(info.value.__cause__) == (
        "partial_fit is only available for stochastic optimizers. lbfgs is not "
        "stochastic."
    )


# ------------------------------------------------------------------- warnings


def test_predict_array_on_model_fitted_with_names_warns(starting_models):
    est = starting_models["frame"]
    expected = est.predict_proba(pd.DataFrame(X, columns=COLUMNS))
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        proba = est.predict_proba(X)
    np.testing.assert_array_equal(proba, expected)


def test_predict_frame_on_model_fitted_without_names_warns(starting_models):
    est = starting_models["fitted"]
    expected = est.predict_proba(X)
    with pytest.warns(UserWarning, match="X has feature names, but"):
        proba = est.predict_proba(pd.DataFrame(X, columns=COLUMNS))
    np.testing.assert_array_equal(proba, expected)


def test_batch_size_larger_than_data_warns_and_clips():
    params = {**BASE_PARAMS, "solver": "sgd", "shuffle": False}
    with pytest.warns(UserWarning, match="batch_size.*clipped"):
        clipped = ScratchMLPClassifier(batch_size=1000, **params).fit(X, y)
    full = ScratchMLPClassifier(batch_size=40, **params).fit(X, y)
    for a, b in zip(clipped.coefs_, full.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ divergence

DIVERGING = {
    "hidden_layer_sizes": (10,),
    "activation": "relu",
    "solver": "sgd",
    "learning_rate_init": 1e3,
    "max_iter": 50,
    "random_state": 0,
}
X_UNSCALED = RNG.normal(size=(60, 3)) * 1e100
y_UNSCALED = np.arange(60) % 3
DIVERGED = (
    r"^Solver produced non-finite parameter weights \((loss (inf|nan)|weights too "
    r"large to square) at epoch \d+\)\. The input data may contain large values "
    r"and need to be preprocessed, or the learning rate or alpha may be too "
    r"large\.$"
)


# RuntimeWarning is an error in the pytest configuration: these tests also show
# that the overflow on the way is reported only as the ValueError.
def test_divergence_raises_non_finite_error():
    est = ScratchMLPClassifier(**DIVERGING)
    with pytest.raises(ValueError, match=DIVERGED):
        est.fit(X_UNSCALED, y_UNSCALED)
    assert vars(est) == ScratchMLPClassifier(**DIVERGING).get_params()


def test_divergence_on_warm_started_model_keeps_it():
    est = ScratchMLPClassifier(**{**DIVERGING, "learning_rate_init": 1e-3})
    est.set_params(warm_start=True).fit(X_UNSCALED / 1e100, y_UNSCALED)
    state_before = copy.deepcopy(vars(est))
    proba_before = est.predict_proba(X_UNSCALED / 1e100)
    est.set_params(learning_rate_init=1e3)
    with pytest.raises(ValueError, match=DIVERGED):
        est.fit(X_UNSCALED, y_UNSCALED)
    est.set_params(learning_rate_init=1e-3)
    assert_same_state(state_before, vars(est))
    np.testing.assert_array_equal(est.predict_proba(X_UNSCALED / 1e100), proba_before)
