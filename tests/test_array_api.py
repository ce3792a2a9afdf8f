"""The estimators on PyTorch and array-api-strict arrays (scikit-learn's array API).

The cross-namespace twin: on PyTorch's CPU in float64 the weights equal those
trained on NumPy to within 1e-10, for every solver and the features around them
(sample weights, early stopping, validation data, dropout, warm start,
``partial_fit``). scikit-learn's own array API checks run in ``test_common``.
"""

import os
import pickle
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest
import scipy
import scipy.sparse as sp
import sklearn
from sklearn.datasets import load_diabetes, load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skscratch import (
    ScratchMLPClassifier,
    ScratchMLPRegressor,
    TrainingHistoryDisplay,
    check_gradients,
)

torch = pytest.importorskip("torch")
array_api_strict = pytest.importorskip("array_api_strict")

if os.environ.get("SCIPY_ARRAY_API") != "1":  # pragma: no cover
    pytest.skip(
        "scikit-learn's array API dispatch needs SCIPY_ARRAY_API=1 set before "
        "scipy is imported: run SCIPY_ARRAY_API=1 pytest tests/test_array_api.py",
        allow_module_level=True,
    )
if tuple(map(int, scipy.__version__.split(".")[:2])) < (1, 14):  # pragma: no cover
    pytest.skip(
        "scikit-learn's array API dispatch needs SciPy 1.14 or newer",
        allow_module_level=True,
    )

TOLERANCE = 1e-10

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True)
def dispatch():
    with sklearn.config_context(array_api_dispatch=True):
        yield


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16, y[:600]


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X, y / 100


def on_torch(*arrays, dtype=None):
    return [None if a is None else torch.asarray(a, dtype=dtype) for a in arrays]


def assert_same_weights(numpy_model, torch_model, tolerance=TOLERANCE):
    for name in ("coefs_", "intercepts_"):
        for expected, got in zip(
            getattr(numpy_model, name), getattr(torch_model, name), strict=True
        ):
            assert isinstance(got, torch.Tensor)
            np.testing.assert_allclose(got.numpy(), expected, rtol=0, atol=tolerance)
    assert torch_model.n_iter_ == numpy_model.n_iter_
    np.testing.assert_allclose(
        torch_model.loss_curve_, numpy_model.loss_curve_, rtol=1e-12
    )


TWIN_SETTINGS = {
    "sgd": {"solver": "sgd", "learning_rate_init": 0.1},
    "sgd-nesterov-invscaling": {
        "solver": "sgd",
        "learning_rate": "invscaling",
        "learning_rate_init": 0.1,
    },
    "adam": {"solver": "adam"},
    "lbfgs": {"solver": "lbfgs"},
    "adam-early-stopping": {"solver": "adam", "early_stopping": True},
    "sgd-dropout-gelu-tanh": {
        "solver": "sgd",
        "hidden_layer_sizes": (12, 8),
        "activation": ("gelu", "tanh"),
        "dropout": (0.2, 0.1),
    },
    "adam-logistic-alpha": {"activation": "logistic", "alpha": 0.01},
}


@pytest.mark.parametrize("settings", TWIN_SETTINGS.values(), ids=TWIN_SETTINGS)
def test_classifier_on_torch_matches_numpy(settings, digits):
    X, y = digits
    params = {"hidden_layer_sizes": (16,), "max_iter": 12, "random_state": 0}
    params.update(settings)
    numpy_model = ScratchMLPClassifier(**params).fit(X, y)
    torch_model = ScratchMLPClassifier(**params).fit(*on_torch(X, y))
    assert_same_weights(numpy_model, torch_model)
    proba = torch_model.predict_proba(torch.asarray(X))
    assert isinstance(proba, torch.Tensor)
    np.testing.assert_allclose(proba.numpy(), numpy_model.predict_proba(X), atol=1e-10)
    assert torch_model.score(*on_torch(X, y)) == numpy_model.score(X, y)
    for numpy_record, torch_record in zip(
        numpy_model.history_, torch_model.history_, strict=True
    ):
        for key in ("train_loss", "train_score", "valid_loss", "valid_score"):
            if numpy_record.get(key) is not None:
                assert torch_record[key] == pytest.approx(numpy_record[key], 1e-10)


@pytest.mark.parametrize(
    "settings",
    [
        {"solver": "sgd", "learning_rate_init": 0.01, "momentum": 0.5},
        {"solver": "adam"},
        {"solver": "lbfgs"},
        {"solver": "adam", "loss": "poisson"},
        {"solver": "adam", "early_stopping": True},
    ],
    ids=["sgd", "adam", "lbfgs", "poisson", "early-stopping"],
)
def test_regressor_on_torch_matches_numpy(settings, diabetes):
    X, y = diabetes
    if settings.get("loss") == "poisson":
        y = np.round(np.abs(y))
    Y = np.column_stack([y, y[::-1]])  # two targets
    params = {"hidden_layer_sizes": (10,), "max_iter": 15, "random_state": 0}
    params.update(settings)
    numpy_model = ScratchMLPRegressor(**params).fit(X, Y)
    torch_model = ScratchMLPRegressor(**params).fit(*on_torch(X, Y))
    assert_same_weights(numpy_model, torch_model)
    prediction = torch_model.predict(torch.asarray(X))
    assert isinstance(prediction, torch.Tensor)
    np.testing.assert_allclose(prediction.numpy(), numpy_model.predict(X), atol=1e-10)


def test_sample_weight_validation_data_and_class_weight_on_torch(digits):
    X, y = digits
    weight = np.random.RandomState(0).uniform(0, 2, size=y.shape[0])
    weight[:200] = 0.0  # whole batches of zero weight are skipped
    params = {
        "hidden_layer_sizes": (16,),
        "max_iter": 8,
        "random_state": 0,
        "batch_size": 100,
        "shuffle": False,
        "class_weight": "balanced",
    }
    fit = {"X_val": X[:100], "y_val": y[:100]}
    numpy_model = ScratchMLPClassifier(**params).fit(X, y, weight, **fit)
    torch_fit = dict(zip(fit, on_torch(*fit.values()), strict=True))
    torch_model = ScratchMLPClassifier(**params).fit(
        *on_torch(X, y, weight), **torch_fit
    )
    assert_same_weights(numpy_model, torch_model)
    np.testing.assert_allclose(
        torch_model.validation_scores_, numpy_model.validation_scores_, rtol=1e-12
    )


def test_warm_start_and_partial_fit_on_torch(digits):
    X, y = digits
    params = {"hidden_layer_sizes": (16,), "max_iter": 4, "random_state": 0}
    numpy_model = ScratchMLPClassifier(warm_start=True, **params).fit(X, y).fit(X, y)
    torch_model = ScratchMLPClassifier(warm_start=True, **params)
    torch_model.fit(*on_torch(X, y)).fit(*on_torch(X, y))
    assert_same_weights(numpy_model, torch_model)
    numpy_model.partial_fit(X, y)
    torch_model.partial_fit(*on_torch(X, y))
    assert_same_weights(numpy_model, torch_model)


def test_float32_stays_float32_on_torch(digits):
    X, y = digits
    model = ScratchMLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    model.fit(*on_torch(X, dtype=torch.float32), torch.asarray(y))
    assert all(c.dtype == torch.float32 for c in model.coefs_)
    assert model.predict_proba(torch.asarray(X, dtype=torch.float32)).dtype == (
        torch.float32
    )
    reference = ScratchMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=3, random_state=0
    ).fit(X.astype(np.float32), y)
    np.testing.assert_allclose(
        model.coefs_[0].numpy(), reference.coefs_[0], rtol=0, atol=1e-4
    )


def test_predictions_and_labels_follow_x(digits):
    X, y = digits
    labels = np.array(["zero", "one", "two"])[y % 3]
    model = ScratchMLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    model.fit(torch.asarray(X), labels)
    assert isinstance(model.classes_, np.ndarray)  # labels stay on the host
    predicted = model.predict(torch.asarray(X))
    assert isinstance(predicted, np.ndarray)  # strings cannot live in torch
    np.testing.assert_array_equal(
        predicted, ScratchMLPClassifier(**model.get_params()).fit(X, labels).predict(X)
    )
    numeric = ScratchMLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    numeric.fit(*on_torch(X, y))
    assert numeric.predict(torch.asarray(X)).dtype == torch.int64
    assert isinstance(numeric.predict_log_proba(torch.asarray(X)), torch.Tensor)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
def test_other_namespace_at_predict_is_an_error(method, digits):
    X, y = digits
    model = ScratchMLPClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    model.fit(*on_torch(X, y))
    message = rf"ScratchMLPClassifier.{method}\(\) must use the same namespace"
    with pytest.raises(ValueError, match=message):
        getattr(model, method)(X)
    with pytest.raises(ValueError, match="sparse matrices are NumPy only"):
        getattr(model, method)(sp.csr_matrix(X))
    with pytest.raises(ValueError, match="same namespace"):
        getattr(model, method)(array_api_strict.asarray(X))


def test_warm_start_in_another_namespace_is_an_error_and_keeps_the_model(digits):
    X, y = digits
    model = ScratchMLPClassifier(
        hidden_layer_sizes=(8,), max_iter=2, random_state=0, warm_start=True
    ).fit(*on_torch(X, y))
    before = [c.clone() for c in model.coefs_]
    with pytest.raises(ValueError, match=r"ScratchMLPClassifier.fit\(\) must use"):
        model.fit(X, y)
    with pytest.raises(ValueError, match=r"partial_fit\(\) must use"):
        model.partial_fit(X, y)
    for old, new in zip(before, model.coefs_, strict=True):
        assert torch.equal(old, new)


def test_sparse_x_trains_on_numpy_under_dispatch(digits):
    X, y = digits
    params = {"hidden_layer_sizes": (8,), "max_iter": 2, "random_state": 0}
    model = ScratchMLPClassifier(**params).fit(sp.csr_matrix(X), y)
    assert isinstance(model.coefs_[0], np.ndarray)
    dense = ScratchMLPClassifier(**params).fit(X, y)
    np.testing.assert_allclose(model.coefs_[0], dense.coefs_[0], atol=1e-12)


def test_sparse_validation_data_with_torch_x_is_an_error(digits):
    X, y = digits
    model = ScratchMLPClassifier(hidden_layer_sizes=(8,), max_iter=2)
    with pytest.raises(TypeError, match="Sparse matrices are NumPy only"):
        model.fit(*on_torch(X, y), X_val=sp.csr_matrix(X), y_val=y)


def test_array_api_strict_matches_numpy(digits):
    X, y = digits
    params = {"hidden_layer_sizes": (16,), "max_iter": 5, "random_state": 0}
    numpy_model = ScratchMLPClassifier(**params).fit(X, y)
    device = array_api_strict.Device("device1")
    X_strict = array_api_strict.asarray(X, device=device)
    strict_model = ScratchMLPClassifier(**params).fit(
        X_strict, array_api_strict.asarray(y, device=device)
    )
    assert strict_model.coefs_[0].device == device
    np.testing.assert_allclose(
        np.from_dlpack(strict_model.coefs_[0]), numpy_model.coefs_[0], atol=1e-10
    )
    proba = strict_model.predict_proba(X_strict)
    assert proba.device == device


def test_pipeline_search_pickle_and_displays_on_torch(digits):
    X, y = digits
    Xt, yt = on_torch(X, y)
    search = GridSearchCV(
        make_pipeline(
            StandardScaler(),
            ScratchMLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0),
        ),
        {"scratchmlpclassifier__alpha": [1e-4, 1e-2]},
        cv=2,
    ).fit(Xt, yt)
    model = search.best_estimator_[-1]
    assert isinstance(model.coefs_[0], torch.Tensor)
    restored = pickle.loads(pickle.dumps(search.best_estimator_))
    assert torch.equal(restored.predict(Xt), search.best_estimator_.predict(Xt))
    TrainingHistoryDisplay.from_estimator(model)
    errors = check_gradients(model, Xt[:20], yt[:20])
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "source, pattern",
    [
        ("README.md", r"```py\n(.*?)```"),
        ("docs/user_guide/array_api.rst", r".. code-block:: python\n\n(.*?)\n\n\S"),
    ],
)
def test_documented_example_runs(source, pattern):
    (block,) = re.findall(pattern, (ROOT / source).read_text(), flags=re.DOTALL)
    namespace = {}
    exec(compile(textwrap.dedent(block), source, "exec"), namespace)
    proba = namespace["clf"].predict_proba(namespace["X"][:3])
    assert isinstance(proba, torch.Tensor)
    assert proba.shape == (3, 10)


class HostReads(torch.overrides.TorchFunctionMode):
    """Counts the calls that make Python wait for a tensor's value."""

    READS = {
        torch.Tensor.item,
        torch.Tensor.__bool__,
        torch.Tensor.__float__,
        torch.Tensor.__int__,
        torch.Tensor.__index__,
        torch.Tensor.tolist,
        torch.Tensor.numpy,
        torch.Tensor.cpu,
    }

    def __init__(self):
        super().__init__()
        self.count = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.count += func in self.READS
        return func(*args, **(kwargs or {}))


@pytest.mark.parametrize(
    "estimator",
    [
        ScratchMLPClassifier(early_stopping=True, dropout=0.2),
        ScratchMLPClassifier(solver="sgd", activation="gelu"),
        ScratchMLPRegressor(early_stopping=True),
    ],
    ids=["classifier-early-stopping-dropout", "classifier-sgd-gelu", "regressor"],
)
def test_no_host_round_trip_per_batch(estimator, digits):
    """The values Python reads from the device are as many with 30 batches per
    epoch as with 6: the losses and scores are added up on the device."""
    X, y = on_torch(*digits)
    y = y if isinstance(estimator, ScratchMLPClassifier) else y.double()
    reads = []
    for batch_size in (100, 20):
        estimator.set_params(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
        with HostReads() as counter:
            estimator.set_params(batch_size=batch_size).fit(
                X, y, sample_weight=torch.ones(y.shape[0], dtype=torch.float64)
            )
        reads.append(counter.count)
    assert reads[0] == reads[1]


def test_user_reported_edge_cases(digits):
    """classes given as a tensor, labels the namespace cannot index, a float32
    model given float64 data, dtype changes on warm start, autograd and
    complex tensors, and validation data of another namespace."""
    X, y = digits
    Xt, yt = on_torch(X, y)
    model = ScratchMLPClassifier(hidden_layer_sizes=(8,), random_state=0)
    model.partial_fit(Xt, yt, classes=torch.arange(10))
    assert isinstance(model.classes_, torch.Tensor)
    assert model.predict(Xt[:3]).dtype == torch.int64

    unsigned = ScratchMLPClassifier(hidden_layer_sizes=(8,), max_iter=2).fit(
        Xt, y.astype(np.uint32)
    )
    np.testing.assert_array_equal(
        np.asarray(unsigned.predict(Xt[:5])), unsigned.predict(Xt[:5]).numpy()
    )

    small = ScratchMLPClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    small.fit(Xt.float(), yt)
    proba = small.predict_proba(Xt[:2] * 1e300)  # as NumPy: in float64
    assert proba.dtype == torch.float64
    assert torch.isfinite(proba).all()
    with pytest.raises(ValueError, match="X_val"):
        ScratchMLPClassifier(max_iter=2).fit(
            Xt.float(), yt, X_val=Xt[:10] * 1e39, y_val=yt[:10]
        )

    warm = ScratchMLPClassifier(hidden_layer_sizes=(8,), max_iter=2, warm_start=True)
    warm.fit(Xt, yt).fit(Xt.float(), yt)
    assert warm.coefs_[0].dtype == torch.float64

    ScratchMLPClassifier(max_iter=2).fit(Xt.clone().requires_grad_(), yt)
    with pytest.raises(ValueError, match="Complex data not supported"):
        ScratchMLPClassifier(max_iter=2).fit(Xt.to(torch.complex128), yt)

    on_numpy = ScratchMLPClassifier(max_iter=2).fit(X, y, X_val=Xt[:10], y_val=y[:10])
    assert len(on_numpy.validation_scores_) == 2
