"""The package reproduces the teaching notebook's network."""

import random
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skscratch import ScratchMLPClassifier
from skscratch.__main__ import NOTEBOOK_CONFIG as DEMO_CONFIG

from . import notebook_reference as nb

NOTEBOOK_CONFIG = {**DEMO_CONFIG, "max_iter": 10}


@pytest.fixture(scope="module")
def notebook_split():
    """The notebook's data: digits / 128, first 70% train, last 30% test."""
    X, y = load_digits(return_X_y=True)
    X = X / 16 / 8
    n_train = int(len(X) * 0.7)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def weights_from(rng):
    """An ``init`` callable drawing the notebook's weights from Python's ``random``."""

    def init(fan_in, fan_out, random_state):
        neurons = np.array(
            [[rng.random() for _ in range(fan_in + 1)] for _ in range(fan_out)]
        )
        return neurons[:, :-1].T, neurons[:, -1]

    return init


def test_one_pass_matches_the_pure_python_notebook(notebook_split):
    X_train, y_train, _, _ = notebook_split
    network = nb.new_network(random.Random(0))
    for x, label in zip(X_train.tolist(), y_train, strict=True):
        nb.backpropagate(network, x, nb.one_hot(label), rate=1.0)

    clf = ScratchMLPClassifier(
        **{**NOTEBOOK_CONFIG, "init": weights_from(random.Random(0))},
        shuffle=False,
    ).set_params(max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)

    for layer, neurons in enumerate(network):
        neurons = np.array(neurons)
        np.testing.assert_allclose(
            clf.coefs_[layer], neurons[:, :-1].T, rtol=0, atol=1e-10
        )
        np.testing.assert_allclose(
            clf.intercepts_[layer], neurons[:, -1], rtol=0, atol=1e-10
        )
    # The two networks also agree on every prediction.
    outputs = np.array([nb.predict(network, x) for x in X_train[:50].tolist()])
    proba = clf.predict_proba(X_train[:50])
    np.testing.assert_allclose(
        proba, outputs / outputs.sum(axis=1, keepdims=True), atol=1e-10
    )


def test_uniform_init_is_the_notebook_layout():
    clf = ScratchMLPClassifier(**NOTEBOOK_CONFIG, random_state=3).set_params(max_iter=1)
    X, y = load_digits(return_X_y=True)
    clf.set_params(learning_rate_init=1e-300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X[:20] / 128, y[:20])
    rng = np.random.RandomState(3)
    hidden = rng.uniform(0, 1, (10, 65))
    output = rng.uniform(0, 1, (10, 11))
    np.testing.assert_array_equal(clf.coefs_[0], hidden[:, :-1].T)
    np.testing.assert_array_equal(clf.intercepts_[0], hidden[:, -1])
    np.testing.assert_array_equal(clf.coefs_[1], output[:, :-1].T)
    np.testing.assert_array_equal(clf.intercepts_[1], output[:, -1])


def test_notebook_experiment_lands_in_the_notebooks_accuracy_band(notebook_split):
    """The notebook reaches 0.80-0.89 test accuracy by seed (median 0.85)."""
    X_train, y_train, X_test, y_test = notebook_split
    scores = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for seed in range(3):
            clf = ScratchMLPClassifier(**NOTEBOOK_CONFIG, random_state=seed)
            scores.append(clf.fit(X_train, y_train).score(X_test, y_test))
    assert 0.80 <= np.median(scores) <= 0.89
    assert all(0.75 <= s <= 0.92 for s in scores)
