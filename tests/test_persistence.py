"""Saving and loading fitted models: pickle, joblib, skops.io and load_model.

A loaded model must predict exactly as the original and, for the stochastic
solvers, continue training (``partial_fit``) exactly as the original would.
skops.io must list only skscratch's own types as needing trust, load them once
trusted, and refuse a file with types that are not trusted without running any
of its code.
"""

import io
import pickle

import joblib
import numpy as np
import pytest
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

from skscratch import ScratchMLPClassifier, load_model
from skscratch._history import History
from skscratch._optimizers import SGD, Adam
from skscratch._targets import ClassTargets

from .assertions import Exploding, assert_same_weights

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.normal(size=(60, 4))
y_int = np.arange(60) % 3
TARGETS = {
    "multiclass": y_int,
    "strings": np.array(["ant", "bee"])[y_int % 2],
    "multilabel": np.c_[y_int == 0, y_int == 1, X[:, 0] > 0].astype(int),
}
MODELS = {
    "adam": ({"solver": "adam"}, "multiclass"),
    "sgd": ({"solver": "sgd", "learning_rate": "invscaling"}, "strings"),
    "lbfgs": ({"solver": "lbfgs"}, "multiclass"),
    "adam-early-stopping-float32": ({"early_stopping": True}, "multilabel"),
    "sgd-class-weight-notebook": (
        {
            "solver": "sgd",
            "class_weight": "balanced",
            "loss": "squared_error",
            "init": "uniform",
        },
        "multiclass",
    ),
}


def _fit(name):
    params, target = MODELS[name]
    X_fit = X.astype(np.float32) if name.endswith("float32") else X
    est = ScratchMLPClassifier(
        hidden_layer_sizes=(5,), max_iter=15, random_state=0, **params
    )
    return est.fit(X_fit, TARGETS[target]), TARGETS[target]


def _name(cls):
    """The name skops writes for a class."""
    return f"{cls.__module__}.{cls.__qualname__}"


def _expected_untrusted(est):
    types = [_name(ScratchMLPClassifier), _name(History), _name(ClassTargets)]
    if est.solver != "lbfgs":
        types.append(_name(SGD if est.solver == "sgd" else Adam))
    return sorted(types)


def _pickle_round_trip(est):
    return pickle.loads(pickle.dumps(est))


def _joblib_round_trip(est):
    buffer = io.BytesIO()
    joblib.dump(est, buffer, compress=3)
    buffer.seek(0)
    return joblib.load(buffer)


def _skops_round_trip(est):
    data = sio.dumps(est)
    return sio.loads(data, trusted=sio.get_untrusted_types(data=data))


def _load_model_round_trip(est):
    return load_model(io.BytesIO(sio.dumps(est)))


ROUND_TRIPS = {
    "pickle": _pickle_round_trip,
    "joblib": _joblib_round_trip,
    "skops": _skops_round_trip,
    "skscratch.load_model": _load_model_round_trip,
}


def _without_durations(history):
    return [{k: v for k, v in record.items() if k != "duration"} for record in history]


def assert_same_fitted_state(original, loaded, same_durations=True):
    """Same parameters, fitted attributes and training records."""
    assert type(loaded) is type(original)
    assert loaded.get_params() == original.get_params()
    assert_same_weights(original, loaded)
    np.testing.assert_array_equal(loaded.classes_, original.classes_)
    assert loaded.classes_.dtype == original.classes_.dtype
    assert type(loaded.history_) is type(original.history_)
    if same_durations:
        assert list(loaded.history_) == list(original.history_)
    else:  # trained separately after loading: only the timings differ
        assert _without_durations(loaded.history_) == _without_durations(
            original.history_
        )
    assert loaded.history_[:, "train_loss"] == original.history_[:, "train_loss"]
    for name in (
        "loss_",
        "best_loss_",
        "loss_curve_",
        "validation_scores_",
        "best_validation_score_",
        "t_",
        "n_iter_",
        "n_layers_",
        "n_outputs_",
        "out_activation_",
        "n_features_in_",
    ):
        assert getattr(loaded, name) == getattr(original, name), name


@pytest.fixture(scope="module", params=sorted(MODELS))
def fitted(request):
    return _fit(request.param)


@pytest.mark.parametrize("round_trip", sorted(ROUND_TRIPS))
def test_round_trip_predicts_identically(fitted, round_trip):
    est, target = fitted
    loaded = ROUND_TRIPS[round_trip](est)
    assert_same_fitted_state(est, loaded)
    X_test = X.astype(est.coefs_[0].dtype)
    np.testing.assert_array_equal(
        loaded.predict_proba(X_test), est.predict_proba(X_test)
    )
    np.testing.assert_array_equal(loaded.predict(X_test), est.predict(X_test))
    assert loaded.score(X_test, target) == est.score(X_test, target)


INCREMENTAL_MODELS = [
    name
    for name, (params, _) in MODELS.items()
    if params.get("solver") != "lbfgs" and not params.get("early_stopping")
]


@pytest.mark.parametrize("round_trip", sorted(ROUND_TRIPS))
@pytest.mark.parametrize("name", INCREMENTAL_MODELS)
def test_partial_fit_continues_identically_after_loading(name, round_trip):
    est, target = _fit(name)
    loaded = ROUND_TRIPS[round_trip](est)
    original = est
    for _ in range(3):
        original.partial_fit(X, target)
        loaded.partial_fit(X, target)
    assert_same_fitted_state(original, loaded, same_durations=False)
    np.testing.assert_array_equal(loaded.predict_proba(X), original.predict_proba(X))


def test_skops_untrusted_types_are_exactly_skscratch_types(fitted, tmp_path):
    est, _ = fitted
    path = tmp_path / "model.skops"
    sio.dump(est, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert sorted(untrusted) == _expected_untrusted(est)
    loaded = sio.load(path, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))


def test_skops_exact_list_for_default_model():
    est = ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, y_int)
    assert sio.get_untrusted_types(data=sio.dumps(est)) == sorted(
        [_name(ScratchMLPClassifier), _name(History), _name(Adam), _name(ClassTargets)]
    )


def initial_weights(fan_in, fan_out, random_state):
    """A user's ``init`` callable, saved by reference."""
    return np.full((fan_in, fan_out), 0.1), np.zeros(fan_out)


def test_skops_lists_an_init_callable_by_its_import_path():
    est = ScratchMLPClassifier(
        hidden_layer_sizes=(3,), max_iter=2, init=initial_weights
    ).fit(X, y_int)
    untrusted = sio.get_untrusted_types(data=sio.dumps(est))
    assert f"{__name__}.initial_weights" in untrusted
    loaded = sio.loads(sio.dumps(est), trusted=untrusted)
    assert loaded.init is initial_weights


def test_skops_refuses_untrusted_types(fitted):
    est, _ = fitted
    data = sio.dumps(est)
    with pytest.raises(UntrustedTypesFoundException, match="Untrusted types found"):
        sio.loads(data)
    # Trusting only part of the list is not enough.
    partial = [t for t in _expected_untrusted(est) if "History" not in t]
    with pytest.raises(UntrustedTypesFoundException, match="History"):
        sio.loads(data, trusted=partial)


def test_skops_does_not_run_code_of_untrusted_file(tmp_path):
    marker = tmp_path / "side_effect.txt"
    data = sio.dumps({"model": ScratchMLPClassifier(), "payload": Exploding(marker)})
    untrusted = sio.get_untrusted_types(data=data)
    assert f"{Exploding.__module__}.Exploding" in untrusted
    with pytest.raises(UntrustedTypesFoundException, match="Exploding"):
        sio.loads(data, trusted=[_name(ScratchMLPClassifier)])
    assert not marker.exists()
    # The same file, once trusted, does run that code: the check above matters.
    sio.loads(data, trusted=untrusted)
    assert marker.read_text() == "code ran"


class PickleExploding:
    def __init__(self, marker):
        self.marker = str(marker)

    """A type whose unpickling calls a function of the file's choosing."""

    def __reduce__(self):
        return _write_marker, (self.marker,)


def _write_marker(path):
    with open(path, "w") as file:
        file.write("code ran")
    return "anything"


def test_pickle_runs_code_on_load(tmp_path):
    """Why pickle and joblib files must come from a trusted source."""
    marker = tmp_path / "side_effect.txt"
    data = pickle.dumps(PickleExploding(marker))
    assert not marker.exists()
    pickle.loads(data)
    assert marker.read_text() == "code ran"
