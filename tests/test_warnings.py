"""Unit tests of ``_warnings``: a warning is reported at the user's own line."""

import sys
from pathlib import Path

import numpy as np
import pytest
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skscratch
from skscratch import ScratchMLPClassifier
from skscratch._warnings import warn

X = np.random.RandomState(0).normal(size=(30, 3))
y = np.arange(30) % 2


def _unconverged(solver="sgd"):
    return ScratchMLPClassifier(hidden_layer_sizes=(2,), solver=solver, max_iter=1)


def _fit(model):
    """Fit ``model``; return the line of the call."""
    line = sys._getframe().f_lineno + 1
    model.fit(X, y)
    return line


def _only_warning(records, category):
    assert [record.category for record in records] == [category]
    return records[0]


def test_a_direct_call_is_reported_at_its_line():
    with pytest.warns(UserWarning, match="^careful$") as records:
        line = sys._getframe().f_lineno + 1
        warn("careful", UserWarning)
    record = _only_warning(records, UserWarning)
    assert (record.filename, record.lineno) == (__file__, line)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_a_warning_inside_fit_is_reported_at_the_call_to_fit(solver):
    with pytest.warns(ConvergenceWarning) as records:
        line = _fit(_unconverged(solver))
    record = _only_warning(records, ConvergenceWarning)
    assert (record.filename, record.lineno) == (__file__, line)


def test_a_warning_inside_a_pipeline_is_reported_at_the_call_to_fit():
    pipeline = make_pipeline(StandardScaler(), _unconverged())
    with pytest.warns(ConvergenceWarning) as records:
        line = _fit(pipeline)
    record = _only_warning(records, ConvergenceWarning)
    assert (record.filename, record.lineno) == (__file__, line)


def test_a_warning_inside_cross_val_score_is_reported_at_the_user_call():
    with pytest.warns(ConvergenceWarning) as records:
        cross_val_score(_unconverged(), X, y, cv=2)
    assert {record.filename for record in records} == {__file__}


@pytest.mark.parametrize("package", [skscratch, sklearn], ids=["skscratch", "sklearn"])
def test_a_file_in_a_sibling_folder_of_a_package_is_the_users(package):
    sibling = f"{Path(package.__file__).resolve().parent}_extra"
    user_file = str(Path(sibling) / "user_code.py")
    code = compile("warn('from user code', UserWarning)\n", user_file, "exec")
    with pytest.warns(UserWarning) as records:
        exec(code, {"warn": warn, "UserWarning": UserWarning})
    assert _only_warning(records, UserWarning).filename == user_file
