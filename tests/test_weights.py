"""Sample and class weights at any scale: exact, or refused with a clear error.

The pure functions of ``skscratch._weights`` are checked against exact values
and against the formulas they replace (bit for bit on ordinary weights); the
estimator is checked on weights whose sums overflow or underflow, which must
either train exactly like the same weights rescaled by a power of two or raise
a ``ValueError`` that asks to rescale them. RuntimeWarnings are errors here
(pytest's configuration), so none of this may warn.
"""

from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.class_weight import compute_sample_weight

from skscratch import ScratchMLPClassifier, ScratchMLPRegressor
from skscratch._weights import (
    balanced_class_weights,
    check_penalty_scale,
    combined_sample_weight,
    explicit_class_weights,
    multilabel_balanced_weights,
    per_sample_class_weights,
)

from .assertions import assert_same_weights

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SOLVERS = ("adam", "sgd", "lbfgs")


def rescale_message(total, data=""):
    """The error for weights whose sum is out of range, as a regular expression."""
    return (
        rf"^The sample weights \(times the class weights\) sum to {total}, too "
        rf"close to zero or infinity to train on{data}: rescale them\.$"
    )


def previous_balanced_formula(class_indices, n_classes, sample_weight=None):
    """The formula the balanced weights were computed with before: a reference."""
    totals = np.bincount(class_indices, weights=sample_weight, minlength=n_classes)
    present = totals > 0
    weights = np.zeros(n_classes)
    weights[present] = totals.sum() / (present.sum() * totals[present])
    return weights


# ------------------------------------------------------- balanced class weights


def test_balanced_exact_values():
    # 4 samples, 2 classes present of 3: 4 / (2 * 3) and 4 / (2 * 1).
    assert_array_equal(
        balanced_class_weights([0, 0, 0, 1], n_classes=3), [4 / 6, 4 / 2, 0.0]
    )


def test_balanced_weighs_only_the_classes_present():
    # Class 1 is absent: two classes share the weight, not three.
    weights = balanced_class_weights([0, 2, 2, 2], n_classes=3)
    assert_array_equal(weights, [4 / 2, 0.0, 4 / 6])


def test_balanced_counts_a_sample_weight_as_repeats():
    weighted = balanced_class_weights([0, 0, 1], 2, sample_weight=[2.0, 1.0, 1.0])
    repeated = balanced_class_weights([0, 0, 0, 1], 2)
    assert_array_equal(weighted, repeated)
    assert_array_equal(weighted, [4 / 6, 4 / 2])


def test_balanced_class_whose_samples_weigh_zero_is_absent():
    weights = balanced_class_weights([0, 1, 1, 2], 3, sample_weight=[0.0, 1, 3, 4])
    assert_array_equal(weights, [0.0, 8 / 8, 8 / 8])


@pytest.mark.parametrize("seed", range(20))
def test_balanced_equals_previous_formula_bit_for_bit(seed):
    """On ordinary weights nothing changes, so fitted models stay the same."""
    rng = np.random.RandomState(seed)
    n_classes = rng.randint(2, 6)
    class_indices = rng.randint(0, n_classes - 1, size=rng.randint(1, 300))
    scale = 10.0 ** rng.uniform(-100, 100)
    sample_weight = rng.exponential(size=class_indices.shape[0]) * scale
    sample_weight[rng.rand(class_indices.shape[0]) < 0.1] = 0.0
    for weights in (None, sample_weight):
        assert_array_equal(
            balanced_class_weights(class_indices, n_classes, weights),
            previous_balanced_formula(class_indices, n_classes, weights),
        )


@pytest.mark.parametrize("weight", [1e307, 2.0**1017, 5e306, 1e-310, 5e-324])
def test_balanced_weights_do_not_depend_on_a_common_scale(weight):
    """Sums beyond the float range, or subnormal ones, change nothing."""
    y = np.arange(150) % 3
    assert_array_equal(balanced_class_weights(y, 3, np.full(150, weight)), np.ones(3))


def test_balanced_weights_with_a_class_total_beyond_float64():
    # Class 0 weighs 50 * 5e306 = 2.5e308 in all: more than the largest float.
    y = np.arange(150) % 3
    sample_weight = np.where(y == 0, 5e306, 1.0)
    weights = balanced_class_weights(y, 3, sample_weight)
    # The previous formula on the same weights times 2**-1017 (an exact
    # rescaling, under which the formula is scale free) ...
    rescaled = np.ldexp(sample_weight, -1017)
    assert_array_equal(weights, previous_balanced_formula(y, 3, rescaled))
    # ... which is sum(w) / (3 * sum(w[y == c])) up to a few roundings.
    total = Fraction(5e306) * 50 + 100
    exact = [total / (3 * Fraction(5e306) * 50), total / (3 * 50), total / (3 * 50)]
    assert_allclose(weights, [float(value) for value in exact], rtol=1e-14)


@pytest.mark.parametrize("power", [1000, -1000, 1018])
def test_balanced_weights_are_scale_free_bit_for_bit(power):
    rng = np.random.RandomState(0)
    y = rng.randint(0, 4, size=200)
    sample_weight = rng.exponential(size=200)
    assert_array_equal(
        balanced_class_weights(y, 4, np.ldexp(sample_weight, power)),
        balanced_class_weights(y, 4, sample_weight),
    )


def test_balanced_weight_beyond_float64_is_refused():
    # Class 1 weighs 1e-300 against 1e300: its weight would be about 1e600.
    with pytest.raises(ValueError, match=r"cannot weigh class indices \[1\]"):
        balanced_class_weights([0, 1], 2, sample_weight=[1e300, 1e-300])


# --------------------------------------------- explicit and multilabel weights


def test_explicit_class_weights_in_class_order_default_one():
    weights = explicit_class_weights({"c": 0.5, "a": 3.0}, np.array(["a", "b", "c"]))
    assert weights.dtype == np.float64
    assert_array_equal(weights, [3.0, 1.0, 0.5])


@pytest.mark.parametrize(
    ("class_weight", "match"),
    [
        ({0: -1.0}, r"finite, non-negative weight; got \{0: -1\.0\}"),
        ({0: np.inf}, "finite, non-negative"),
        ({5: 1.0}, r"not in classes_ \[0, 1\]: \[5\]"),
    ],
)
def test_explicit_class_weights_refused(class_weight, match):
    with pytest.raises(ValueError, match=match):
        explicit_class_weights(class_weight, np.array([0, 1]))


@pytest.mark.parametrize("seed", range(5))
def test_multilabel_balanced_is_scikit_learns_bit_for_bit(seed):
    rng = np.random.RandomState(seed)
    Y = (rng.rand(100, 4) < [0.1, 0.5, 0.9, 0.0]).astype(int)  # last column constant
    assert_array_equal(
        multilabel_balanced_weights(Y), compute_sample_weight("balanced", Y)
    )


def test_per_sample_class_weights_refuses_dict_for_multilabel():
    with pytest.raises(ValueError, match="'balanced' or None for multilabel"):
        per_sample_class_weights(
            {0: 2.0}, np.eye(2, dtype=int), np.arange(2), "multilabel-indicator"
        )


# --------------------------------------------------- combining and checking


def test_combined_is_the_product_in_the_training_dtype():
    sample_weight, class_weight = np.array([0.1, 2.0, 3.0]), np.array([3.0, 0.5, 0])
    combined = combined_sample_weight(sample_weight, class_weight, np.float64)
    assert combined.dtype == np.float64
    assert_array_equal(combined, sample_weight * class_weight)
    combined32 = combined_sample_weight(sample_weight, class_weight, np.float32)
    assert combined32.dtype == np.float32
    assert_array_equal(combined32, (sample_weight * class_weight).astype(np.float32))
    assert combined_sample_weight(None, None, np.float64) is None
    assert_array_equal(
        combined_sample_weight(None, class_weight, np.float64), class_weight
    )


@pytest.mark.parametrize(
    ("sample_weight", "class_weight", "dtype", "match"),
    [
        (np.full(4, 1e300), np.full(4, 1e10), np.float64, rescale_message("inf")),
        (np.full(4, 1e308), None, np.float64, rescale_message("inf")),
        (np.full(4, 1e-320), None, np.float64, rescale_message("3.99996e-320")),
        (
            np.full(40, 1e37),
            None,
            np.float32,
            rescale_message("4e\\+38", r" \(in float32\)"),
        ),
        (
            np.full(40, 1e39),  # each weight beyond float32: no overflow warning
            None,
            np.float32,
            rescale_message("4e\\+40", r" \(in float32\)"),
        ),
        (
            np.full(4, 1e-46),
            None,
            np.float32,
            rescale_message("4e-46", r" \(in float32\)"),
        ),
        (np.zeros(3), np.ones(3), np.float64, "sum to zero: at least one sample"),
        (np.ones(3), np.zeros(3), np.float32, "sum to zero: at least one sample"),
    ],
)
def test_combined_refuses_weights_the_dtype_cannot_hold(
    sample_weight, class_weight, dtype, match
):
    with pytest.raises(ValueError, match=match):
        combined_sample_weight(sample_weight, class_weight, dtype)


def test_combined_keeps_float32_weights_that_flush_to_zero_among_others():
    combined = combined_sample_weight(np.array([1e-46, 1.0]), None, np.float32)
    assert_array_equal(combined, np.array([0.0, 1.0], dtype=np.float32))


def test_penalty_scale_names_the_weights():
    with pytest.raises(ValueError) as info:
        check_penalty_scale(np.full(10, 1e-300), alpha=1e-4)
    assert str(info.value) == (
        "The sample weights (times the class weights) sum to 1e-299, so little "
        "that the L2 penalty, alpha / sum = 1e+295, reaches 1 / eps = 4.5e+15 of "
        "float64: the network's weights could not move from zero. Rescale the "
        "sample weights, for example to a mean of 1."
    )


def test_penalty_scale_limit_is_one_over_eps_of_the_dtype():
    # alpha / sum = 1e7: below 1 / eps in float64, beyond it in float32.
    check_penalty_scale(np.full(10, 1e-12), alpha=1e-4)
    with pytest.raises(ValueError, match=r"alpha / sum = 1e\+07, reaches 1 / eps"):
        check_penalty_scale(np.full(10, 1e-12, dtype=np.float32), alpha=1e-4)


@pytest.mark.parametrize(
    ("sample_weight", "alpha"),
    [
        (None, 1e-4),
        (np.full(10, 1e-300), 0.0),  # no penalty to swamp the data
        (np.ones(10), 1e20),  # alpha itself is the cause, not the weights
        (np.full(10, 1e-3), 1e-4),
    ],
)
def test_penalty_scale_accepts(sample_weight, alpha):
    check_penalty_scale(sample_weight, alpha)


# ------------------------------------------------------- the fitted estimator


def fit(X, y, sample_weight=None, **params):
    params = {"hidden_layer_sizes": (5,), "random_state": 0, "max_iter": 30, **params}
    return ScratchMLPClassifier(**params).fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("solver", SOLVERS)
def test_balanced_with_class_total_beyond_float64_trains_like_rescaled(iris, solver):
    """Class 0 weighs 50 * 2**1017 in all, so 3 times that overflowed before.

    Every combined weight is then 2**1017 / 3: with alpha=0 (the penalty is
    divided by the weights' sum, so it is the one term their scale changes)
    training is bit for bit that of the weights divided by 2**1017.
    """
    X, y = iris
    huge = np.where(y == 0, 2.0**1017, 1.0)
    params = {"class_weight": "balanced", "solver": solver, "alpha": 0.0}
    trained = fit(X, y, huge, **params)
    assert_same_weights(trained, fit(X, y, np.ldexp(huge, -1017), **params))
    # With the penalty too the predictions are those of the rescaled weights.
    assert_array_equal(
        fit(X, y, huge, class_weight="balanced", solver=solver).predict(X),
        fit(X, y, huge / 2.0**1017, class_weight="balanced", solver=solver).predict(X),
    )


OVERFLOWING_WEIGHTS = {
    "5e306_on_class_0": lambda y: np.where(y == 0, 5e306, 1.0),
    "1e307_everywhere": lambda y: np.full(y.shape[0], 1e307),
}


@pytest.mark.parametrize("weights", sorted(OVERFLOWING_WEIGHTS))
def test_balanced_weights_whose_sum_overflows_are_refused(iris, weights):
    """Balanced weights keep the weights' total, which overflows: refused."""
    X, y = iris
    sample_weight = OVERFLOWING_WEIGHTS[weights](y)
    with pytest.raises(ValueError, match=rescale_message("inf")):
        fit(X, y, sample_weight, class_weight="balanced")
    rescaled = fit(X, y, sample_weight / 1e306, class_weight="balanced", solver="lbfgs")
    assert rescaled.score(X, y) > 0.9


def test_balanced_weights_of_1e307_train_like_weights_of_one(iris):
    X, y = iris
    rows = np.r_[0:5, 50:55, 100:105]  # 15 samples: a sum of 1.3e308 fits
    params = {"class_weight": "balanced", "alpha": 0.0}
    trained = fit(X[rows], y[rows], np.full(15, 2.0**1019), **params)
    assert_same_weights(trained, fit(X[rows], y[rows], np.ones(15), **params))


def test_product_of_sample_and_class_weights_overflowing_is_refused(iris):
    X, y = iris
    with pytest.raises(ValueError, match=rescale_message("inf")):
        fit(X, y, np.full(150, 1e10), class_weight={0: 1e300})


@pytest.mark.parametrize(
    ("weight", "total"), [(1e37, "1.5e\\+39"), (1e39, "1.5e\\+41"), (1e-46, "1.5e-44")]
)
def test_float32_weights_beyond_float32_are_refused(iris, weight, total):
    """float32 data trains with float32 weights; these do not fit in float32."""
    X, y = iris
    with pytest.raises(ValueError, match=rescale_message(total, r" \(in float32\)")):
        fit(X.astype(np.float32), y, np.full(150, weight))


@pytest.mark.parametrize("power", [100, -60])
@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_extreme_weights_that_fit_train_like_rescaled(iris, solver, power):
    X, y = iris
    X = X.astype(np.float32)
    sample_weight = np.where(y == 1, 3.0, 1.0)
    params = {"solver": solver, "alpha": 0.0}
    trained = fit(X, y, np.ldexp(sample_weight, power), **params)
    assert trained.coefs_[0].dtype == np.float32
    assert_same_weights(trained, fit(X, y, sample_weight, **params))


def test_float32_weights_stay_close_to_mlpclassifier(digits):
    """MLPClassifier keeps float64 weights with float32 data and rounds each
    weighted delta to float32; skscratch rounds the weights to float32 first.
    """
    X, y = digits
    X = X.astype(np.float32)
    sample_weight = np.random.RandomState(0).uniform(0.1, 3.0, size=y.shape[0])
    params = {"hidden_layer_sizes": (10,), "max_iter": 5, "random_state": 0}
    ours = ScratchMLPClassifier(**params).fit(X, y, sample_weight=sample_weight)
    theirs = MLPClassifier(**params).fit(X, y, sample_weight=sample_weight)
    for mine, ref in zip(ours.coefs_, theirs.coefs_, strict=True):
        assert mine.dtype == np.float32
        assert_allclose(mine, ref, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    "ours, theirs",
    [
        (ScratchMLPClassifier, MLPClassifier),
        (ScratchMLPRegressor, MLPRegressor),
    ],
)
def test_float32_weights_with_float64_data_are_the_twins(digits, solver, ours, theirs):
    """scikit-learn keeps float32 sample weights in float32 (their sum too)."""
    X, y = digits
    sample_weight = np.random.RandomState(0).uniform(0.1, 3.0, y.shape[0])
    sample_weight = sample_weight.astype(np.float32)
    params = {"hidden_layer_sizes": (10,), "max_iter": 5, "random_state": 0}
    params["solver"] = solver
    mine = ours(**params).fit(X, y, sample_weight=sample_weight)
    reference = theirs(**params).fit(X, y, sample_weight=sample_weight)
    for got, expected in zip(
        mine.coefs_ + mine.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        assert got.dtype == np.float64
        assert_array_equal(got, expected)


@pytest.mark.parametrize("solver", SOLVERS)
def test_tiny_weights_blame_the_weights_not_the_data(iris, solver):
    X, y = iris
    with pytest.raises(
        ValueError, match=r"^The sample weights .* sum to 1\.5e-298, so"
    ):
        fit(X, y, np.full(150, 1e-300), solver=solver)
    # Without a penalty, the same weights train like weights of one.
    tiny = fit(X, y, np.full(150, 1e-300), solver=solver, alpha=0.0)
    ones = fit(X, y, np.ones(150), solver=solver, alpha=0.0)
    assert_allclose(tiny.predict_proba(X), ones.predict_proba(X), rtol=1e-6)


def test_tiny_weights_in_partial_fit_blame_the_weights(iris):
    X, y = iris
    est = ScratchMLPClassifier(hidden_layer_sizes=(3,))
    with pytest.raises(ValueError, match="Rescale the sample weights"):
        est.partial_fit(X, y, classes=[0, 1, 2], sample_weight=np.full(150, 1e-300))


def test_float32_penalty_limit(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"reaches 1 / eps = 8\.39e\+06 of float32"):
        fit(X.astype(np.float32), y, np.full(150, 2.0**-60))


# ------------------------------------------ what "balanced" means, in the model


def test_balanced_sample_weights_equal_previous_formula_in_the_model(digits):
    """Ordinary weights: the model is bit for bit that of the previous formula."""
    X, y = digits
    rng = np.random.RandomState(0)
    sample_weight = rng.uniform(0.1, 5.0, size=y.shape[0])
    explicit = sample_weight * previous_balanced_formula(y, 10, sample_weight)[y]
    balanced = fit(X, y, sample_weight, class_weight="balanced", max_iter=5)
    assert_same_weights(balanced, fit(X, y, explicit, max_iter=5))


def test_partial_fit_balances_the_classes_present_in_the_batch(iris):
    """classes has 3 labels, the batch 2: each weighs n / (2 * n_c), not n / 3 n_c."""
    X, y = iris
    batch = np.r_[0:10, 50:80]  # 10 of class 0, 30 of class 1, none of class 2
    counts = np.bincount(y[batch], minlength=3)
    present_only = (40 / (2 * counts[:2]))[y[batch]]
    params = {"hidden_layer_sizes": (4,), "alpha": 0.1, "random_state": 0}

    def partial(sample_weight=None, **extra):
        est = ScratchMLPClassifier(**params, **extra)
        return est.partial_fit(X[batch], y[batch], [0, 1, 2], sample_weight)

    balanced = partial(class_weight="balanced")
    assert_array_equal(present_only, np.where(y[batch] == 0, 2.0, 2 / 3))
    assert_same_weights(balanced, partial(present_only))
    assert balanced.loss_ == partial(present_only).loss_
    # Weighing over all three classes would differ (through the L2 penalty).
    all_classes = (40 / (3 * counts[:2]))[y[batch]]
    assert balanced.loss_ != partial(all_classes).loss_


def test_balanced_counts_sample_weight_like_repeated_samples(iris):
    X, y = iris
    rows = np.r_[0:20, 50:60, 100:130]
    doubled = np.r_[0:5, 50:60]  # these count twice
    sample_weight = np.where(np.isin(rows, doubled), 2.0, 1.0)
    repeated = np.r_[rows, doubled]
    params = {"class_weight": "balanced", "shuffle": False, "max_iter": 20}
    # One batch holding all the data, so that both see the same gradients.
    weighted = fit(X[rows], y[rows], sample_weight, batch_size=rows.size, **params)
    copies = fit(X[repeated], y[repeated], batch_size=repeated.size, **params)
    for a, b in zip(weighted.coefs_, copies.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    # Balancing by counts alone, ignoring the weights, gives another model.
    counts_only = previous_balanced_formula(y[rows], 3)[y[rows]] * sample_weight
    other = fit(
        X[rows], y[rows], counts_only, batch_size=rows.size, shuffle=False, max_iter=20
    )
    assert not np.allclose(weighted.coefs_[0], other.coefs_[0], rtol=1e-6)
