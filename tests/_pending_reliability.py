"""Reliability cases that fail today because of bugs outside the test files.

Not collected (leading underscore). Run with
``python -m pytest tests/_pending_reliability.py -p no:cacheprovider``
to see them fail; once the bug named above each case is fixed, move the case
into the matching collected test file.
"""

import warnings

import numpy as np
import pytest

from skscratch import ScratchMLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.normal(size=(60, 3))
y = np.arange(60) % 3


# Bug 1 (skscratch/_classifier.py, training loop; the overflow itself happens in
# skscratch/_network.py, forward: ``z = activations[-1] @ W``). A diverging
# stochastic fit emits "RuntimeWarning: overflow encountered in matmul" (and
# "invalid value", "overflow encountered in dot" from l2_penalty) before the
# documented ValueError. Under warnings-as-errors the user gets the
# RuntimeWarning instead of the ValueError. Fix: run the training loop under
# ``np.errstate(over="ignore", invalid="ignore")`` and rely on the non-finite
# checks that already follow.
def test_divergence_raises_value_error_without_runtime_warning():
    est = ScratchMLPClassifier(
        hidden_layer_sizes=(10,),
        solver="sgd",
        learning_rate_init=1e3,
        max_iter=50,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="non-finite"):
            est.fit(X * 1e100, y)


# Bug 2 (skscratch/_optimizers.py, Adam.step: ``v += (1 - b2) * g**2``). With
# gradients around 1e300 the square overflows: "RuntimeWarning: overflow
# encountered in square"; the second moment becomes inf and those weights stop
# moving (the fit "succeeds" silently frozen).
def test_adam_on_huge_inputs_emits_no_runtime_warning():
    est = ScratchMLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        est.fit(X * 1e300, y)


# Bug 3 (skscratch/_classifier.py, _fit_lbfgs). On inputs around 1e300 with an
# unbounded hidden activation and log-loss, the first L-BFGS line search gets a
# NaN objective; scipy stops with status 2 (ABNORMAL) and fit returns with
# loss_ = nan and best_loss_ = nan, only a ConvergenceWarning: a silent NaN.
# Expected: the documented ValueError ("non-finite") as for the other solvers.
@pytest.mark.parametrize("activation", ["relu", "identity"])
def test_lbfgs_on_huge_inputs_never_returns_nan_loss(activation):
    est = ScratchMLPClassifier(
        hidden_layer_sizes=(5,),
        activation=activation,
        solver="lbfgs",
        max_iter=10,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            est.fit(X * 1e300, y)
        except ValueError as error:
            assert "non-finite" in str(error)
            return
    assert np.isfinite(est.loss_), est.loss_


# Bug 4 (skscratch/_classifier.py, _set_classes -> sklearn unique_labels).
# A multiclass-multioutput y raises "Unknown label type: (array([[1, 1], ...
# with the whole array in the message, not what is wrong. MLPClassifier says
# "Multioutput target data is not supported with label binarization".
def test_multiclass_multioutput_y_is_named():
    with pytest.raises(ValueError, match="[Mm]ultioutput") as info:
        ScratchMLPClassifier(max_iter=2).fit(X, np.c_[y, y])
    assert "array(" not in str(info.value)


# Bug 5 (skscratch/_classifier.py, _fit, hidden_layer_sizes check). A
# non-integer size says "hidden_layer_sizes must be > 0, got [2.5]", but 2.5 is
# > 0: the message should say that sizes must be positive integers.
def test_non_integer_hidden_layer_size_message():
    with pytest.raises(ValueError, match="positive integers"):
        ScratchMLPClassifier(hidden_layer_sizes=(2.5,), max_iter=2).fit(X, y)


# Bug 6 (skscratch/_classifier.py, _set_classes). The single-class message
# shows the numpy repr of the label: "... only one class: np.float64(0.0)."
def test_single_class_message_shows_plain_label():
    with pytest.raises(ValueError, match=r"only one class: 0\.0\.$"):
        ScratchMLPClassifier(max_iter=2).fit(X, np.zeros(60))


# Bug 3 again: a huge but valid L2 penalty makes L-BFGS return loss_ = nan
# silently too (same place, skscratch/_classifier.py, _fit_lbfgs).
def test_lbfgs_with_huge_alpha_never_returns_nan_loss():
    est = ScratchMLPClassifier(
        hidden_layer_sizes=(3,), solver="lbfgs", alpha=1e308, max_iter=5
    )
    try:
        est.fit(X, y)
    except ValueError as error:
        assert "non-finite" in str(error)
        return
    assert np.isfinite(est.loss_), est.loss_


# Bug 7 (skscratch/_classifier.py, _sample_weight: ``sample_weight.sum() > 0``).
# Finite sample weights (or sample weights times class weights) whose sum
# overflows give "RuntimeWarning: overflow encountered in reduce" and then
# train on an infinite weight sum. Expected: a ValueError naming the sample
# weights (or weights rescaled before summing).
@pytest.mark.parametrize(
    ("sample_weight", "class_weight"),
    [(np.full(60, 1e308), None), (None, {0: 1e308, 1: 1e308, 2: 1e308})],
    ids=["sample_weight", "class_weight"],
)
def test_sample_weights_whose_sum_overflows(sample_weight, class_weight):
    est = ScratchMLPClassifier(max_iter=2, class_weight=class_weight)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="weight"):
            est.fit(X, y, sample_weight=sample_weight)


# Bug 8 (skscratch/_network.py, backward: ``coef_grads[layer] /= weight_sum``).
# Subnormal but positive sample weights (sum about 6e-319) make
# ``alpha * W / weight_sum`` overflow: "RuntimeWarning: overflow encountered in
# divide". Expected: finite training or a ValueError naming the sample weights.
def test_subnormal_sample_weights():
    est = ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            est.fit(X, y, sample_weight=np.full(60, 1e-320))
        except ValueError as error:
            assert "weight" in str(error)


# Bug 9 (skscratch/_optimizers.py, SGD.end_epoch:
# ``learning_rate_init / (samples_seen + 1) ** power_t``). A large but valid
# power_t (the constraint is [0, inf)) raises a bare
# "OverflowError: (34, 'Numerical result out of range')" after the first epoch;
# the learning rate should just underflow to 0 (or power_t be bounded by the
# parameter constraints). MLPClassifier has the same expression.
def test_large_power_t_does_not_overflow():
    est = ScratchMLPClassifier(
        solver="sgd", learning_rate="invscaling", power_t=1e3, max_iter=3
    )
    est.fit(X, y)
    assert est.history_[-1]["learning_rate"] == 0.0


# Bug 10 (skscratch/_network.py, initialize_parameters). An ``init`` callable
# that returns None (forgot ``return``) gives "TypeError: cannot unpack
# non-iterable NoneType object" instead of the "init must return a coef of
# shape ..." message that wrong shapes get.
def test_init_returning_none_is_explained():
    est = ScratchMLPClassifier(init=lambda fan_in, fan_out, random_state: None)
    with pytest.raises((TypeError, ValueError), match="init must return"):
        est.fit(X, y)
