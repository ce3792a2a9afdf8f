"""Shared fixtures: small real data sets used across the test suite."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, make_multilabel_classification
from sklearn.preprocessing import StandardScaler


@pytest.fixture(scope="session")
def digits():
    """sklearn's digits, scaled to [0, 1]."""
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


@pytest.fixture(scope="session")
def iris():
    """Iris, standardised."""
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def binary(digits):
    """Digits 0 against 1..9 would be unbalanced: take 3 against 8."""
    X, y = digits
    keep = np.isin(y, (3, 8))
    return X[keep], y[keep]


@pytest.fixture(scope="session")
def multilabel():
    """A small multilabel problem with 4 labels."""
    X, Y = make_multilabel_classification(
        n_samples=300, n_features=12, n_classes=4, random_state=0
    )
    return StandardScaler().fit_transform(X), Y
