"""Export fitted networks to ONNX, through skl2onnx.

:func:`to_onnx` converts a fitted :class:`~skscratch.ScratchMLPClassifier` or
:class:`~skscratch.ScratchMLPRegressor`, or a pipeline (or another composite
that skl2onnx converts) holding them, into an ONNX graph that runtimes such as
onnxruntime execute without Python, numpy or skscratch.

The graph is written from the estimator's own arrays, ``coefs_`` and
``intercepts_``: per layer a ``MatMul`` and an ``Add``, then the layer's
activation, each written with ONNX operators as :mod:`skscratch._activations`
computes it. The outputs turn into labels and probabilities as ``predict`` and
``predict_proba`` turn them (:class:`skscratch._targets.ClassTargets`). Dropout
acts only while training: the graph has nothing of it.

The graph computes in the input's float type: float32 for a
``FloatTensorType`` input (and for integer inputs, cast to float32), float64
for a ``DoubleTensorType`` input; the weights are cast to that type.
onnxruntime has no float64 ``Erf``: in a float64 graph, ``"gelu"`` computes
its error function in float32.

skl2onnx and onnx are imported by the functions of this module only when they
are called: ``import skscratch`` does not need them.
"""

import functools
import math

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._activations import ELU_ALPHA, LEAKY_RELU_SLOPE
from ._classifier import ScratchMLPClassifier
from ._regressor import ScratchMLPRegressor
from ._xp import to_numpy

CLASSIFIER_ALIAS = "SkscratchMLPClassifier"
REGRESSOR_ALIAS = "SkscratchMLPRegressor"

# The options of skl2onnx's own MLPClassifier converter, handled the same way.
CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [False, True],
    "output_class_labels": [False, True],
}

_INSTALL_HINT = 'install them with: pip install "skscratch[onnx]"'


def register_onnx_converters():
    """Register skscratch's estimators with skl2onnx.

    After this call, ``skl2onnx.to_onnx`` (and ``skl2onnx.convert_sklearn``)
    convert :class:`~skscratch.ScratchMLPClassifier` and
    :class:`~skscratch.ScratchMLPRegressor`, alone or inside a pipeline or
    another composite that skl2onnx converts. :func:`to_onnx` calls it for you;
    calling it again changes nothing.

    The classifier takes skl2onnx's classifier options: ``zipmap`` (``True``,
    the default: probabilities as a list of dictionaries; ``False``: as a
    tensor; ``"columns"``: one output per class), ``nocl`` (class indices
    instead of labels) and ``output_class_labels``.

    Raises
    ------
    ImportError
        If skl2onnx is not installed.

    See Also
    --------
    to_onnx : register, then convert.

    Examples
    --------
    >>> import numpy as np
    >>> import skl2onnx
    >>> from skscratch import ScratchMLPRegressor, register_onnx_converters
    >>> register_onnx_converters()
    >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([0.0, 1.0, 2.0])
    >>> reg = ScratchMLPRegressor((3,), solver="lbfgs", random_state=0).fit(X, y)
    >>> onx = skl2onnx.to_onnx(reg, X.astype(np.float32))
    >>> [output.name for output in onx.graph.output]
    ['variable']
    """
    try:
        from skl2onnx import update_registered_converter
    except ImportError as error:
        raise ImportError(
            f"Exporting to ONNX needs skl2onnx and onnxruntime: {_INSTALL_HINT}."
        ) from error
    update_registered_converter(
        ScratchMLPClassifier,
        CLASSIFIER_ALIAS,
        _classifier_output_types,
        _convert_classifier,
        parser=_parse_classifier,
        options=CLASSIFIER_OPTIONS,
    )
    update_registered_converter(
        ScratchMLPRegressor,
        REGRESSOR_ALIAS,
        _regressor_output_types,
        _convert_regressor,
        parser=_parse_regressor,
    )


def to_onnx(model, X_sample=None, **kwargs):
    """Convert a fitted network, or a pipeline holding one, to ONNX.

    Registers skscratch's converters with skl2onnx
    (:func:`register_onnx_converters`), then calls ``skl2onnx.to_onnx``, so
    that skl2onnx's arguments and options apply.

    Parameters
    ----------
    model : estimator
        A fitted :class:`~skscratch.ScratchMLPClassifier` or
        :class:`~skscratch.ScratchMLPRegressor`, or a fitted pipeline or other
        composite that skl2onnx converts, holding them.
    X_sample : array-like of shape (n_samples, n_features), default=None
        A few input rows: their type sets the graph's input, float32 (a
        float32 array) or float64 (a float64 array). May be ``None`` when
        ``initial_types`` is given.
    **kwargs : dict
        Passed to ``skl2onnx.to_onnx``: ``target_opset``, ``options`` (for
        instance ``{"zipmap": False}`` for probabilities as a tensor, or
        ``{id(clf): {"zipmap": False}}`` for one estimator of a pipeline),
        ``initial_types``, ``name``, ...

    Returns
    -------
    onnx.ModelProto
        The ONNX model. A classifier's graph has two outputs, the labels
        (as ``predict``) and the probabilities (as ``predict_proba``); a
        regressor's has one, the predictions (shaped as ``predict``'s:
        one-dimensional for a single target).

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If a skscratch estimator in ``model`` is not fitted.
    ValueError
        If the model holds something the converter cannot express (its name
        is in the message).
    ImportError
        If skl2onnx is not installed.

    See Also
    --------
    register_onnx_converters : to call ``skl2onnx.to_onnx`` directly.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime as rt
    >>> from sklearn.datasets import load_iris
    >>> from skscratch import ScratchMLPClassifier, to_onnx
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = ScratchMLPClassifier((5,), solver="lbfgs", random_state=0).fit(X, y)
    >>> onx = to_onnx(clf, X[:1].astype(np.float32), options={"zipmap": False})
    >>> session = rt.InferenceSession(
    ...     onx.SerializeToString(), providers=["CPUExecutionProvider"]
    ... )
    >>> labels, proba = session.run(None, {"X": X.astype(np.float32)})
    >>> bool((labels == clf.predict(X)).all())
    True
    >>> bool(np.allclose(proba, clf.predict_proba(X), atol=1e-5))
    True
    """
    register_onnx_converters()
    from skl2onnx import to_onnx as skl2onnx_to_onnx

    return skl2onnx_to_onnx(model, X_sample, **kwargs)


# ---------------------------------------------------------------- parsers


def _parse_classifier(scope, model, inputs, custom_parsers=None):
    """skl2onnx's classifier parser (labels, probabilities, ZipMap options),
    once the model is known to be convertible."""
    from skl2onnx._parse import _parse_sklearn_classifier
    from skl2onnx.common.data_types import DoubleTensorType

    _check_convertible(model)
    zipmap = scope.get_options(model, {"zipmap": True})["zipmap"]
    if zipmap is True and isinstance(inputs[0].type, DoubleTensorType):
        raise ValueError(
            f"Cannot convert {type(model).__name__} with a float64 input and "
            "zipmap=True: ONNX's ZipMap takes float32 probabilities only. Pass "
            "options={'zipmap': False} (or 'columns'), or a float32 X_sample."
        )
    return _parse_sklearn_classifier(scope, model, inputs, custom_parsers)


def _parse_regressor(scope, model, inputs, custom_parsers=None):
    """One output, the predictions, shaped as ``predict``'s.

    A regressor parsed here is the model itself or the last step of a
    pipeline: its output is what the user reads. Composites such as
    VotingRegressor declare the operator themselves, without a parser, and
    get skl2onnx's ``(n_samples, n_targets)`` instead, which they expect.
    """
    from skl2onnx.common.data_types import guess_tensor_type

    _check_convertible(model)
    operator = scope.declare_local_operator(REGRESSOR_ALIAS, model)
    operator.inputs = inputs
    operator.shaped_as_predict = True
    operator.outputs.append(
        scope.declare_local_variable("variable", guess_tensor_type(inputs[0].type))
    )
    return operator.outputs


# ------------------------------------------------------ shape calculators


def _classifier_output_types(operator):
    """Labels: int64 or strings, one per sample (one per label and sample for
    multilabel targets). Probabilities: one column per class."""
    from skl2onnx.common.data_types import Int64TensorType, StringTensorType
    from skl2onnx.common.utils import check_input_and_output_numbers

    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    model = operator.raw_operator
    _check_convertible(model)
    n_samples = operator.inputs[0].get_first_dimension()
    labels = _onnx_labels(operator.scope_inst, model)
    label_type = StringTensorType if labels.dtype.kind == "U" else Int64TensorType
    if _is_multilabel(model):
        operator.outputs[0].type = label_type([n_samples, labels.shape[0]])
    else:
        operator.outputs[0].type = label_type([n_samples])
    float_type = _float_tensor_type(operator.inputs[0].type)
    operator.outputs[1].type = float_type([n_samples, model.classes_.shape[0]])


def _regressor_output_types(operator):
    """The predictions, in the graph's float type."""
    from skl2onnx.common.utils import check_input_and_output_numbers

    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    model = operator.raw_operator
    _check_convertible(model)
    n_samples = operator.inputs[0].get_first_dimension()
    float_type = _float_tensor_type(operator.inputs[0].type)
    if _is_one_dimensional(operator):
        operator.outputs[0].type = float_type([n_samples])
    else:
        operator.outputs[0].type = float_type([n_samples, model.n_outputs_])


# ------------------------------------------------------------- converters


def _convert_classifier(scope, operator, container):
    """Labels and probabilities of a ScratchMLPClassifier, as an ONNX graph."""
    model = operator.raw_operator
    op = _OnnxOperators(container.target_opset, _graph_dtype(operator.inputs[0].type))
    outputs = _network(op, model, _graph_input(op, operator.inputs[0]))
    indices = _predicted_indices(op, model, outputs)
    if _is_multilabel(model):
        labels = indices
    else:
        labels = op.Gather(_onnx_labels(scope, model), indices, axis=0)
    op.Identity(labels, output_names=operator.outputs[:1]).add_to(scope, container)
    op.Identity(
        _probabilities(op, model, outputs), output_names=operator.outputs[1:2]
    ).add_to(scope, container)


def _convert_regressor(scope, operator, container):
    """Predictions of a ScratchMLPRegressor, as an ONNX graph."""
    model = operator.raw_operator
    op = _OnnxOperators(container.target_opset, _graph_dtype(operator.inputs[0].type))
    outputs = _network(op, model, _graph_input(op, operator.inputs[0]))
    if _is_one_dimensional(operator):
        predictions = op.Reshape(
            outputs, np.array([-1], dtype=np.int64), output_names=operator.outputs
        )
    else:
        predictions = op.Identity(outputs, output_names=operator.outputs)
    predictions.add_to(scope, container)


class _OnnxOperators:
    """ONNX operators of one opset, for a graph that computes in one dtype.

    ``op.MatMul(a, b)`` is skl2onnx's ``OnnxMatMul(a, b, op_version=opset)``;
    numpy arrays among the inputs become the graph's constants.

    Parameters
    ----------
    opset : int
        The target opset of the main ONNX domain.
    dtype : {numpy.float32, numpy.float64}
        The float type the graph computes in.
    """

    def __init__(self, opset, dtype):
        from skl2onnx.algebra import onnx_ops

        self._onnx_ops = onnx_ops
        self.opset = opset
        self.dtype = dtype

    def __getattr__(self, name):
        if name.startswith("_"):  # not an operator: no such attribute
            raise AttributeError(name)
        operator_class = getattr(self._onnx_ops, f"Onnx{name}")
        return functools.partial(operator_class, op_version=self.opset)

    def constant(self, value):
        """``value`` as an array of the graph's dtype."""
        return np.asarray(value, dtype=self.dtype)

    def row_sums(self, x):
        """Sum of each row of ``x``, as a column (ReduceSum, in any opset)."""
        return self._onnx_ops.OnnxReduceSumApi11(
            x, axes=[1], keepdims=1, op_version=self.opset
        )


# ------------------------------------------------------------ the network


def _network(op, model, X):
    """The output layer's values ``a^L`` for the input ``X``: per layer
    ``z = a W + b``, then the hidden or the output activation."""
    hidden = _hidden_activation_names(model)
    a = X
    for layer, (W, b) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
        z = op.Add(op.MatMul(a, op.constant(to_numpy(W))), op.constant(to_numpy(b)))
        if layer < len(hidden):
            a = HIDDEN_ACTIVATION_GRAPHS[hidden[layer]](op, z)
        else:
            a = OUTPUT_ACTIVATION_GRAPHS[model.out_activation_](op, z)
    return a


def _hidden_activation_names(model):
    """The activation of each hidden layer, in order: ``hidden_activations_``,
    or ``activation`` for every hidden layer in models saved before there was
    ``hidden_activations_``."""
    return getattr(model, "hidden_activations_", None) or [model.activation] * (
        model.n_layers_ - 2
    )


def _leaky_relu(op, z):
    """``max(z, 0.01 z)``, as :func:`skscratch._activations.leaky_relu`."""
    return op.Max(z, op.Mul(z, op.constant(LEAKY_RELU_SLOPE)))


def _elu(op, z):
    """``z`` where ``z > 0``, else ``exp(min(z, 0)) - 1``."""
    negative_part = op.Mul(
        op.constant(ELU_ALPHA),
        op.Sub(op.Exp(op.Min(z, op.constant(0.0))), op.constant(1.0)),
    )
    return op.Where(op.Greater(z, op.constant(0.0)), z, negative_part)


def _softplus(op, z):
    """``log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|))``, which cannot
    overflow."""
    return op.Add(
        op.Relu(z), op.Log(op.Add(op.constant(1.0), op.Exp(op.Neg(op.Abs(z)))))
    )


def _gelu(op, z):
    """``z Phi(z) = z (1 + erf(z / sqrt 2)) / 2``, the exact form.

    The error function is taken in float32, which every runtime provides
    (onnxruntime has no float64 ``Erf``).
    """
    scaled = op.Div(z, op.constant(math.sqrt(2.0)))
    erf = op.Erf(op.Cast(scaled, to=_FLOAT))
    if op.dtype != np.float32:
        erf = op.Cast(erf, to=_DOUBLE)
    phi = op.Mul(op.constant(0.5), op.Add(op.constant(1.0), erf))
    return op.Mul(z, phi)


def _logistic(op, z):
    """The logistic sigmoid ``1 / (1 + exp(-z))``, as scipy's ``expit``.

    Written as ``1 / (1 + e)`` for ``z >= 0`` and ``e / (1 + e)`` below, with
    ``e = exp(-|z|)``, which cannot overflow. onnxruntime's ``Sigmoid`` is an
    approximation that gives 0 below about -20 (float32) or -40 (float64);
    dividing logistic outputs by their sum (the probabilities of
    ``loss="squared_error"``) needs them to the last digits.
    """
    e = op.Exp(op.Neg(op.Abs(z)))
    one_plus_e = op.Add(op.constant(1.0), e)
    return op.Where(
        op.Less(z, op.constant(0.0)),
        op.Div(e, one_plus_e),
        op.Div(op.constant(1.0), one_plus_e),
    )


def _silu(op, z):
    """``z s(z)``, ``s`` the logistic sigmoid."""
    return op.Mul(z, _logistic(op, z))


# How each hidden activation of ``_activations.HIDDEN_ACTIVATIONS`` is written
# with ONNX operators, given the pre-activations ``z``.
HIDDEN_ACTIVATION_GRAPHS = {
    "identity": lambda op, z: z,
    "logistic": _logistic,
    "tanh": lambda op, z: op.Tanh(z),
    "relu": lambda op, z: op.Relu(z),
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "softplus": _softplus,
    "gelu": _gelu,
    "silu": _silu,
}

# The same for ``_activations.OUTPUT_ACTIVATIONS``.
OUTPUT_ACTIVATION_GRAPHS = {
    "identity": lambda op, z: z,
    "logistic": _logistic,
    "softmax": lambda op, z: op.Softmax(z, axis=1),
    "exp": lambda op, z: op.Exp(z),
}


# ---------------------------------------------------------------- classes


def _predicted_indices(op, model, outputs):
    """``ClassTargets.predicted_indices``: the index of each predicted class,
    or 0/1 per label for multilabel targets."""
    positive = op.Cast(op.Greater(outputs, op.constant(0.5)), to=_INT64)
    if _is_multilabel(model):
        return positive
    if model.n_outputs_ == 1 and model.classes_.shape[0] == 2:
        return op.Reshape(positive, np.array([-1], dtype=np.int64))
    return op.ArgMax(outputs, axis=1, keepdims=0)


def _probabilities(op, model, outputs):
    """``ClassTargets.proba``: class probabilities from the outputs."""
    n_classes = model.classes_.shape[0]
    if _is_multilabel(model):
        eps = np.finfo(op.dtype).eps
        return op.Min(op.Max(outputs, op.constant(eps)), op.constant(1 - eps))
    if n_classes == 1:
        return op.Expand(op.constant([[1.0]]), op.Shape(outputs))
    if model.out_activation_ == "softmax":
        return outputs
    if model.n_outputs_ == 1:
        return op.Concat(op.Sub(op.constant(1.0), outputs), outputs, axis=1)
    totals = op.row_sums(outputs)
    return op.Where(
        op.Greater(totals, op.constant(0.0)),
        op.Div(outputs, totals),
        op.constant(1 / n_classes),
    )


def _onnx_labels(scope, model):
    """The class labels as the graph holds them: int64 or strings (class
    indices with the ``nocl`` option).

    Float labels are whole numbers (scikit-learn takes other floats for a
    regression target, which a classifier refuses) and become int64, as in
    skl2onnx's converters; so do booleans.
    """
    from skl2onnx.common.utils_classifier import get_label_classes

    labels = np.asarray(get_label_classes(scope, model))
    if labels.dtype.kind == "O":
        labels = np.array(labels.tolist())
    if labels.dtype.kind in "US":
        return labels.astype(str)
    return labels.astype(np.int64)


def _is_multilabel(model):
    return model._targets.kind == "multilabel-indicator"


# ------------------------------------------------------------------ types

_INT64 = 7  # onnx.TensorProto.INT64
_FLOAT = 1  # onnx.TensorProto.FLOAT
_DOUBLE = 11  # onnx.TensorProto.DOUBLE


def _graph_dtype(input_type):
    """The float type the graph computes in: float64 for a float64 input,
    float32 for any other."""
    from skl2onnx.common.data_types import DoubleTensorType

    return np.float64 if isinstance(input_type, DoubleTensorType) else np.float32


def _float_tensor_type(input_type):
    """skl2onnx's tensor type of the graph's float type."""
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    if _graph_dtype(input_type) == np.float64:
        return DoubleTensorType
    return FloatTensorType


def _graph_input(op, variable):
    """The input, cast to float32 unless it is float32 or float64 already."""
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    if isinstance(variable.type, DoubleTensorType | FloatTensorType):
        return variable
    return op.Cast(variable, to=_FLOAT)


def _is_one_dimensional(operator):
    """Whether a regressor's output is one-dimensional, as ``predict``'s."""
    single_target = operator.raw_operator.n_outputs_ == 1
    return single_target and getattr(operator, "shaped_as_predict", False)


# ------------------------------------------------------------------ checks


def _check_convertible(model):
    """A clear error for a model the converter cannot express."""
    check_is_fitted(model)
    for name in _hidden_activation_names(model):
        if name not in HIDDEN_ACTIVATION_GRAPHS:
            raise ValueError(
                f"Cannot convert {type(model).__name__} to ONNX: no ONNX form "
                f"of the hidden activation {name!r}; known: "
                f"{sorted(HIDDEN_ACTIVATION_GRAPHS)}."
            )
    if model.out_activation_ not in OUTPUT_ACTIVATION_GRAPHS:
        raise ValueError(
            f"Cannot convert {type(model).__name__} to ONNX: no ONNX form of the "
            f"output activation {model.out_activation_!r}."
        )
