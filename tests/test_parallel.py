"""Threads and processes: concurrent prediction and parallel model selection.

Prediction only reads the fitted attributes, so one fitted model can serve many
threads at once; model selection clones the estimator for every fit, so running
the fits in parallel processes or threads gives exactly the sequential scores.
"""

from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, cross_val_score

from skscratch import ScratchMLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = make_classification(
    n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
)
PARAMS = {"hidden_layer_sizes": (8,), "max_iter": 20, "random_state": 0}
GRID = {"alpha": [1e-4, 1e-1], "activation": ["relu", "tanh"]}


@pytest.fixture(scope="module")
def fitted():
    return ScratchMLPClassifier(**PARAMS).fit(X, y)


def test_threads_predict_exactly_the_sequential_results(fitted):
    # Large enough that predict_proba is chunked (4096 rows per chunk) and the
    # threads overlap in numpy code that releases the GIL.
    X_large = np.random.RandomState(1).normal(size=(10_000, X.shape[1]))
    expected_proba = fitted.predict_proba(X_large)
    expected_labels = fitted.predict(X_large)
    expected_log = fitted.predict_log_proba(X_large)

    def work(index):
        method = ("predict_proba", "predict", "predict_log_proba")[index % 3]
        return method, getattr(fitted, method)(X_large)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(48)))

    expected = {
        "predict_proba": expected_proba,
        "predict": expected_labels,
        "predict_log_proba": expected_log,
    }
    assert len(results) == 48
    for method, result in results:
        np.testing.assert_array_equal(result, expected[method])


def _sequential_search():
    search = GridSearchCV(ScratchMLPClassifier(**PARAMS), GRID, cv=3, n_jobs=None)
    return search.fit(X, y)


@pytest.fixture(scope="module")
def sequential_search():
    return _sequential_search()


def assert_same_search(search, reference, X):
    """Two fitted searches have identical scores, ranks and best models on X."""
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(
            search.cv_results_[key], reference.cv_results_[key]
        )
    for split in range(3):
        key = f"split{split}_test_score"
        np.testing.assert_array_equal(
            search.cv_results_[key], reference.cv_results_[key]
        )
    assert search.best_params_ == reference.best_params_
    np.testing.assert_array_equal(
        search.best_estimator_.predict_proba(X),
        reference.best_estimator_.predict_proba(X),
    )


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_grid_search_in_parallel_equals_sequential(backend, sequential_search):
    with joblib.parallel_config(backend=backend):
        search = GridSearchCV(ScratchMLPClassifier(**PARAMS), GRID, cv=3, n_jobs=2)
        search.fit(X, y)
    assert_same_search(search, sequential_search, X)


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_cross_val_score_in_parallel_equals_sequential(backend):
    est = ScratchMLPClassifier(**{**PARAMS, "solver": "lbfgs"})
    expected = cross_val_score(est, X, y, cv=4)
    with joblib.parallel_config(backend=backend):
        scores = cross_val_score(est, X, y, cv=4, n_jobs=2)
    np.testing.assert_array_equal(scores, expected)
    assert expected.min() > 0.5  # the scores are not all the same trivial value
