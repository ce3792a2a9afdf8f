"""ONNX export: onnxruntime runs the converted graphs as the estimators predict.

The reference is the estimator itself: ``predict`` and ``predict_proba`` (which
the twin tests tie to scikit-learn's MLP estimators), and for per-layer
activations a forward pass written here with the activation functions.
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_diabetes, load_iris, make_multilabel_classification
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skscratch import (
    ScratchMLPClassifier,
    ScratchMLPRegressor,
    _onnx,
    register_onnx_converters,
    to_onnx,
)
from skscratch._activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS

skl2onnx = pytest.importorskip("skl2onnx")
rt = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ACTIVATIONS = sorted(HIDDEN_ACTIVATIONS)
DTYPES = [np.float32, np.float64]
PROBA_ATOL = 1e-5
REGRESSION_RTOL = 1e-4

_IRIS_X, _IRIS_Y = load_iris(return_X_y=True)
IRIS_X = StandardScaler().fit_transform(_IRIS_X)
IRIS_NAMES = np.array(["setosa", "versicolor", "virginica"])[_IRIS_Y]
_ML_X, ML_Y = make_multilabel_classification(
    n_samples=150, n_features=8, n_classes=4, random_state=0
)
ML_X = StandardScaler().fit_transform(_ML_X)
_DIABETES_X, _DIABETES_Y = load_diabetes(return_X_y=True)
DIABETES_X = StandardScaler().fit_transform(_DIABETES_X)
# Positive targets of order 1, so that relative errors are meaningful (and
# Poisson regression applies): disease progression / 100, and its square root.
DIABETES_Y = _DIABETES_Y / 100
DIABETES_Y2 = np.column_stack([DIABETES_Y, np.sqrt(DIABETES_Y)])

# Each kind of classification target: (X, y, loss).
CLASS_TARGETS = {
    "log_loss-multiclass": (IRIS_X, IRIS_NAMES, "log_loss"),
    "log_loss-binary": (IRIS_X, _IRIS_Y == 2, "log_loss"),
    "log_loss-multilabel": (ML_X, ML_Y, "log_loss"),
    "squared_error-multiclass": (IRIS_X, _IRIS_Y, "squared_error"),
    "squared_error-binary": (IRIS_X, IRIS_NAMES[_IRIS_Y % 2], "squared_error"),
    "squared_error-multilabel": (ML_X, ML_Y, "squared_error"),
}


# Two hidden layers, ten epochs of Adam: trained weights, quickly.
SMALL_NETWORK = {
    "hidden_layer_sizes": (6, 5),
    "learning_rate_init": 0.05,
    "max_iter": 10,
    "random_state": 0,
}


def fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def small_classifier(**params):
    return ScratchMLPClassifier(**{**SMALL_NETWORK, **params})


def small_regressor(**params):
    return ScratchMLPRegressor(**{**SMALL_NETWORK, **params})


def run(model_proto, X):
    """Every output of the ONNX model on ``X``, computed by onnxruntime."""
    session = rt.InferenceSession(
        model_proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def assert_same_classes(model_proto, estimator, X):
    """onnxruntime's labels are ``predict``'s and its probabilities are within
    PROBA_ATOL of ``predict_proba``'s (a tensor: zipmap=False)."""
    labels, proba = run(model_proto, X)
    expected = estimator.predict(X)
    assert labels.shape == expected.shape
    assert_array_equal(labels, expected)
    expected_proba = estimator.predict_proba(X)
    assert proba.shape == expected_proba.shape
    assert proba.dtype == X.dtype
    assert_allclose(proba, expected_proba, rtol=0, atol=PROBA_ATOL)


def assert_same_predictions(model_proto, estimator, X):
    (predictions,) = run(model_proto, X)
    expected = estimator.predict(X)
    assert predictions.shape == expected.shape
    assert predictions.dtype == X.dtype
    assert_allclose(predictions, expected, rtol=REGRESSION_RTOL)


# ------------------------------------------------------- every combination


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("target", list(CLASS_TARGETS))
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_classifier_agrees_with_predict(activation, target, dtype):
    X, y, loss = CLASS_TARGETS[target]
    X = X.astype(dtype)
    clf = fit_quietly(small_classifier(activation=activation, loss=loss), X, y)
    model_proto = to_onnx(clf, X[:1], options={"zipmap": False})
    assert_same_classes(model_proto, clf, X)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_regressor_agrees_with_predict(activation, loss):
    reg = fit_quietly(
        small_regressor(activation=activation, loss=loss), DIABETES_X, DIABETES_Y2
    )
    assert_same_predictions(to_onnx(reg, DIABETES_X[:1]), reg, DIABETES_X)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("y", [DIABETES_Y, DIABETES_Y2], ids=["1-target", "2-targets"])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_targets_and_dtypes(loss, y, dtype):
    # One target gives one-dimensional predictions, as predict does.
    X = DIABETES_X.astype(dtype)
    reg = fit_quietly(small_regressor(activation="tanh", loss=loss), X, y)
    assert_same_predictions(to_onnx(reg, X[:1]), reg, X)


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["setosa", "versicolor", "virginica"]),
        np.array(["setosa", "versicolor", "virginica"], dtype=object),
        np.array([-1, 0, 7]),
        np.array([1.0, 2.0, 3.0]),
        np.array([10, 20, 30], dtype=np.uint8),
    ],
    ids=["str", "object-str", "int", "integral-float", "uint8"],
)
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_class_labels_of_each_type(labels, n_classes, loss):
    y = labels[_IRIS_Y % n_classes]
    clf = fit_quietly(small_classifier(loss=loss), IRIS_X, y)
    model_proto = to_onnx(clf, IRIS_X[:1].astype(np.float32), options={"zipmap": False})
    assert_same_classes(model_proto, clf, IRIS_X.astype(np.float32))


def test_boolean_labels_come_out_as_integers():
    clf = fit_quietly(small_classifier(), IRIS_X, _IRIS_Y == 0)
    X = IRIS_X.astype(np.float32)
    labels, _ = run(to_onnx(clf, X[:1], options={"zipmap": False}), X)
    assert labels.dtype == np.int64
    assert_array_equal(labels, clf.predict(X).astype(np.int64))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("label", ["only", 4])
@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
def test_a_single_class_is_always_predicted(loss, label, dtype):
    X = IRIS_X.astype(dtype)
    clf = fit_quietly(small_classifier(loss=loss), X, np.full(X.shape[0], label))
    labels, proba = run(to_onnx(clf, X[:1], options={"zipmap": False}), X)
    assert_array_equal(labels, np.full(X.shape[0], label))
    assert_array_equal(proba, np.ones((X.shape[0], 1)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_squared_error_rows_of_zero_outputs_are_uniform(dtype):
    # Output biases of -1000 make every logistic output exactly 0: predict_proba
    # then gives each class the same probability, and predict the first class.
    X = IRIS_X.astype(dtype)
    clf = fit_quietly(small_classifier(loss="squared_error"), X, IRIS_NAMES)
    clf.intercepts_[-1][:] = -1000.0
    assert_array_equal(clf.predict_proba(X), np.full((X.shape[0], 3), 1 / 3, dtype))
    assert_same_classes(to_onnx(clf, X[:1], options={"zipmap": False}), clf, X)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_large_inputs_saturate_as_in_numpy(activation):
    # Pre-activations of thousands: exp overflows unless each formula avoids it.
    # (The labels are left out: rows whose largest outputs differ by less than
    # the rounding of such sums have no stable argmax.)
    X = 1000.0 * IRIS_X
    for loss in ("log_loss", "squared_error"):
        clf = fit_quietly(
            small_classifier(activation=activation, loss=loss), X, _IRIS_Y
        )
        _, proba = run(to_onnx(clf, X[:1], options={"zipmap": False}), X)
        assert np.isfinite(proba).all()
        assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=PROBA_ATOL)


def test_integer_input_is_cast_to_float32():
    X = np.rint(_IRIS_X * 10).astype(np.int64)
    clf = fit_quietly(small_classifier(), X.astype(np.float32), _IRIS_Y)
    labels, proba = run(to_onnx(clf, X[:1], options={"zipmap": False}), X)
    assert proba.dtype == np.float32
    assert_array_equal(labels, clf.predict(X))
    assert_allclose(proba, clf.predict_proba(X), atol=PROBA_ATOL)


@pytest.mark.parametrize("target_opset", [9, 13, None])
@pytest.mark.parametrize("target", list(CLASS_TARGETS))
def test_old_and_new_opsets(target, target_opset):
    X, y, loss = CLASS_TARGETS[target]
    X = X.astype(np.float32)
    clf = fit_quietly(small_classifier(activation="gelu", loss=loss), X, y)
    model_proto = to_onnx(
        clf, X[:1], target_opset=target_opset, options={"zipmap": False}
    )
    opsets = {entry.domain: entry.version for entry in model_proto.opset_import}
    if target_opset is not None:
        assert opsets[""] == target_opset
    assert_same_classes(model_proto, clf, X)


# -------------------------------------------------------- the graph itself


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_each_activation_graph_computes_the_activation(activation, dtype):
    # The ONNX form of each activation, alone, against its numpy function, on
    # values from -1e4 to 1e4 and near 0. Errors are relative, or absolute of
    # the order of the dtype's epsilon where a formula takes a difference with
    # 1 (elu's exp(z) - 1, softplus's log(1 + exp(-|z|)), gelu's 1 + erf) or
    # where onnxruntime's float32 sigmoid approximates. In float64, gelu takes
    # erf in float32: its error is of float32's order.
    z = np.concatenate([-np.logspace(-8, 4, 200), [0.0], np.logspace(-8, 4, 200)])
    expected = HIDDEN_ACTIVATIONS[activation].function(z.astype(dtype))
    computed = run_expression(
        _onnx.HIDDEN_ACTIVATION_GRAPHS[activation], z[:, None].astype(dtype)
    )[:, 0]
    assert computed.dtype == dtype
    if dtype == np.float32 or activation == "gelu":
        rtol, atol = 1e-6, 2e-7
    else:
        rtol, atol = 1e-13, 1e-15
    assert_allclose(computed, expected, rtol=rtol, atol=atol)


def run_expression(graph_of, X):
    """Run ``graph_of(op, X)`` alone, with onnxruntime."""
    from skl2onnx.algebra.onnx_ops import OnnxIdentity

    op = _onnx._OnnxOperators(skl2onnx.get_latest_tested_opset_version(), X.dtype)
    expression = OnnxIdentity(
        graph_of(op, "X"), output_names=["Y"], op_version=op.opset
    )
    model_proto = expression.to_onnx({"X": X}, target_opset=op.opset)
    return run(model_proto, X)[0]


def test_every_activation_has_an_onnx_form():
    assert set(_onnx.HIDDEN_ACTIVATION_GRAPHS) == set(HIDDEN_ACTIVATIONS)
    assert set(_onnx.OUTPUT_ACTIVATION_GRAPHS) == set(OUTPUT_ACTIVATIONS)


def test_one_matmul_and_one_add_per_layer_from_the_weights():
    clf = fit_quietly(small_classifier(hidden_layer_sizes=(6, 5, 4)), IRIS_X, _IRIS_Y)
    model_proto = to_onnx(clf, IRIS_X[:1], options={"zipmap": False})
    op_types = [node.op_type for node in model_proto.graph.node]
    assert op_types.count("MatMul") == op_types.count("Add") == 4
    weights = {
        tuple(array.shape): array
        for array in map(onnx.numpy_helper.to_array, model_proto.graph.initializer)
    }
    for coef in clf.coefs_:
        assert_array_equal(weights[coef.shape], coef)


@pytest.mark.parametrize("dtype", DTYPES)
def test_per_layer_activations_and_dropout(dtype):
    # One activation per hidden layer, followed layer by layer; dropout acts in
    # training only. The reference is a forward pass with the activations'
    # numpy functions.
    X = IRIS_X.astype(dtype)
    clf = small_classifier(
        hidden_layer_sizes=(6, 5, 4),
        activation=["gelu", "elu", "softplus"],
        dropout=[0.2, 0.1, 0.0],
    )
    fit_quietly(clf, X, IRIS_NAMES)
    assert clf.hidden_activations_ == ["gelu", "elu", "softplus"]
    a = X
    for name, W, b in zip(
        clf.hidden_activations_, clf.coefs_, clf.intercepts_, strict=False
    ):
        a = HIDDEN_ACTIVATIONS[name].function(a @ W + b)
    softmax = OUTPUT_ACTIVATIONS["softmax"]
    expected_proba = softmax(a @ clf.coefs_[-1] + clf.intercepts_[-1])
    labels, proba = run(to_onnx(clf, X[:1], options={"zipmap": False}), X)
    assert_allclose(proba, expected_proba, rtol=0, atol=PROBA_ATOL)
    assert_array_equal(labels, clf.classes_[expected_proba.argmax(axis=1)])
    assert_same_classes(to_onnx(clf, X[:1], options={"zipmap": False}), clf, X)


def test_regressor_with_per_layer_activations_and_dropout():
    reg = small_regressor(activation=["silu", "tanh"], dropout=0.1, loss="poisson")
    fit_quietly(reg, DIABETES_X, DIABETES_Y)
    assert_same_predictions(to_onnx(reg, DIABETES_X[:1]), reg, DIABETES_X)


def test_onnx_type_numbers():
    assert _onnx._INT64 == onnx.TensorProto.INT64
    assert _onnx._FLOAT == onnx.TensorProto.FLOAT
    assert _onnx._DOUBLE == onnx.TensorProto.DOUBLE


# ------------------------------------------------ pipelines and composites


@pytest.mark.parametrize("dtype", DTYPES)
def test_pipeline_with_standard_scaler(dtype):
    X = _IRIS_X.astype(dtype)
    clf = make_pipeline(StandardScaler(), small_classifier(activation="silu"))
    fit_quietly(clf, X, IRIS_NAMES)
    assert_same_classes(to_onnx(clf, X[:1], options={"zipmap": False}), clf, X)
    X = _DIABETES_X.astype(dtype)
    reg = make_pipeline(StandardScaler(), small_regressor(loss="poisson"))
    fit_quietly(reg, X, DIABETES_Y)
    assert_same_predictions(to_onnx(reg, X[:1]), reg, X)


def test_options_of_one_step_of_a_pipeline_by_id():
    X = _IRIS_X.astype(np.float32)
    clf = fit_quietly(make_pipeline(StandardScaler(), small_classifier()), X, _IRIS_Y)
    model_proto = to_onnx(clf, X[:1], options={id(clf[-1]): {"zipmap": False}})
    assert_same_classes(model_proto, clf, X)


def test_voting_ensembles_holding_the_estimators():
    X = DIABETES_X.astype(np.float32)
    reg = VotingRegressor([("mlp", small_regressor()), ("linear", LinearRegression())])
    fit_quietly(reg, X, DIABETES_Y)
    (predictions,) = run(to_onnx(reg, X[:1]), X)
    # Inside skl2onnx's ensembles a regressor has skl2onnx's (n_samples, 1).
    assert_allclose(predictions[:, 0], reg.predict(X), rtol=REGRESSION_RTOL)
    y = DIABETES_Y > 1.4
    clf = VotingClassifier(
        [("mlp", small_classifier()), ("logistic", LogisticRegression())],
        voting="soft",
        flatten_transform=False,
    )
    fit_quietly(clf, X, y)
    assert_same_classes(to_onnx(clf, X[:1], options={"zipmap": False}), clf, X)


# ---------------------------------------------------------------- options


def test_zipmap_gives_a_dictionary_per_sample():
    X = IRIS_X.astype(np.float32)
    clf = fit_quietly(small_classifier(), X, IRIS_NAMES)
    labels, proba = run(to_onnx(clf, X[:1]), X)  # zipmap is on by default
    assert_array_equal(labels, clf.predict(X))
    assert list(proba[0]) == clf.classes_.tolist()
    table = np.array([[row[name] for name in clf.classes_] for row in proba])
    assert_allclose(table, clf.predict_proba(X), atol=PROBA_ATOL)


@pytest.mark.parametrize("dtype", DTYPES)
def test_zipmap_columns_gives_one_output_per_class(dtype):
    X = IRIS_X.astype(dtype)
    clf = fit_quietly(small_classifier(), X, _IRIS_Y)
    model_proto = to_onnx(clf, X[:1], options={"zipmap": "columns"})
    assert [output.name for output in model_proto.graph.output] == [
        "output_label",
        "i0",
        "i1",
        "i2",
    ]
    labels, *columns = run(model_proto, X)
    assert_array_equal(labels, clf.predict(X))
    assert_allclose(np.column_stack(columns), clf.predict_proba(X), atol=PROBA_ATOL)


def test_zipmap_for_multilabel_targets():
    X = ML_X.astype(np.float32)
    clf = fit_quietly(small_classifier(), X, ML_Y)
    labels, proba = run(to_onnx(clf, X[:1]), X)
    assert_array_equal(labels, clf.predict(X))
    table = np.array([[row[label] for label in range(4)] for row in proba])
    assert_allclose(table, clf.predict_proba(X), atol=PROBA_ATOL)


def test_multilabel_fitted_on_a_sparse_indicator_gives_dense_labels():
    X = ML_X.astype(np.float32)
    clf = fit_quietly(small_classifier(), X, sp.csr_matrix(ML_Y))
    labels, proba = run(to_onnx(clf, X[:1], options={"zipmap": False}), X)
    assert_array_equal(labels, clf.predict(X).toarray())
    assert_allclose(proba, clf.predict_proba(X), atol=PROBA_ATOL)


def test_nocl_labels_with_class_indices():
    X = IRIS_X.astype(np.float32)
    clf = fit_quietly(small_classifier(), X, IRIS_NAMES)
    model_proto = to_onnx(clf, X[:1], options={"zipmap": False, "nocl": True})
    labels, proba = run(model_proto, X)
    assert_array_equal(labels, np.searchsorted(clf.classes_, clf.predict(X)))
    assert_allclose(proba, clf.predict_proba(X), atol=PROBA_ATOL)


def test_output_class_labels():
    X = IRIS_X.astype(np.float32)
    clf = fit_quietly(small_classifier(), X, IRIS_NAMES)
    model_proto = to_onnx(
        clf, X[:1], options={"zipmap": False, "output_class_labels": True}
    )
    labels, proba, class_labels = run(model_proto, X)
    assert_array_equal(class_labels, clf.classes_)
    assert_array_equal(labels, clf.predict(X))


def test_registered_converters_serve_skl2onnx_directly():
    register_onnx_converters()
    X = IRIS_X.astype(np.float32)
    clf = fit_quietly(small_classifier(), X, _IRIS_Y)
    model_proto = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
    assert_same_classes(model_proto, clf, X)
    reg = fit_quietly(small_regressor(), DIABETES_X, DIABETES_Y)
    model_proto = skl2onnx.convert_sklearn(
        reg,
        initial_types=[("X", skl2onnx.common.data_types.DoubleTensorType([None, 10]))],
    )
    assert_same_predictions(model_proto, reg, DIABETES_X)


def test_sklearn_mlp_regressor_with_poisson_loss():
    # What the skscratch converter adds: skl2onnx's own converter of
    # MLPRegressor has no form of the exponential output of loss="poisson".
    from sklearn.neural_network import MLPRegressor

    mlp = fit_quietly(
        MLPRegressor(
            hidden_layer_sizes=(5,), loss="poisson", max_iter=10, random_state=0
        ),
        DIABETES_X,
        DIABETES_Y,
    )
    if _sklearn_mlp_converts(mlp):
        pytest.skip("this skl2onnx converts MLPRegressor(loss='poisson')")
    ours = fit_quietly(small_regressor(loss="poisson"), DIABETES_X, DIABETES_Y)
    assert_same_predictions(to_onnx(ours, DIABETES_X[:1]), ours, DIABETES_X)


def _sklearn_mlp_converts(mlp):
    try:
        skl2onnx.to_onnx(mlp, DIABETES_X[:1])
    except (KeyError, RuntimeError, ValueError):
        return False
    return True


# ----------------------------------------------------------------- errors


@pytest.mark.parametrize("estimator", [small_classifier(), small_regressor()])
def test_an_unfitted_estimator_is_named(estimator):
    name = type(estimator).__name__
    with pytest.raises(NotFittedError, match=f"This {name} instance is not fitted"):
        to_onnx(estimator, IRIS_X[:1].astype(np.float32))
    pipeline = make_pipeline(StandardScaler(), estimator)
    with pytest.raises(NotFittedError, match=name):
        to_onnx(pipeline, IRIS_X[:1].astype(np.float32))


def test_an_activation_without_onnx_form_is_named():
    clf = fit_quietly(small_classifier(), IRIS_X, _IRIS_Y)
    clf.hidden_activations_ = ["relu", "swish-42"]
    with pytest.raises(ValueError, match="hidden activation 'swish-42'"):
        to_onnx(clf, IRIS_X[:1])


def test_zipmap_of_float64_probabilities_is_refused():
    clf = fit_quietly(small_classifier(), IRIS_X, _IRIS_Y)
    with pytest.raises(ValueError, match="options={'zipmap': False}"):
        to_onnx(clf, IRIS_X[:1])


def test_an_unknown_option_is_named():
    clf = fit_quietly(small_classifier(), IRIS_X, _IRIS_Y)
    with pytest.raises(NameError, match="raw_scores"):
        to_onnx(clf, IRIS_X[:1], options={"raw_scores": True})


def test_import_skscratch_does_not_import_onnx():
    code = (
        "import sys, skscratch; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('skl2onnx', 'onnx', 'onnxruntime')))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"
