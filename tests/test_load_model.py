"""skscratch.load_model: a skops loader that trusts the model's types only.

``MODEL_TYPES`` must name exactly classes defined in skscratch, and cover
every type a fitted model of any configuration writes into a skops file. A
tampered file that names anything else, even an object a skscratch module
imports (which a check on the ``skscratch.`` prefix lets through), is refused
before any object is built.
"""

import importlib
import inspect
import json
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

import skscratch
from skscratch import MODEL_TYPES, ScratchMLPClassifier, ScratchMLPRegressor, load_model
from skscratch.callbacks import Checkpoint, EarlyStopping, HistoryRecorder

from .assertions import Exploding

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.normal(size=(60, 4))
y = np.arange(60) % 3
Y_MULTILABEL = np.c_[y == 0, y == 1, X[:, 0] > 0].astype(int)

# (parameters, X, y, fit keyword arguments): every solver and loss, early
# stopping, class weights, multilabel and sparse targets, float32, string
# labels, a DataFrame, a validation set of one's own.
CONFIGURATIONS = {
    "adam": ({}, X, y, {}),
    "sgd-nesterov": ({"solver": "sgd"}, X, y, {}),
    "sgd-adaptive": (
        {"solver": "sgd", "learning_rate": "adaptive", "momentum": 0.0},
        X,
        y,
        {},
    ),
    "lbfgs": ({"solver": "lbfgs"}, X, y, {}),
    "squared-error": ({"loss": "squared_error", "init": "uniform"}, X, y, {}),
    "early-stopping": ({"early_stopping": True}, X, y, {}),
    "class-weight-dict": ({"class_weight": {0: 2.0, 2: 0.5}}, X, y, {}),
    "class-weight-balanced": ({"class_weight": "balanced"}, X, y, {}),
    "multilabel": ({}, X, Y_MULTILABEL, {}),
    "sparse-multilabel": ({}, X, sp.csr_matrix(Y_MULTILABEL), {}),
    "float32": ({}, X.astype(np.float32), y, {}),
    "lbfgs-float32": ({"solver": "lbfgs"}, X.astype(np.float32), y, {}),
    "strings": ({}, X, np.array(["ant", "bee", "cat"])[y], {}),
    "frame": ({}, pd.DataFrame(X, columns=list("abcd")), y, {}),
    "validation-set": ({}, X, y, {"X_val": X[:10], "y_val": y[:10]}),
    "sample-weight": ({}, X, y, {"sample_weight": np.linspace(0.5, 2, 60)}),
}


def _fitted(name):
    params, X_fit, y_fit, fit_params = CONFIGURATIONS[name]
    est = ScratchMLPClassifier(
        hidden_layer_sizes=(3,), max_iter=5, random_state=0, **params
    )
    return est.fit(X_fit, y_fit, **fit_params)


def _partially_fitted():
    est = ScratchMLPClassifier(hidden_layer_sizes=(3,), solver="sgd")
    est.partial_fit(X[:30], y[:30], classes=[0, 1, 2])
    return est.partial_fit(X[30:], y[30:])


def _warm_started():
    est = ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=3, warm_start=True)
    return est.fit(X, y).fit(X, y)


def _regressor(**params):
    def fitted():
        est = ScratchMLPRegressor(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
        return est.set_params(**params).fit(X, np.abs(X[:, 0]))

    return fitted


MODELS = {name: lambda name=name: _fitted(name) for name in CONFIGURATIONS}
MODELS["partial-fit"] = _partially_fitted
MODELS["warm-start"] = _warm_started
MODELS["regressor-adam"] = _regressor()
MODELS["regressor-sgd-early-stopping"] = _regressor(solver="sgd", early_stopping=True)
MODELS["regressor-poisson-lbfgs"] = _regressor(loss="poisson", solver="lbfgs")


def _save(model, path):
    sio.dump(model, path)
    return path


def initial_weights(fan_in, fan_out, random_state):
    """A user's ``init`` callable, saved by reference to this module."""
    return np.full((fan_in, fan_out), 0.1), np.zeros(fan_out)


def _foreign_function_in_skscratch():
    """A function from another package that a skscratch module imports.

    Returns ``(module name, attribute name, function)``; a tampered file can
    name it as ``module.attribute``, a name that starts with ``skscratch.``.
    """
    for module_name, module in sorted(sys.modules.items()):
        if module_name.partition(".")[0] != "skscratch":
            continue
        for name, obj in sorted(vars(module).items()):
            if inspect.isfunction(obj) and obj.__module__.startswith("sklearn."):
                return module_name, name, obj
    raise AssertionError("no scikit-learn function is imported into skscratch")


def _tamper(path, edit):
    """Rewrite the file's schema.json with ``edit(schema)``; return the path."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(members["schema.json"])
    edit(schema)
    members["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _old_readme_recipe(path):
    """What the README recommended before: trust every ``skscratch.`` name."""
    untrusted = sio.get_untrusted_types(file=path)
    assert all(name.startswith("skscratch.") for name in untrusted)
    return sio.load(path, trusted=untrusted)


# ------------------------------------------------------------------ MODEL_TYPES


def test_model_types_name_classes_defined_in_skscratch():
    assert MODEL_TYPES == tuple(sorted(set(MODEL_TYPES)))
    for name in MODEL_TYPES:
        module_name, _, qualname = name.rpartition(".")
        assert module_name.partition(".")[0] == "skscratch", name
        obj = getattr(importlib.import_module(module_name), qualname)
        assert isinstance(obj, type), name
        assert obj.__module__ == module_name, name
        assert obj.__qualname__ == qualname, name


def test_model_types_hold_the_estimators_their_targets_history_and_optimizers():
    callbacks = [EarlyStopping("train_loss"), Checkpoint("unused.skops", every=99)]
    callbacks.append(HistoryRecorder())
    expected = {type(callback) for callback in callbacks}
    for est in (_fitted("adam"), _fitted("sgd-nesterov"), _regressor()()):
        expected |= {type(est), type(est.history_), type(est._optimizer)}
        expected.add(type(est._targets))
    assert set(MODEL_TYPES) == {f"{t.__module__}.{t.__qualname__}" for t in expected}


def test_a_model_with_skscratch_callbacks_loads(tmp_path):
    pytest.importorskip("sklearn.callback")
    model = _regressor()().set_callbacks(EarlyStopping("train_loss"), HistoryRecorder())
    loaded = load_model(_save(model, tmp_path / "model.skops"))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_a_model_with_scikit_learns_callbacks_is_refused_with_the_remedy(tmp_path):
    sklearn_callback = pytest.importorskip("sklearn.callback")
    model = _regressor()().set_callbacks(sklearn_callback.ProgressBar())
    with pytest.raises(UntrustedTypesFoundException) as refused:
        load_model(_save(model, tmp_path / "with_callbacks.skops"))
    assert "sklearn.callback._progressbar.ProgressBar" in str(refused.value)
    assert "model.set_callbacks()" in " ".join(refused.value.__notes__)
    model.set_callbacks()
    loaded = load_model(_save(model, tmp_path / "without.skops"))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_configuration_saves_only_model_types(name, tmp_path):
    model = MODELS[name]()
    path = _save(model, tmp_path / "model.skops")
    assert set(sio.get_untrusted_types(file=path)) <= set(MODEL_TYPES)
    loaded = load_model(path)
    assert type(loaded) is type(model)
    X_test = CONFIGURATIONS[name][1] if name in CONFIGURATIONS else X  # as fitted
    method = "predict_proba" if hasattr(model, "predict_proba") else "predict"
    np.testing.assert_array_equal(
        getattr(loaded, method)(X_test), getattr(model, method)(X_test)
    )
    assert list(loaded.history_) == list(model.history_)


def test_pipeline_loads(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = make_pipeline(StandardScaler(), ScratchMLPClassifier(max_iter=3))
    path = _save(pipe.fit(X, y), tmp_path / "pipe.skops")
    np.testing.assert_array_equal(
        load_model(path).predict_proba(X), pipe.predict_proba(X)
    )


# ------------------------------------------------------------- tampered files


def test_foreign_function_named_through_skscratch_is_refused(tmp_path):
    module_name, name, function = _foreign_function_in_skscratch()
    forged = f"{module_name}.{name}"

    def put_function_as_init(schema):
        schema["content"]["content"]["init"] = {
            "__class__": name,
            "__module__": module_name,
            "__loader__": "FunctionNode",
            "__id__": 1,
        }

    path = _save(_fitted("adam"), tmp_path / "model.skops")
    _tamper(path, put_function_as_init)
    # The prefix check lets the forged name through, and the load puts
    # scikit-learn's function where init was.
    assert forged in sio.get_untrusted_types(file=path)
    assert _old_readme_recipe(path).init is function
    with pytest.raises(UntrustedTypesFoundException, match=forged):
        load_model(path)


def test_foreign_function_in_place_of_a_type_is_refused(tmp_path):
    module_name, name, _ = _foreign_function_in_skscratch()

    def rename_optimizer(schema):
        optimizer = schema["content"]["content"]["_optimizer"]
        optimizer["__module__"], optimizer["__class__"] = module_name, name

    path = _tamper(_save(_fitted("adam"), tmp_path / "model.skops"), rename_optimizer)
    with pytest.raises(UntrustedTypesFoundException, match=f"{module_name}.{name}"):
        load_model(path)


def test_refused_file_runs_no_code(tmp_path):
    marker = tmp_path / "side_effect.txt"
    model = _fitted("adam")
    path = _save({"model": model, "payload": Exploding(marker)}, tmp_path / "m.skops")
    with pytest.raises(UntrustedTypesFoundException, match="Exploding"):
        load_model(path)
    assert not marker.exists()


# ---------------------------------------------------------- user-named types


def test_init_function_is_refused_unless_trusted(tmp_path):
    est = ScratchMLPClassifier(
        hidden_layer_sizes=(3,), max_iter=2, init=initial_weights
    )
    path = _save(est.fit(X, y), tmp_path / "model.skops")
    name = f"{__name__}.initial_weights"
    with pytest.raises(UntrustedTypesFoundException, match=name):
        load_model(path)
    loaded = load_model(path, trusted=[name])
    assert loaded.init is initial_weights
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))


def test_trusted_must_be_a_sequence_not_a_string(tmp_path):
    path = _save(_fitted("lbfgs"), tmp_path / "model.skops")
    with pytest.raises(TypeError, match=r"trusted=\['mymodule.my_init'\]"):
        load_model(path, trusted="mymodule.my_init")


def test_missing_skops_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "skops.io", None)  # import fails
    with pytest.raises(ImportError, match="pip install skops"):
        load_model(tmp_path / "model.skops")


def test_public_names():
    assert {"load_model", "MODEL_TYPES"} <= set(skscratch.__all__)
