"""Validation data in pipelines: the recipe that transforms X_val, what
GridSearchCV and cross_validate do with it, and the guard that recognises an
X_val on another scale than X."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from scipy import stats
from sklearn.base import clone, is_classifier
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
)
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_validate,
    train_test_split,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skscratch import ScratchMLPClassifier, ScratchMLPRegressor
from skscratch._validation import (
    FAR,
    MIN_ROWS_FOR_SPREAD,
    NARROW,
    _column_moments,
    scale_mismatch,
    warn_if_scale_mismatch,
)

from .assertions import assert_same_weights

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

WARNING_START = "X_val does not look like it is on the scale of X: "


def _random_normal():
    return np.random.RandomState(0).normal(loc=3.0, scale=2.0, size=(400, 12))


def _random_lognormal():
    return np.random.RandomState(1).lognormal(sigma=1.0, size=(400, 12))


DATASETS = {
    "iris": lambda: load_iris().data,
    "digits": lambda: load_digits().data,
    "breast_cancer": lambda: load_breast_cancer().data,
    "diabetes": lambda: load_diabetes().data,
    "random_normal": _random_normal,
    "random_lognormal": _random_lognormal,
}


def held_out(X, n_val, seed):
    """A random split of the rows of X: (training part, n_val held-out rows)."""
    rows = np.random.RandomState(seed).permutation(X.shape[0])
    return X[rows[n_val:]], X[rows[:n_val]]


def standardised(X_train, X_val):
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_val)


# ---------------------------------------------------------------- the guard


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("scaled", [False, True], ids=["raw", "standardised"])
@pytest.mark.parametrize("n_val", [1, 2, 5, 10, 40, "quarter"])
def test_held_out_part_of_the_same_data_is_not_flagged(name, scaled, n_val):
    X = DATASETS[name]()
    n_val = X.shape[0] // 4 if n_val == "quarter" else n_val
    for seed in range(5):
        X_train, X_val = held_out(X, n_val, seed)
        if scaled:
            X_train, X_val = standardised(X_train, X_val)
        assert scale_mismatch(X_train, X_val) is None
        shifted = X_val + X_train.std(axis=0)  # drifted by a standard deviation
        assert scale_mismatch(X_train, shifted) is None


@pytest.mark.parametrize("n_val", [10, 50, 250])
def test_heavy_tails_do_not_make_a_held_out_part_look_narrow(n_val):
    """A few very large values carry most of the variance of a lognormal of
    sigma 2: small samples have a much smaller spread than the whole."""
    X = np.random.RandomState(0).lognormal(sigma=2.0, size=(1000, 20))
    for seed in range(10):
        assert scale_mismatch(*held_out(X, n_val, seed)) is None


@pytest.mark.parametrize("n_val", [1, 3, 10, 100])
def test_held_out_sparse_rows_are_not_flagged(n_val):
    X = sp.random(600, 50, density=0.05, format="csr", random_state=0)
    for seed in range(5):
        X_train, X_val = held_out(X, n_val, seed)
        assert scale_mismatch(X_train, X_val) is None
        assert scale_mismatch(X_train.tocsc(), X_val.tocsc()) is None


@pytest.mark.parametrize(
    ("name", "smallest_n_val"),
    [("digits", 5), ("breast_cancer", MIN_ROWS_FOR_SPREAD), ("diabetes", 10)],
)
def test_raw_validation_data_against_standardised_training_data_is_flagged(
    name, smallest_n_val
):
    X = DATASETS[name]()
    for n_val in (smallest_n_val, 50, X.shape[0] // 4):
        for seed in range(3):
            X_train, X_val = held_out(X, n_val, seed)
            X_train_scaled, _ = standardised(X_train, X_val)
            assert scale_mismatch(X_train_scaled, X_val).startswith("in ")


SCALED_CASES = [
    (name, factor)
    for name in DATASETS
    for factor in (1 / 16, 100)
    # a narrower heavy-tailed sample needs more rows: the next test
    if not (name == "random_lognormal" and factor < 1)
]


@pytest.mark.parametrize(("name", "factor"), SCALED_CASES)
@pytest.mark.parametrize("n_val", [MIN_ROWS_FOR_SPREAD, 50])
def test_validation_data_scaled_by_another_factor_is_flagged(name, factor, n_val):
    X = DATASETS[name]()
    for seed in range(3):
        X_train, X_val = held_out(X, n_val, seed)
        assert scale_mismatch(X_train, X_val * factor) is not None


def test_heavy_tailed_narrow_validation_data_is_flagged_given_enough_rows():
    X = _random_lognormal()
    X_train, X_val = held_out(X, 100, seed=0)
    assert scale_mismatch(X_train, X_val / 16) is not None
    assert scale_mismatch(X_train, X_val[:MIN_ROWS_FOR_SPREAD] / 16) is None


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("n_val", [1, 3, 50])
def test_validation_data_shifted_by_ten_standard_deviations_is_flagged(name, n_val):
    X_train, X_val = held_out(DATASETS[name](), n_val, seed=0)
    assert scale_mismatch(X_train, X_val + 10 * X_train.std(axis=0)) is not None
    assert scale_mismatch(X_train, X_val - 10 * X_train.std(axis=0)) is not None


@pytest.mark.parametrize("factor", [1 / 16, 100])
def test_sparse_validation_data_on_another_scale_is_flagged(factor):
    X = load_digits().data
    X_train, X_val = held_out(X, 50, seed=0)
    for to_sparse in (sp.csr_matrix, sp.csc_matrix, sp.csr_array):
        assert scale_mismatch(to_sparse(X_train), to_sparse(X_val * factor)) == (
            scale_mismatch(X_train, X_val * factor)
        )


def test_sparse_and_dense_give_the_same_answer_with_implicit_zeros():
    X = sp.random(300, 40, density=0.3, format="csr", random_state=1)
    X_train, X_val = held_out(X, 40, seed=0)
    for factor in (1.0, 1 / 16, 100.0):
        expected = scale_mismatch(X_train.toarray(), X_val.toarray() * factor)
        assert scale_mismatch(X_train, X_val * factor) == expected
    assert scale_mismatch(X_train, X_val / 16) is not None


@pytest.mark.parametrize(
    "convert",
    [np.asarray, sp.csr_matrix, sp.csc_matrix, sp.csr_array, np.float32],
    ids=["dense", "csr", "csc", "csr_array", "float32"],
)
def test_column_moments_match_scipy_stats(convert):
    X = sp.random(500, 6, density=0.2, random_state=0).toarray() * 10
    X[:, 4] = np.random.RandomState(0).lognormal(size=500)
    X[:, 5] = 2.5  # constant
    mean, variance, kurtosis, varies = _column_moments(convert(X))
    rtol = 1e-5 if convert is np.float32 else 1e-12
    np.testing.assert_allclose(mean, X.mean(axis=0), rtol=rtol)
    np.testing.assert_allclose(variance[:5], X.var(axis=0)[:5], rtol=rtol)
    expected_kurtosis = stats.kurtosis(X[:, :5], fisher=False)
    np.testing.assert_allclose(kurtosis[:5], expected_kurtosis, rtol=rtol)
    assert varies.tolist() == [True] * 5 + [False]


def test_dense_moments_are_read_in_blocks_of_rows():
    X = np.random.RandomState(0).normal(size=(300_000, 3))  # several blocks
    mean, variance, kurtosis, _ = _column_moments(X)
    np.testing.assert_allclose(variance, X.var(axis=0), rtol=1e-12)
    np.testing.assert_allclose(kurtosis, stats.kurtosis(X, fisher=False), rtol=1e-10)


def test_sparse_input_with_duplicate_entries_counts_their_sum():
    dense = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0], [0.0, 4.0]])
    duplicated = sp.csr_matrix(
        (
            np.array([0.5, 0.5, 2.0, 3.0, 4.0]),
            np.array([0, 0, 1, 0, 1]),
            [0, 2, 3, 4, 5],
        ),
        shape=(4, 2),
    )
    assert not duplicated.has_canonical_format
    shifted = dense[:1] + 100
    assert scale_mismatch(duplicated, shifted) == scale_mismatch(dense, shifted)
    assert scale_mismatch(duplicated, dense[:2]) is None
    assert duplicated.data.tolist() == [0.5, 0.5, 2.0, 3.0, 4.0]  # not modified


def test_float32_gives_the_float64_answer():
    X = load_breast_cancer().data
    X_train, X_val = held_out(X, 40, seed=0)
    X_train_scaled, _ = standardised(X_train, X_val)
    for X_val_case in (X_val, standardised(X_train, X_val)[1]):
        assert scale_mismatch(
            X_train_scaled.astype(np.float32), X_val_case.astype(np.float32)
        ) == scale_mismatch(X_train_scaled, X_val_case)


def test_constant_features_take_no_part():
    X_train, X_val = held_out(_random_normal(), 30, seed=0)
    constant_train = np.full((X_train.shape[0], 5), 7.0)
    with_constants = np.hstack([X_train, constant_train])
    # The constant columns of X_val are far off 7, yet only the 12 varying
    # features of X count, and they match.
    assert (
        scale_mismatch(with_constants, np.hstack([X_val, X_val[:, :5] * 1e6])) is None
    )
    message = scale_mismatch(with_constants, np.hstack([X_val + 100, X_val[:, :5]]))
    assert message.startswith("in 12 of the 12 features that vary in X,")


def test_nothing_to_compare_when_every_feature_of_X_is_constant():
    assert scale_mismatch(np.ones((20, 3)), np.full((5, 3), 1e9)) is None


def test_message_counts_the_mismatched_features_and_states_the_test():
    X_train, X_val = held_out(_random_normal(), 50, seed=0)
    X_val = X_val.copy()
    X_val[:, :7] *= 100  # 7 of the 12 features: more than half
    assert scale_mismatch(X_train, X_val) == (
        f"in 7 of the 12 features that vary in X, X_val lies more than {FAR:g} "
        "standard deviations of X from X's mean (in root mean square) or has a "
        f"standard deviation more than {NARROW:g} times smaller than X's"
    )
    X_val[:, 6] /= 100  # 6 of 12: half is not more than half
    assert scale_mismatch(X_train, X_val) is None


def test_far_is_a_root_mean_square_of_more_than_four_standard_deviations():
    X = np.array([[-1.0], [1.0]])  # mean 0, standard deviation 1
    assert scale_mismatch(X, np.array([[4.0], [-4.0]])) is None  # exactly 4
    assert scale_mismatch(X, np.array([[4.001], [-4.0]])) is not None


def test_narrow_needs_enough_rows_and_a_factor_above_eight():
    X = np.tile([[-1.0], [1.0]], (50, 1))  # standard deviation 1, kurtosis 1
    just_under = np.tile([[-1 / 8], [1 / 8]], (MIN_ROWS_FOR_SPREAD // 2, 1))
    assert scale_mismatch(X, just_under) is None  # exactly 8 times smaller
    assert scale_mismatch(X, just_under * 0.99) is not None
    assert scale_mismatch(X, just_under[1:] * 0.99) is None  # 9 rows: too few


def test_narrow_needs_rows_in_proportion_to_the_kurtosis():
    X = np.zeros((100, 1))
    X[:4] = 10.0  # p = 0.04: kurtosis (1 - 3p + 3p**2) / (p (1 - p)) = 23.04
    small_spread = np.r_[np.zeros(45), 1.0][:, None]  # 8 times narrower, and more
    assert scale_mismatch(X, small_spread) is None  # 46 rows < 2 * 23.04
    assert scale_mismatch(X, np.r_[small_spread, [[0.0]]]) is not None  # 47 rows


def test_values_that_overflow_raise_no_runtime_warning():
    X = np.array([[1e200, 1.0], [-1e200, 2.0], [0.0, 3.0]])
    X_val = np.array([[1e200, 1e150]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Feature 0's variance overflows: it takes no part. Feature 1 is far.
        assert scale_mismatch(X, X_val).startswith("in 1 of the 1 features")


def test_different_numbers_of_features_are_refused():
    with pytest.raises(ValueError, match="X_val has 3 features, but X has 4."):
        scale_mismatch(np.ones((5, 4)), np.ones((2, 3)))


def test_the_warning_points_at_the_callers_line():
    X_train, X_val = held_out(load_breast_cancer().data, 40, seed=0)
    X_train_scaled, X_val_scaled = standardised(X_train, X_val)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_scale_mismatch(X_train_scaled, X_val_scaled)
        assert caught == []
        warn_if_scale_mismatch(X_train_scaled, X_val)
    [record] = caught
    assert record.category is UserWarning
    assert record.filename == __file__
    assert str(record.message) == (
        f"{WARNING_START}{scale_mismatch(X_train_scaled, X_val)}. Was it "
        "transformed as X was? A Pipeline passes X_val on untransformed unless "
        "it is given transform_input=['X_val'], with metadata routing enabled."
    )


def test_fit_warns_when_validation_data_is_on_another_scale():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)
    X_train_scaled, _ = standardised(X_train, X_val)
    clf = ScratchMLPClassifier(max_iter=5, random_state=0)
    with pytest.warns(UserWarning, match=WARNING_START) as caught:
        clf.fit(X_train_scaled, y_train, X_val=X_val, y_val=y_val)
    [record] = [r for r in caught if str(r.message).startswith(WARNING_START)]
    assert record.filename == __file__


# --------------------------------------------------------- the pipeline recipe

ESTIMATORS = {
    "classifier": (
        load_breast_cancer,
        lambda: ScratchMLPClassifier(early_stopping=True, random_state=0),
    ),
    "regressor": (
        load_diabetes,
        lambda: ScratchMLPRegressor(
            hidden_layer_sizes=(10,),
            learning_rate_init=0.01,
            early_stopping=True,
            max_iter=300,
            random_state=0,
        ),
    ),
}


@pytest.fixture(params=list(ESTIMATORS))
def problem(request):
    """(unfitted network, X_train, X_val, y_train, y_val), on raw features."""
    load, make_network = ESTIMATORS[request.param]
    X, y = load(return_X_y=True)
    X = X * 50 + 3  # diabetes ships standardised: give it a scale of its own
    X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)
    return make_network(), X_train, X_val, y_train, y_val


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def routed(network):
    return network.set_fit_request(X_val=True, y_val=True)


def fitted_on_scaled_data(network, scaler, X_train, y_train, X_val, y_val):
    """The network a pipeline should train: fitted directly on scaled data."""
    return network.fit(
        scaler.transform(X_train), y_train, X_val=scaler.transform(X_val), y_val=y_val
    )


def assert_same_training(network, reference):
    """Same validation scores, epochs and weights, exactly."""
    assert network.validation_scores_ == reference.validation_scores_
    assert network.n_iter_ == reference.n_iter_
    assert_same_weights(network, reference)


def test_transform_input_transforms_x_val_before_the_network(routing, problem):
    network, X_train, X_val, y_train, y_val = problem
    pipe = Pipeline(
        [("scale", StandardScaler()), ("net", routed(network))],
        transform_input=["X_val"],
    ).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    reference = fitted_on_scaled_data(
        clone(network), pipe["scale"], X_train, y_train, X_val, y_val
    )
    assert_same_training(pipe["net"], reference)


def test_make_pipeline_takes_transform_input_too(routing, problem):
    network, X_train, X_val, y_train, y_val = problem
    pipe = make_pipeline(
        StandardScaler(), routed(network), transform_input=["X_val"]
    ).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    reference = fitted_on_scaled_data(
        clone(network), pipe[0], X_train, y_train, X_val, y_val
    )
    assert_same_training(pipe[-1], reference)


@pytest.mark.filterwarnings(
    "ignore:X_val does not look like it is on the scale:UserWarning"
)
def test_without_transform_input_x_val_reaches_the_network_untransformed(problem):
    """The trap: the network is scored on raw X_val while trained on scaled X."""
    network, X_train, X_val, y_train, y_val = problem
    step = type(network).__name__.lower()
    pipe = make_pipeline(StandardScaler(), network).fit(
        X_train, y_train, **{f"{step}__X_val": X_val, f"{step}__y_val": y_val}
    )
    scaled = pipe[0].transform(X_train)
    trapped = clone(network).fit(scaled, y_train, X_val=X_val, y_val=y_val)
    assert_same_training(pipe[-1], trapped)
    with sklearn.config_context(enable_metadata_routing=True):
        routed_pipe = make_pipeline(StandardScaler(), routed(clone(network)))
        routed_pipe.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    assert_same_training(routed_pipe[-1], trapped)


def test_transform_input_needs_metadata_routing(problem):
    network, X_train, X_val, y_train, y_val = problem
    pipe = make_pipeline(StandardScaler(), network, transform_input=["X_val"])
    with pytest.raises(ValueError, match="only be set if metadata routing"):
        pipe.fit(X_train, y_train, X_val=X_val, y_val=y_val)


def test_grid_search_refits_with_x_val_transformed_by_the_refitted_scaler(
    routing, problem
):
    network, X_train, X_val, y_train, y_val = problem
    pipe = make_pipeline(StandardScaler(), routed(network), transform_input=["X_val"])
    step = pipe.steps[-1][0]
    search = GridSearchCV(pipe, {f"{step}__alpha": [1e-4, 1e-2]}, cv=3)
    search.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    best = clone(network).set_params(alpha=search.best_params_[f"{step}__alpha"])
    scaler = StandardScaler().fit(X_train)
    reference = fitted_on_scaled_data(best, scaler, X_train, y_train, X_val, y_val)
    assert_same_training(search.best_estimator_[-1], reference)


def _folds(network, X, y):
    splitter = StratifiedKFold(3) if is_classifier(network) else KFold(3)
    return list(splitter.split(X, y))


def test_cross_validate_transforms_x_val_with_each_folds_scaler(routing, problem):
    network, X_train, X_val, y_train, y_val = problem
    pipe = make_pipeline(StandardScaler(), routed(network), transform_input=["X_val"])
    results = cross_validate(
        pipe,
        X_train,
        y_train,
        cv=3,
        params={"X_val": X_val, "y_val": y_val},
        return_estimator=True,
    )
    folds = _folds(network, X_train, y_train)
    for fitted, (train, _) in zip(results["estimator"], folds, strict=True):
        scaler = StandardScaler().fit(X_train[train])
        reference = fitted_on_scaled_data(
            clone(network), scaler, X_train[train], y_train[train], X_val, y_val
        )
        assert_same_training(fitted[-1], reference)


def test_cross_validate_splits_x_val_as_long_as_x_by_the_folds(routing, problem):
    """A fit parameter with as many rows as X is cut by the folds' training
    rows, like sample_weight: an X_val as long as X loses a third of its rows."""
    network, X_train, X_val, y_train, y_val = problem
    n = min(X_train.shape[0], X_val.shape[0])
    X_train, y_train, X_val, y_val = X_train[:n], y_train[:n], X_val[:n], y_val[:n]
    pipe = make_pipeline(StandardScaler(), routed(network), transform_input=["X_val"])
    results = cross_validate(
        pipe,
        X_train,
        y_train,
        cv=3,
        params={"X_val": X_val, "y_val": y_val},
        return_estimator=True,
    )
    folds = _folds(network, X_train, y_train)
    for fitted, (train, _) in zip(results["estimator"], folds, strict=True):
        scaler = StandardScaler().fit(X_train[train])
        reference = fitted_on_scaled_data(
            clone(network),
            scaler,
            X_train[train],
            y_train[train],
            X_val[train],
            y_val[train],
        )
        assert_same_training(fitted[-1], reference)


def test_internal_split_happens_after_the_pipeline_transforms(problem):
    """early_stopping without X_val holds out part of the transformed data."""
    network, X_train, _, y_train, _ = problem
    pipe = make_pipeline(StandardScaler(), network).fit(X_train, y_train)
    reference = clone(network).fit(pipe[0].transform(X_train), y_train)
    assert_same_training(pipe[-1], reference)
