"""The package reproduces the teaching notebook's network, from one configuration."""

import random
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skscratch import ScratchMLPClassifier, notebook_network, notebook_split
from skscratch import _notebook as nb

ROOT = Path(__file__).resolve().parents[1]


def weights_from(rng):
    """An ``init`` callable drawing the notebook's weights from Python's ``random``."""

    def init(fan_in, fan_out, random_state):
        neurons = np.array(
            [[rng.random() for _ in range(fan_in + 1)] for _ in range(fan_out)]
        )
        return neurons[:, :-1].T, neurons[:, -1]

    return init


def fit_quietly(clf, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y)


def test_split_is_the_notebooks_lists():
    """The notebook builds its data as lists; the split is its 70/30 cut."""
    digits = load_digits()
    images = [list(image.flatten() / 16 / 8) for image in digits.images]
    numbers = list(digits.target)
    len_train = int(len(images) * 0.7)

    X_train, X_test, y_train, y_test = notebook_split()

    assert X_train.tolist() == images[:len_train]
    assert X_test.tolist() == images[len_train:]
    assert y_train.tolist() == numbers[:len_train]
    assert y_test.tolist() == numbers[len_train:]


def test_network_has_the_notebooks_parameters():
    params = notebook_network().get_params()

    assert params["hidden_layer_sizes"] == (10,)
    assert (params["activation"], params["loss"]) == ("logistic", "squared_error")
    assert (params["init"], params["solver"]) == ("uniform", "sgd")
    assert (params["learning_rate_init"], params["learning_rate"]) == (1.0, "constant")
    assert (params["momentum"], params["alpha"], params["batch_size"]) == (0, 0, 1)
    # The notebook draws its samples at random (random.sample), for 10 epochs.
    assert (params["shuffle"], params["max_iter"]) == (True, 10)


def test_overrides_replace_parameters_and_leave_the_configuration_alone():
    clf = notebook_network(max_iter=3, shuffle=False, random_state=7)

    params = clf.get_params()
    assert (params["max_iter"], params["shuffle"], params["random_state"]) == (
        3,
        False,
        7,
    )
    assert params["loss"] == "squared_error"
    assert nb.NOTEBOOK_PARAMS["max_iter"] == 10
    assert nb.NOTEBOOK_PARAMS["shuffle"] is True
    with pytest.raises(TypeError, match="no_such_parameter"):
        notebook_network(no_such_parameter=1)


def test_one_pass_matches_the_pure_python_notebook():
    """In data order (shuffle=False), one epoch is the notebook's arithmetic."""
    X_train, _, y_train, _ = notebook_split()
    network = nb.new_network(random.Random(0))
    for x, label in zip(X_train.tolist(), y_train, strict=True):
        nb.backpropagate(network, x, nb.one_hot(label), rate=1.0)

    clf = notebook_network(
        init=weights_from(random.Random(0)), shuffle=False, max_iter=1
    )
    fit_quietly(clf, X_train, y_train)

    for layer, neurons in enumerate(network):
        neurons = np.array(neurons)
        np.testing.assert_allclose(
            clf.coefs_[layer], neurons[:, :-1].T, rtol=0, atol=1e-10
        )
        np.testing.assert_allclose(
            clf.intercepts_[layer], neurons[:, -1], rtol=0, atol=1e-10
        )
    # The two networks also agree on every prediction and on the accuracy.
    outputs = np.array([nb.predict(network, x) for x in X_train[:50].tolist()])
    proba = clf.predict_proba(X_train[:50])
    np.testing.assert_allclose(
        proba, outputs / outputs.sum(axis=1, keepdims=True), atol=1e-10
    )
    assert nb.accuracy(network, X_train[:200].tolist(), list(y_train[:200])) == (
        clf.score(X_train[:200], y_train[:200])
    )


def test_uniform_init_is_the_notebook_layout():
    X, y = load_digits(return_X_y=True)
    clf = notebook_network(random_state=3, max_iter=1, learning_rate_init=1e-300)
    fit_quietly(clf, X[:20] / 128, y[:20])
    rng = np.random.RandomState(3)
    hidden = rng.uniform(0, 1, (10, 65))
    output = rng.uniform(0, 1, (10, 11))
    np.testing.assert_array_equal(clf.coefs_[0], hidden[:, :-1].T)
    np.testing.assert_array_equal(clf.intercepts_[0], hidden[:, -1])
    np.testing.assert_array_equal(clf.coefs_[1], output[:, :-1].T)
    np.testing.assert_array_equal(clf.intercepts_[1], output[:, -1])


def test_notebook_experiment_lands_in_the_notebooks_accuracy_band():
    """The notebook reaches 0.80-0.89 test accuracy by seed (median 0.85)."""
    X_train, X_test, y_train, y_test = notebook_split()
    scores = [
        fit_quietly(notebook_network(random_state=seed), X_train, y_train).score(
            X_test, y_test
        )
        for seed in range(3)
    ]
    assert scores[0] == 459 / 540  # 0.850, the figure the documentation prints
    assert 0.80 <= np.median(scores) <= 0.89
    assert all(0.75 <= s <= 0.92 for s in scores)


def test_readme_shows_the_notebook_configuration():
    """The README's one-line network is the configuration (bar random_state)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(
        r"The notebook's own network is one line.*?```python\n(.*?)```",
        readme,
        flags=re.DOTALL,
    )
    assert match, "README.md no longer shows the notebook's network"
    shown = eval(match.group(1), {"ScratchMLPClassifier": ScratchMLPClassifier})
    assert shown.get_params() == notebook_network(random_state=None).get_params()
