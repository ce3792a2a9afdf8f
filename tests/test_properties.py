"""Property-based tests: random shapes, labels, dtypes, sparsity, hyperparameters.

The number of examples per property is ``SKSCRATCH_HYPOTHESIS_EXAMPLES``
(default 25); raise it for a longer search, e.g.
``SKSCRATCH_HYPOTHESIS_EXAMPLES=500 python -m pytest tests/test_properties.py``.
"""

import os
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from skscratch import ScratchMLPClassifier

from .assertions import assert_same_weights

MAX_EXAMPLES = int(os.environ.get("SKSCRATCH_HYPOTHESIS_EXAMPLES", "25"))

PROPERTY_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    # The same examples on every run, so that a CI failure reproduces; set
    # SKSCRATCH_HYPOTHESIS_EXAMPLES higher to explore more.
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

LABEL_SETS = {
    "ints": np.array([-3, 0, 7, 12]),
    "strings": np.array(["cat", "dog", "emu", "yak"]),
}


@st.composite
def problems(draw):
    """A small classification problem with random layout and hyperparameters."""
    n_samples = draw(st.integers(4, 40))
    n_features = draw(st.integers(1, 6))
    target = draw(st.sampled_from(["binary", "multiclass", "multilabel"]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)) * draw(
        st.sampled_from([1e-3, 1.0, 100.0])
    )
    X = X.astype(draw(st.sampled_from([np.float32, np.float64])))
    layout = draw(st.sampled_from(["dense", "csr", "csc"]))
    if layout != "dense":
        X[rng.uniform(size=X.shape) < 0.5] = 0
        X = sp.csr_matrix(X) if layout == "csr" else sp.csc_matrix(X)

    if target == "multilabel":
        n_labels = draw(st.integers(2, 4))
        y = rng.randint(2, size=(n_samples, n_labels))
    else:
        labels = LABEL_SETS[draw(st.sampled_from(sorted(LABEL_SETS)))]
        n_classes = 2 if target == "binary" else draw(st.integers(3, 4))
        chosen = labels[:n_classes]
        # Every class appears at least once, the rest at random.
        y = np.concatenate([chosen, chosen[rng.randint(n_classes, size=n_samples)]])[
            :n_samples
        ]
        rng.shuffle(y)
        if len(np.unique(y)) < 2:
            y[:2] = chosen[:2]

    params = {
        "hidden_layer_sizes": tuple(
            draw(st.lists(st.integers(1, 5), min_size=0, max_size=2))
        ),
        "solver": draw(st.sampled_from(["sgd", "adam", "lbfgs"])),
        "activation": draw(st.sampled_from(["identity", "logistic", "tanh", "relu"])),
        "loss": draw(st.sampled_from(["log_loss", "squared_error"])),
        "batch_size": draw(st.sampled_from(["auto", 1, 3, 7])),
        "learning_rate_init": draw(st.sampled_from([1e-3, 1e-2, 0.1])),
        "alpha": draw(st.sampled_from([0.0, 1e-4, 1.0])),
        "max_iter": draw(st.integers(1, 8)),
        "random_state": draw(st.integers(0, 1000)),
    }
    return X, y, target, params


def _fit(params, X, y, est=None):
    """Fit, or return None when training diverges (the documented ValueError).

    RuntimeWarning is an error in the pytest configuration, so this also checks
    that diverging training reports itself only through that ValueError.
    """
    est = ScratchMLPClassifier(**params) if est is None else est
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # batch_size larger than n_samples is clipped with a UserWarning.
        warnings.filterwarnings("ignore", message=".*batch_size.*clipped")
        try:
            return est.fit(X, y)
        except ValueError as error:
            assert "non-finite" in str(error)
            return None


def _assert_same_model(first, second):
    assert_same_weights(first, second)
    assert first.loss_curve_ == second.loss_curve_ or (
        np.isnan(first.loss_) and np.isnan(second.loss_)
    )


@PROPERTY_SETTINGS
@given(problems())
def test_fit_predict_properties(problem):
    X, y, target, params = problem
    est = _fit(params, X, y)
    if est is None:
        return

    assert all(np.isfinite(p).all() for p in est.coefs_ + est.intercepts_)
    assert est.coefs_[0].dtype == X.dtype
    proba = est.predict_proba(X)
    n_outputs = y.shape[1] if target == "multilabel" else len(np.unique(y))
    assert proba.shape == (X.shape[0], n_outputs)
    assert np.isfinite(proba).all()
    assert np.all((proba >= 0) & (proba <= 1))
    predictions = est.predict(X)
    if target == "multilabel":
        np.testing.assert_array_equal(est.classes_, np.arange(y.shape[1]))
        np.testing.assert_array_equal(predictions, (proba > 0.5).astype(int))
    else:
        np.testing.assert_array_equal(est.classes_, np.unique(y))
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
        np.testing.assert_array_equal(predictions, est.classes_[proba.argmax(axis=1)])
        assert predictions.dtype == y.dtype
    if max(np.abs(c).max() for c in est.coefs_) < 1e6:
        # A row's probabilities do not depend on the other rows. (Training that
        # blew the weights up to overflow leaves undetermined values, inf - inf,
        # whose resolution depends on BLAS's summation order.)
        np.testing.assert_allclose(
            est.predict_proba(X[:1]), proba[:1], rtol=1e-4, atol=1e-6
        )
    assert 0 <= est.score(X, y) <= 1


@PROPERTY_SETTINGS
@given(problems())
def test_same_random_state_gives_bit_identical_model(problem):
    X, y, _, params = problem
    first = _fit(params, X, y)
    second = _fit(params, X, y)
    assert (first is None) == (second is None)
    if first is None:
        return
    _assert_same_model(first, second)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))


@PROPERTY_SETTINGS
@given(problems())
def test_clone_and_refit_is_idempotent(problem):
    X, y, _, params = problem
    est = _fit(params, X, y)
    if est is None:
        return
    proba = est.predict_proba(X)
    refitted = _fit(params, X, y, est=clone(est))
    again = _fit(params, X, y, est=est)
    assert again is est
    _assert_same_model(refitted, est)
    np.testing.assert_array_equal(refitted.predict_proba(X), proba)
    np.testing.assert_array_equal(est.predict_proba(X), proba)


@PROPERTY_SETTINGS
@given(problems(), st.integers(1, 3))
def test_partial_fit_matches_warm_start_epochs(problem, n_calls):
    """partial_fit n times equals n epochs of stochastic training, bit for bit."""
    X, y, target, params = problem
    if params["solver"] == "lbfgs":
        params = {**params, "solver": "adam"}
    params = {**params, "shuffle": False, "n_iter_no_change": np.inf}
    classes = np.arange(y.shape[1]) if target == "multilabel" else np.unique(y)
    incremental = ScratchMLPClassifier(**params)
    epochs = _fit({**params, "max_iter": n_calls}, X, y)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*batch_size.*clipped")
        try:
            for _ in range(n_calls):
                incremental.partial_fit(X, y, classes=classes)
        except ValueError as error:
            assert "non-finite" in str(error)
            assert epochs is None
            return
    _assert_same_model(incremental, epochs)


@pytest.mark.parametrize("layout", ["csr", "csc"])
def test_sparse_and_dense_give_close_models(layout):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 5))
    X[rng.uniform(size=X.shape) < 0.6] = 0
    y = rng.randint(3, size=30)
    to_layout = {"dense": np.asarray, "csr": sp.csr_matrix, "csc": sp.csc_matrix}
    params = {"hidden_layer_sizes": (4,), "max_iter": 5, "random_state": 0}
    reference = _fit(params, X, y)
    est = _fit(params, to_layout[layout](X), y)
    for a, b in zip(est.coefs_, reference.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
