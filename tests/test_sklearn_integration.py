"""ScratchMLPClassifier inside scikit-learn's tools."""

import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    check_cv,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skscratch import ScratchMLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def small_clf(**params):
    return ScratchMLPClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=30, random_state=0
    ).set_params(**params)


def test_is_a_classifier_so_cv_is_stratified(digits):
    X, y = digits
    clf = small_clf()
    assert is_classifier(clf)
    assert isinstance(check_cv(5, y, classifier=is_classifier(clf)), StratifiedKFold)


def test_train_test_split_then_score(digits):
    X_train, X_test, y_train, y_test = train_test_split(*digits, random_state=0)
    clf = small_clf().fit(X_train, y_train)
    assert clf.score(X_test, y_test) > 0.9


def test_cross_val_score_equals_manual_stratified_folds(digits):
    X, y = digits
    scores = cross_val_score(small_clf(), X, y, cv=3)
    expected = [
        small_clf().fit(X[train], y[train]).score(X[test], y[test])
        for train, test in StratifiedKFold(3).split(X, y)
    ]
    np.testing.assert_array_equal(scores, expected)
    assert scores.mean() > 0.9


def test_grid_search_in_pipeline_with_two_jobs(digits):
    X, y = digits
    pipe = make_pipeline(StandardScaler(), small_clf(max_iter=15))
    grid = {
        "scratchmlpclassifier__learning_rate_init": [1e-3, 1e-2],
        "scratchmlpclassifier__hidden_layer_sizes": [(10,), (40,)],
    }
    parallel = GridSearchCV(pipe, grid, cv=3, n_jobs=2).fit(X, y)
    sequential = GridSearchCV(pipe, grid, cv=3, n_jobs=1).fit(X, y)
    np.testing.assert_array_equal(
        parallel.cv_results_["mean_test_score"],
        sequential.cv_results_["mean_test_score"],
    )
    assert parallel.best_params_ == {
        "scratchmlpclassifier__hidden_layer_sizes": (40,),
        "scratchmlpclassifier__learning_rate_init": 0.01,
    }
    assert parallel.best_score_ > 0.9


def test_clone_gives_an_unfitted_copy_with_same_params(digits):
    clf = small_clf(alpha=0.5).fit(*digits)
    copy = clone(clf)
    assert copy.get_params() == clf.get_params()
    assert not hasattr(copy, "coefs_")


@pytest.mark.parametrize("dumps, loads", [(pickle.dumps, pickle.loads), (None, None)])
def test_pickle_and_joblib_round_trip(digits, tmp_path, dumps, loads):
    X, y = digits
    clf = small_clf().fit(X, y)
    if dumps is None:
        joblib.dump(clf, tmp_path / "model.joblib")
        restored = joblib.load(tmp_path / "model.joblib")
    else:
        restored = loads(dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))


def test_string_labels(digits):
    X, y = digits
    names = np.array(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    )
    clf = small_clf().fit(X, names[y])
    np.testing.assert_array_equal(clf.classes_, np.sort(names))
    assert set(clf.predict(X[:20])) <= set(names)
    assert clf.score(X, names[y]) > 0.9
    proba = clf.predict_proba(X[:5])
    np.testing.assert_array_equal(
        clf.classes_[proba.argmax(axis=1)], clf.predict(X[:5])
    )


def test_dataframe_input_keeps_feature_names(digits):
    X, y = digits
    frame = pd.DataFrame(X, columns=[f"pixel_{i}" for i in range(X.shape[1])])
    clf = small_clf().fit(frame, y)
    np.testing.assert_array_equal(clf.feature_names_in_, frame.columns.to_numpy())
    np.testing.assert_array_equal(clf.predict(frame), small_clf().fit(X, y).predict(X))
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(X)


def test_same_random_state_same_model_bit_for_bit(digits):
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = small_clf(early_stopping=True).fit(X, y)
        second = small_clf(early_stopping=True).fit(X, y)
    for a, b in zip(
        first.coefs_ + first.intercepts_,
        second.coefs_ + second.intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)
    assert first.loss_curve_ == second.loss_curve_
