"""What the Reliability page promises, for both estimators.

- Interrupts: a ``KeyboardInterrupt`` during training stops it with a warning
  and keeps the last completed epoch; one that arrives before training (input
  validation, initial weights, the early-stopping split) or after it (while
  the result is committed) propagates, and leaves the model as it was.
- The records: ``history_``'s ``learning_rate`` is the rate used during that
  epoch, and ``valid_loss``/``valid_score`` of early stopping's own split weigh
  the held-out rows by their sample weights.
- No ``RuntimeWarning``, whatever the scale of the weights or the inputs: every
  case ends in a clear ``ValueError`` or a finite result (with the exceptions
  the page states for the regressor's unbounded outputs).
- Threads and processes: the regressor's predictions and model selection are
  those of sequential runs, as the classifier's (``test_parallel.py``).
- Saved regressors (pickle, joblib, skops.io with ``load_model``) predict and
  train on as the original, as classifiers do (``test_persistence.py``).
"""

import copy
import pickle
import re
import warnings
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score
from sklearn.model_selection import GridSearchCV, train_test_split

import skscratch._base
import skscratch._solvers
from skscratch import (
    ScratchMLPClassifier,
    ScratchMLPRegressor,
    check_gradients,
    load_model,
)
from skscratch._state import TrainingState

from .test_bad_input import assert_same_state

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.normal(size=(40, 4))
Y = {
    "classifier": np.arange(40) % 3,
    "regressor": X @ np.array([1.0, -2.0, 0.5, 0.0]),
}
ESTIMATORS = {"classifier": ScratchMLPClassifier, "regressor": ScratchMLPRegressor}
KINDS = list(ESTIMATORS)
SMALL = {"hidden_layer_sizes": (3,), "max_iter": 5, "random_state": 0}


def _quietly(action):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return action()


def _partial_fit(est, X_, y_):
    if isinstance(est, ScratchMLPClassifier) and not hasattr(est, "classes_"):
        return est.partial_fit(X_, y_, classes=np.unique(y_))
    return est.partial_fit(X_, y_)


def _model(kind, start, **params):
    est = ESTIMATORS[kind](**{**SMALL, **params})
    if start == "fitted":
        _quietly(lambda: est.fit(X, Y[kind]))
    elif start == "partial":
        _partial_fit(est, X, Y[kind])
    return est


def _raise_keyboard_interrupt(*args, **kwargs):
    raise KeyboardInterrupt


# ----------------------------------------------------------------- interrupts

EVERY_CALL = [("new", "fit"), ("fitted", "fit"), ("new", "partial_fit")]
EVERY_CALL += [("partial", "partial_fit")]
OUTSIDE_TRAINING = {
    # where the interrupt arrives: (the function it interrupts, the calls
    # (starting model, method) that run that function)
    "input_validation": ((skscratch._base, "validate_quietly"), EVERY_CALL),
    "initial_weights": ((skscratch._base, "initialize_parameters"), EVERY_CALL[:3]),
    "early_stopping_split": ((skscratch._base, "train_test_split"), EVERY_CALL[:2]),
    "commit": ((TrainingState, "commit_to"), EVERY_CALL),
}
INTERRUPTED_CALLS = [
    pytest.param(kind, where, start, method, id=f"{kind}-{where}-{start}-{method}")
    for kind in KINDS
    for where, (_, calls) in OUTSIDE_TRAINING.items()
    for start, method in calls
]


@pytest.mark.parametrize(("kind", "where", "start", "method"), INTERRUPTED_CALLS)
def test_interrupt_outside_training_propagates_and_changes_nothing(
    monkeypatch, kind, where, start, method
):
    """Interrupts are caught only while epochs run: one during the input
    validation, the initial weights or the early-stopping split (before the
    first epoch), or while the result is committed (after the last), reaches
    the caller, and the model is exactly as it was."""
    est = _model(kind, start, early_stopping=True)
    predictions_before = None if start == "new" else est.predict(X)
    state_before = copy.deepcopy(vars(est))
    (owner, name), _ = OUTSIDE_TRAINING[where]
    monkeypatch.setattr(owner, name, _raise_keyboard_interrupt)

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Training interrupted")
        with pytest.raises(KeyboardInterrupt):
            if method == "fit":
                est.fit(X, Y[kind])
            else:
                _partial_fit(est, X, Y[kind])

    monkeypatch.undo()
    assert_same_state(state_before, vars(est))
    if predictions_before is not None:
        np.testing.assert_array_equal(est.predict(X), predictions_before)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("kind", KINDS)
def test_interrupt_in_the_first_epoch_is_caught_and_keeps_the_initial_weights(
    monkeypatch, kind, solver
):
    """The other side: from the first epoch on, an interrupt ends training
    with a warning, and the model holds the last completed epoch (here none:
    the initial weights, which a one-epoch-shorter fit cannot give, so they
    are compared with an init that records them)."""
    drawn = []

    def recording_init(fan_in, fan_out, random_state):
        coef = random_state.uniform(-0.5, 0.5, (fan_in, fan_out))
        intercept = random_state.uniform(-0.5, 0.5, fan_out)
        drawn.extend([coef, intercept])
        return coef, intercept

    monkeypatch.setattr(
        skscratch._solvers, "objective_and_gradients", _raise_keyboard_interrupt
    )
    est = _model(kind, "new", solver=solver, init=recording_init)
    with pytest.warns(UserWarning, match="^Training interrupted by user.$"):
        assert est.fit(X, Y[kind]) is est
    monkeypatch.undo()

    assert est.n_iter_ == 0 and est.loss_curve_ == [] and len(est.history_) == 0
    kept = [
        array
        for pair in zip(est.coefs_, est.intercepts_, strict=True)
        for array in pair
    ]
    for got, expected in zip(kept, drawn, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert est.predict(X).shape == Y[kind].shape


# -------------------------------------------------------------------- records


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("how", "n_train"),
    [("fit", 40), ("early_stopping", 36), ("partial_fit", 40)],
)
def test_history_learning_rate_is_the_rate_used_during_each_epoch(kind, how, n_train):
    """``invscaling``: epoch ``k + 1`` trains with ``learning_rate_init / (t_k
    + 1) ** power_t``, ``t_k`` the samples seen before it (36 training rows
    after early stopping holds out 4 of 40)."""
    est = ESTIMATORS[kind](
        hidden_layer_sizes=(3,),
        solver="sgd",
        learning_rate="invscaling",
        learning_rate_init=0.3,
        power_t=0.7,
        max_iter=6,
        n_iter_no_change=100,
        early_stopping=how == "early_stopping",
        random_state=0,
    )
    if how == "partial_fit":
        for _ in range(6):
            _partial_fit(est, X, Y[kind])
    else:
        _quietly(lambda: est.fit(X, Y[kind]))

    rates = est.history_[:, "learning_rate"]
    expected = [0.3 / (k * n_train + 1) ** 0.7 for k in range(6)]
    assert rates == expected
    assert est.t_ == 6 * n_train


def _fixed_init(fan_in, fan_out, random_state):
    """Initial weights that draw nothing from the estimator's random state, so
    that the early-stopping split is its first draw."""
    rng = np.random.RandomState(100 * fan_in + fan_out)
    return rng.uniform(-0.5, 0.5, (fan_in, fan_out)), rng.uniform(-0.5, 0.5, fan_out)


def _classifier_records(est, X_val, y_val, weight):
    proba = est.predict_proba(X_val)
    loss = log_loss(y_val, proba, sample_weight=weight, labels=est.classes_)
    return loss, accuracy_score(y_val, est.predict(X_val), sample_weight=weight)


def _regressor_records(est, X_val, y_val, weight):
    predicted = est.predict(X_val)
    loss = mean_squared_error(y_val, predicted, sample_weight=weight) / 2
    return loss, r2_score(y_val, predicted, sample_weight=weight)


RECORDS = {"classifier": _classifier_records, "regressor": _regressor_records}


@pytest.mark.parametrize("kind", KINDS)
def test_valid_loss_and_score_weigh_the_held_out_rows(kind):
    """Early stopping's own split: the validation records are the weighted
    mean loss and score of the held-out rows, with their sample weights."""
    weight = np.random.RandomState(1).uniform(0.0, 5.0, size=40)
    weight[::5] = 0.0
    est = ESTIMATORS[kind](
        hidden_layer_sizes=(5,),
        init=_fixed_init,
        early_stopping=True,
        validation_fraction=0.25,
        max_iter=1,  # so the model keeps this epoch's weights, the best
        random_state=7,
    )
    _quietly(lambda: est.fit(X, Y[kind], sample_weight=weight))
    train, valid = train_test_split(
        np.arange(40), test_size=0.25, random_state=np.random.RandomState(7)
    )
    assert est.t_ == train.shape[0] == 30

    records = RECORDS[kind]
    X_val, y_val = X[valid], Y[kind][valid]
    loss, score = records(est, X_val, y_val, weight[valid])
    unweighted_loss, unweighted_score = records(est, X_val, y_val, None)
    assert abs(loss - unweighted_loss) > 1e-3 and score != unweighted_score
    record = est.history_[0]
    assert record["valid_loss"] == pytest.approx(loss, rel=1e-12)
    assert record["valid_score"] == pytest.approx(score, rel=1e-12)
    assert est.validation_scores_ == [record["valid_score"]]


# ------------------------------------------ no RuntimeWarning, at any scale

SUM_OUT_OF_RANGE = (
    r"^The sample weights \(times the class weights\) sum to {total}, too close "
    r"to zero or infinity to train on{data}: rescale them\.$"
)
SWAMPED = (
    r"^The sample weights \(times the class weights\) sum to {total}, so little "
    r"that the L2 penalty, alpha / sum = [0-9.e+]+, reaches 1 / eps = "
    r"{inverse_eps} of {dtype}: the network's weights could not move from zero\."
)
F32 = np.float32
# id: (dtype of X, every sample's weight, extra parameters, expected error or None)
SAMPLE_WEIGHT_CASES = {
    "sum_overflows": (None, 1e308, {}, SUM_OUT_OF_RANGE.format(total="inf", data="")),
    "huge": (None, 1e306, {}, None),
    "tiny_against_alpha": (
        None,
        1e-300,
        {},
        SWAMPED.format(total="4e-299", inverse_eps=r"4\.5e\+15", dtype="float64"),
    ),
    "tiny_without_alpha": (None, 1e-300, {"alpha": 0.0}, None),
    "sum_subnormal": (
        None,
        1e-310,
        {"alpha": 0.0},
        SUM_OUT_OF_RANGE.format(total="4e-309", data=""),
    ),
    "float32_sum_overflows": (
        F32,
        1e37,
        {},
        SUM_OUT_OF_RANGE.format(total=r"4e\+38", data=r" \(in float32\)"),
    ),
    "float32_huge": (F32, 1e30, {}, None),
    "float32_tiny_against_alpha": (
        F32,
        1e-30,
        {},
        SWAMPED.format(total="4e-29", inverse_eps=r"8\.39e\+06", dtype="float32"),
    ),
    "float32_tiny_without_alpha": (F32, 1e-30, {"alpha": 0.0}, None),
    "float32_sum_subnormal": (
        F32,
        1e-40,
        {"alpha": 0.0},
        SUM_OUT_OF_RANGE.format(total="4e-39", data=r" \(in float32\)"),
    ),
}
CLASS_WEIGHT_CASES = {
    "class_weight_overflows": (
        None,
        None,
        {"class_weight": {0: 1e308}},
        SUM_OUT_OF_RANGE.format(total="inf", data=""),
    ),
    "class_weight_huge": (None, None, {"class_weight": {0: 1e300}}, None),
    "class_weight_tiny": (
        None,
        None,
        {"class_weight": dict.fromkeys(range(3), 1e-300)},
        SWAMPED.format(total="4e-299", inverse_eps=r"4\.5e\+15", dtype="float64"),
    ),
    "class_weight_subnormal": (None, None, {"class_weight": {0: 1e-320}}, None),
    "balanced_huge": (None, 1e300, {"class_weight": "balanced"}, None),
    "balanced_float32_huge": (F32, 1e30, {"class_weight": "balanced"}, None),
    "balanced_times_huge_overflows": (
        None,
        1e307,
        {"class_weight": "balanced"},
        SUM_OUT_OF_RANGE.format(total="inf", data=""),
    ),
}
WEIGHT_CASES = [
    pytest.param(kind, case, solver, id=f"{kind}-{name}-{solver}")
    for kind in KINDS
    for name, case in {
        **SAMPLE_WEIGHT_CASES,
        **(CLASS_WEIGHT_CASES if kind == "classifier" else {}),
    }.items()
    for solver in ("sgd", "adam", "lbfgs")
]


def _no_runtime_warning(action):
    """Run ``action`` with RuntimeWarnings as errors (and no ConvergenceWarning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        return action()


def _assert_finite_model(est, X_):
    for array in est.coefs_ + est.intercepts_:
        assert np.isfinite(array).all()
    assert np.isfinite(est.loss_)
    outputs = (
        est.predict_proba(X_) if hasattr(est, "predict_proba") else est.predict(X_)
    )
    assert np.isfinite(outputs).all()


@pytest.mark.parametrize(("kind", "case", "solver"), WEIGHT_CASES)
def test_weights_at_extreme_scales_train_or_raise_a_clear_error(kind, case, solver):
    dtype, weight, params, error = case
    X_ = X if dtype is None else X.astype(dtype)
    sample_weight = None if weight is None else np.full(40, weight)
    est = ESTIMATORS[kind](**{**SMALL, "solver": solver, **params})

    def fit():
        return est.fit(X_, Y[kind], sample_weight=sample_weight)

    if error is None:
        _no_runtime_warning(fit)
        assert est.coefs_[0].dtype == X_.dtype
        _assert_finite_model(est, X_)
    else:
        with pytest.raises(ValueError, match=error):
            _no_runtime_warning(fit)


def _fitted(kind, **params):
    y = np.abs(Y[kind]) if params.get("loss") == "poisson" else Y[kind]
    return _quietly(lambda: ESTIMATORS[kind](**{**SMALL, **params}).fit(X, y)), y


OVERFLOW = r"^The objective overflows at these inputs"
GRADIENT_CHECKS = [
    # (estimator kind, its parameters, the scale of X, what check_gradients gives)
    *[("classifier", {}, scale, "finite") for scale in (1e300, -1e300, 1e150)],
    *[("classifier", {"activation": "tanh"}, scale, "finite") for scale in (1e300,)],
    *[("classifier", {}, scale, "finite") for scale in (1e-300, 1e-320)],
    ("regressor", {}, 1e300, OVERFLOW),  # half (1e300)^2 is beyond the float range
    ("regressor", {}, -1e300, OVERFLOW),
    ("regressor", {"activation": "tanh"}, 1e300, "finite"),  # bounded units
    *[("regressor", {}, scale, "finite") for scale in (1e-300, 1e-320)],
    ("regressor", {"loss": "poisson"}, 1e150, OVERFLOW),  # exp(1e150) overflows
    ("regressor", {"loss": "poisson"}, 1e-300, "finite"),
]


@pytest.mark.parametrize(
    ("kind", "params", "scale", "expected"),
    GRADIENT_CHECKS,
    ids=[f"{kind}-{params}-{scale:g}" for kind, params, scale, _ in GRADIENT_CHECKS],
)
def test_check_gradients_at_extreme_inputs(kind, params, scale, expected):
    est, y = _fitted(kind, **params)

    def check():
        return check_gradients(est, X * scale, y)

    if expected == "finite":
        errors = _no_runtime_warning(check)
        assert np.isfinite(errors["coefs_"] + errors["intercepts_"]).all()
    else:
        with pytest.raises(ValueError, match=expected):
            _no_runtime_warning(check)


def _extreme_inputs(dtype=np.float64):
    """Rows at the edges of the float range, and mixtures of scales."""
    big, small = np.finfo(dtype).max, np.finfo(dtype).smallest_subnormal
    rows = [
        X[:5] * 1e300,
        X[:5] * -1e300,
        X[:5] * 1e-300,
        np.sign(X[:5]) * big,
        np.sign(X[:5]) * small,
        np.where(X[:5] > 0, 1e300, 1e-300),
        np.c_[np.full(5, big), np.full(5, -big), X[:5, 2:]],
    ]
    if dtype == np.float32:
        rows = rows[3:5]
    return np.vstack(rows).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["relu", "tanh", "identity", "logistic"])
@pytest.mark.parametrize("target", ["binary", "multiclass"])
def test_classifier_predicts_probabilities_at_extreme_inputs(target, activation, dtype):
    y = Y["classifier"] % 2 if target == "binary" else Y["classifier"]
    est = _quietly(
        lambda: ScratchMLPClassifier(**SMALL, activation=activation).fit(
            X.astype(dtype), y
        )
    )
    inputs = _extreme_inputs(dtype)
    proba = _no_runtime_warning(lambda: est.predict_proba(inputs))
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    predicted = _no_runtime_warning(lambda: est.predict(inputs))
    assert set(predicted) <= set(est.classes_)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_regressor_with_bounded_units_predicts_finite_values_at_extreme_inputs(
    activation, dtype
):
    est, _ = _fitted("regressor", activation=activation)
    predicted = _no_runtime_warning(lambda: est.predict(_extreme_inputs(dtype)))
    assert np.isfinite(predicted).all()


def test_poisson_regressor_predicts_inf_beyond_the_float_range():
    """Its exponential outputs overflow to +inf, a limit, never NaN."""
    est, _ = _fitted("regressor", loss="poisson")
    predicted = _no_runtime_warning(lambda: est.predict(X * 1e300))
    assert (predicted >= 0).all()
    assert np.isinf(predicted).any() and np.isfinite(predicted).any()


def test_regressor_output_of_undetermined_value_is_nan_without_warning():
    """Two identical relu units, added and subtracted by the output: inputs
    that overflow both to inf leave the output undetermined, inf - inf."""
    est = _quietly(
        lambda: ScratchMLPRegressor(hidden_layer_sizes=(2,), max_iter=1).fit(
            X, Y["regressor"]
        )
    )
    est.coefs_ = [np.ones((4, 2)), np.array([[1.0], [-1.0]])]
    est.intercepts_ = [np.zeros(2), np.zeros(1)]
    predicted = _no_runtime_warning(lambda: est.predict(np.full((2, 4), 1e308)))
    assert np.isnan(predicted).all()
    np.testing.assert_array_equal(est.predict(np.ones((1, 4))), [0.0])


# ------------------------------------------------------- threads and processes


@pytest.fixture(scope="module")
def regression_search_data():
    rng = np.random.RandomState(2)
    X_ = rng.normal(size=(90, 5))
    return X_, X_ @ rng.normal(size=5) + 0.1 * rng.normal(size=90)


REGRESSOR_PARAMS = {"hidden_layer_sizes": (6,), "max_iter": 15, "random_state": 0}
REGRESSOR_GRID = {"alpha": [1e-4, 1.0], "activation": ["relu", "tanh"]}


def test_threads_predict_exactly_the_regressors_sequential_results(
    regression_search_data,
):
    X_, y_ = regression_search_data
    est = _quietly(lambda: ScratchMLPRegressor(**REGRESSOR_PARAMS).fit(X_, y_))
    X_large = np.random.RandomState(3).normal(size=(10_000, X_.shape[1]))
    expected = est.predict(X_large)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: est.predict(X_large), range(24)))
    for result in results:
        np.testing.assert_array_equal(result, expected)


def _regression_search(X_, y_, n_jobs=None):
    search = GridSearchCV(
        ScratchMLPRegressor(**REGRESSOR_PARAMS), REGRESSOR_GRID, cv=3, n_jobs=n_jobs
    )
    return _quietly(lambda: search.fit(X_, y_))


def _assert_same_regression_search(search, reference, X_):
    for key in ("mean_test_score", "rank_test_score"):
        np.testing.assert_array_equal(
            search.cv_results_[key], reference.cv_results_[key]
        )
    assert len(set(reference.cv_results_["mean_test_score"])) > 1
    np.testing.assert_array_equal(
        search.best_estimator_.predict(X_), reference.best_estimator_.predict(X_)
    )


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_regressor_model_selection_in_parallel_equals_sequential(
    backend, regression_search_data
):
    X_, y_ = regression_search_data
    reference = _regression_search(X_, y_)
    with joblib.parallel_config(backend=backend):
        search = _regression_search(X_, y_, n_jobs=2)
    _assert_same_regression_search(search, reference, X_)


def test_regressor_model_selection_on_a_dask_cluster_equals_sequential(
    regression_search_data,
):
    distributed = pytest.importorskip("dask.distributed")
    X_, y_ = regression_search_data
    reference = _regression_search(X_, y_)
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        search = _regression_search(X_, y_, n_jobs=-1)
    _assert_same_regression_search(search, reference, X_)


# ------------------------------------------------------------ saving and loading


def _pickle_round_trip(est, tmp_path):
    return pickle.loads(pickle.dumps(est))


def _joblib_round_trip(est, tmp_path):
    joblib.dump(est, tmp_path / "model.joblib")
    return joblib.load(tmp_path / "model.joblib")


def _skops_round_trip(est, tmp_path):
    sio = pytest.importorskip("skops.io")
    sio.dump(est, tmp_path / "model.skops")
    return load_model(tmp_path / "model.skops")


@pytest.mark.parametrize(
    "round_trip", [_pickle_round_trip, _joblib_round_trip, _skops_round_trip]
)
@pytest.mark.parametrize("params", [{"solver": "sgd"}, {"loss": "poisson"}])
def test_saved_regressor_predicts_and_trains_on_as_the_original(
    tmp_path, round_trip, params
):
    est, y = _fitted("regressor", **params)
    loaded = round_trip(est, tmp_path)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    for _ in range(2):
        est.partial_fit(X, y)
        loaded.partial_fit(X, y)
    for got, expected in zip(
        loaded.coefs_ + loaded.intercepts_, est.coefs_ + est.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


# ------------------------------------------------------------------ divergence

DIVERGED_WITH_BEST = (
    r"^Training diverged at epoch (\d+): the weights of the best validation "
    r"score \((.+)\) are kept\. Lower the learning rate, or scale the input "
    r"data\.$"
)
DIVERGING = {
    "hidden_layer_sizes": (10,),
    "solver": "sgd",
    "learning_rate_init": 5.0,
    "early_stopping": True,
    "max_iter": 100,
    "random_state": 0,
}


def test_divergence_with_early_stopping_keeps_the_best_epoch_and_says_so():
    est = ScratchMLPRegressor(**DIVERGING)
    with pytest.warns(ConvergenceWarning, match=DIVERGED_WITH_BEST) as record:
        est.fit(X, Y["regressor"] * 1e3)
    message = next(
        str(w.message) for w in record if "Training diverged" in str(w.message)
    )
    diverged_at = int(re.match(DIVERGED_WITH_BEST, message).group(1))
    assert est.n_iter_ == len(est.history_) == diverged_at
    assert not np.isfinite(est.loss_)
    assert not np.isfinite(est.loss_curve_[-1])
    assert not np.isfinite(est.history_[-1]["train_loss"])
    scores = est.validation_scores_[:-1]
    best_epoch = int(np.argmax(scores)) + 1
    assert est.best_validation_score_ == max(scores)
    assert message == re.sub(r"\(.+\)", f"({max(scores):.6g})", message)

    # The weights kept are those of the best epoch: a fit stopped there.
    stopped_there = _quietly(
        lambda: ScratchMLPRegressor(**{**DIVERGING, "max_iter": best_epoch}).fit(
            X, Y["regressor"] * 1e3
        )
    )
    for got, expected in zip(
        est.coefs_ + est.intercepts_,
        stopped_there.coefs_ + stopped_there.intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(got, expected)
    assert np.isfinite(est.predict(X)).all()


@pytest.mark.parametrize("kind", KINDS)
def test_divergence_before_any_validation_score_raises(kind):
    """A new model diverging in its first epoch has no best weights."""
    est = ESTIMATORS[kind](**{**DIVERGING, "learning_rate_init": 1e3})
    with pytest.raises(ValueError, match=r"at epoch 1\)\. The input data may"):
        est.fit(X * 1e200, Y[kind])
    assert vars(est) == est.get_params()


def test_regressor_reads_strings_of_numbers_as_numbers():
    as_strings = Y["regressor"].astype(str)
    from_strings = _quietly(lambda: ScratchMLPRegressor(**SMALL).fit(X, as_strings))
    from_floats = _quietly(
        lambda: ScratchMLPRegressor(**SMALL).fit(X, as_strings.astype(float))
    )
    np.testing.assert_array_equal(from_strings.predict(X), from_floats.predict(X))
