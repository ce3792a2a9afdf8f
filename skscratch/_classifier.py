"""ScratchMLPClassifier: the scikit-learn side of the network.

This module validates inputs, encodes labels, splits validation data, runs the
training loop and keeps the fitted attributes. The mathematics lives in
:mod:`skscratch._network`, :mod:`skscratch._losses`,
:mod:`skscratch._activations` and :mod:`skscratch._optimizers`.
"""

import copy
import math
import time
import warnings
from itertools import pairwise
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ._history import History
from ._losses import LOSSES, mean_loss
from ._network import forward, initialize_parameters, objective_and_gradients
from ._optimizers import SGD, Adam
from ._weights import (
    check_penalty_scale,
    combined_sample_weight,
    per_sample_class_weights,
)

_STOCHASTIC_SOLVERS = ("sgd", "adam")
_PREDICT_CHUNK_ROWS = 4096
_NON_FINITE_MESSAGE = (
    "Solver produced non-finite parameter weights ({detail}). The input data may "
    "contain large values and need to be preprocessed, or the learning rate or "
    "alpha may be too large."
)


def _pack(arrays):
    """Concatenate arrays into one flat float64 vector (for L-BFGS)."""
    return np.concatenate([np.ravel(a) for a in arrays]).astype(np.float64, copy=False)


def _views(vector, shapes):
    """Views of consecutive pieces of a flat vector, one per shape."""
    views, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        views.append(vector[start : start + size].reshape(shape))
        start += size
    return views


def _unpack(vector, shapes, dtype):
    """Split a flat vector into new arrays of the given shapes, cast to ``dtype``."""
    return [view.astype(dtype) for view in _views(vector, shapes)]


def _validate_data(estimator, *args, **kwargs):
    """scikit-learn's ``validate_data``, without a spurious overflow warning.

    Its finiteness check first sums the data: finite float32 values near the
    largest one overflow that sum with a RuntimeWarning, though every value is
    finite (which the check then confirms value by value).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return validate_data(estimator, *args, **kwargs)


def _classification_targets(y):
    """``y`` as a dense array of labels or label indicators, checked as targets."""
    if sp.issparse(y):  # a sparse label indicator matrix
        y = y.toarray()
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    return y


def _flat_copy(arrays):
    """Copy arrays into one new flat vector; return it and a view shaped like each."""
    flat = np.concatenate([np.ravel(a) for a in arrays])
    return flat, _views(flat, [a.shape for a in arrays])


class _TrainingBuffers(NamedTuple):
    """The flat parameter and gradient vectors of a stochastic fit.

    ``gradient_views`` is ``(coef_grads, intercept_grads)``: views of ``grads``
    shaped like the layers, which backpropagation writes for every batch.
    """

    params: np.ndarray
    grads: np.ndarray
    gradient_views: tuple


# What an epoch changes besides the weights: values it sets, lists it appends to.
_EPOCH_ATTRIBUTES = (
    "n_iter_",
    "t_",
    "loss_",
    "best_loss_",
    "best_validation_score_",
    "_no_improvement_count",
    "_best_coefs",
    "_best_intercepts",
)
_EPOCH_RECORDS = ("loss_curve_", "history_", "validation_scores_")


class _LastCompletedEpoch:
    """The weights and records of the last completed epoch, for an interrupt.

    Saved after every epoch (or L-BFGS iteration; the weights into the same
    buffer) and restored when training is interrupted, so that the model is the
    one of the last completed epoch wherever in the next epoch the interrupt
    arrives. An interrupt during :meth:`save` itself finds the epoch being saved
    complete in the estimator, so :meth:`restore` then keeps it as it is.
    """

    def __init__(self, estimator, params):
        self._estimator = estimator
        self._params = params
        self._saved_params = np.empty_like(params)
        self._saving = False
        self.save()

    def save(self):
        self._saving = True
        np.copyto(self._saved_params, self._params)
        estimator = self._estimator
        self._attributes = {
            name: getattr(estimator, name)
            for name in _EPOCH_ATTRIBUTES
            if hasattr(estimator, name)
        }
        self._lengths = {
            name: len(getattr(estimator, name))
            for name in _EPOCH_RECORDS
            if getattr(estimator, name, None) is not None
        }
        self._saving = False

    def restore(self):
        """Go back to the saved epoch; return False if the live one is kept."""
        if self._saving:
            return False
        np.copyto(self._params, self._saved_params)
        estimator = self._estimator
        for name in _EPOCH_ATTRIBUTES:
            if name in self._attributes:
                setattr(estimator, name, self._attributes[name])
            elif hasattr(estimator, name):
                delattr(estimator, name)
        for name, length in self._lengths.items():
            del getattr(estimator, name)[length:]
        return True


class ScratchMLPClassifier(ClassifierMixin, BaseEstimator):
    """Multilayer perceptron classifier with backpropagation written from scratch.

    A drop-in twin of :class:`sklearn.neural_network.MLPClassifier`: the same
    parameters, defaults and fitted attributes, and, with the same
    ``random_state``, the same initial weights, shuffles, mini-batches,
    early-stopping split and stopping rule, so both follow the same training
    trajectory up to floating-point rounding. The forward pass, backpropagation
    and optimizers are small numpy functions and classes in this package.

    Beyond MLPClassifier it offers the teaching notebook's network
    (``loss="squared_error"``, ``init="uniform"``), ``class_weight``, a
    user-supplied validation set (``X_val``, ``y_val`` in :meth:`fit`) and a
    per-epoch ``history_``.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer.

    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Activation function of the hidden layers.

    solver : {"lbfgs", "sgd", "adam"}, default="adam"
        Weight optimisation: L-BFGS (``scipy.optimize.minimize`` on the
        from-scratch objective and gradient), stochastic gradient descent, or Adam.

    alpha : float, default=0.0001
        Strength of the L2 penalty; the penalty is divided by the sum of the
        sample weights (the number of samples) when added to the loss.

    batch_size : int or "auto", default="auto"
        Size of mini-batches for the stochastic solvers; ``"auto"`` is
        ``min(200, n_samples)``. Ignored by L-BFGS.

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule of ``solver="sgd"``: constant; divided by
        ``(t + 1) ** power_t`` after each epoch, with ``t`` the number of
        samples seen; or divided by 5 each time more than ``n_iter_no_change``
        consecutive epochs fail to improve by ``tol``.

    learning_rate_init : float, default=0.001
        Initial learning rate of the stochastic solvers.

    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (L-BFGS).

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch (stochastic solvers).

    random_state : int, RandomState instance or None, default=None
        Controls the initial weights, the early-stopping split and the shuffles.
        Pass an int for reproducible results: the same int gives the same model,
        bit for bit.

    tol : float, default=1e-4
        Training stops (or the adaptive learning rate is decreased) when the loss
        or validation score fails to improve by ``tol`` for more than
        ``n_iter_no_change`` consecutive epochs. For L-BFGS, the gradient
        tolerance ``gtol``.

    verbose : bool, default=False
        Print one line per epoch: training loss, and the validation loss and
        score when there is validation data.

    warm_start : bool, default=False
        Start from the previous solution when ``fit`` is called again.

    momentum : float, default=0.9
        Momentum of ``solver="sgd"``, in ``[0, 1]``.

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``solver="sgd"``.

    early_stopping : bool, default=False
        Stop when the validation score stops improving, and keep the weights of
        the best epoch (with ``warm_start``, the best epoch of all the calls
        since early stopping was last turned on). The validation data is
        ``X_val``, ``y_val`` if given to :meth:`fit`, otherwise a
        ``validation_fraction`` of the training data, drawn as MLPClassifier
        draws it (stratified for binary targets only).
        Stochastic solvers only.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping, in
        ``[0, 1)``; early stopping without ``X_val`` needs it above 0.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in ``[0, 1)``.

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in ``[0, 1)``.

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Training stops after more than ``n_iter_no_change`` consecutive epochs
        without improvement by ``tol``.

    max_fun : int, default=15000
        Maximum number of objective evaluations of L-BFGS.

    loss : {"log_loss", "squared_error"}, default="log_loss"
        ``"log_loss"``: cross-entropy with a softmax output for multiclass
        targets and logistic outputs for binary and multilabel targets, as
        MLPClassifier. ``"squared_error"``: the notebook's network, one logistic
        output unit per class trained on the one-hot target with half the squared
        error; :meth:`predict_proba` then divides each row of outputs by its sum
        so that it sums to 1 (for multilabel targets the outputs are clipped to
        ``[eps, 1 - eps]``, as for ``"log_loss"``).

    init : {"glorot_uniform", "uniform"} or callable, default="glorot_uniform"
        Initial weights. ``"glorot_uniform"`` draws exactly what MLPClassifier
        draws. ``"uniform"`` draws weights and biases from ``U[0, 1)`` neuron by
        neuron, bias last, as the notebook does. A callable
        ``init(fan_in, fan_out, random_state)`` returning ``(coef, intercept)``
        of shapes ``(fan_in, fan_out)`` and ``(fan_out,)`` is called for each
        layer in turn: a way to start from given weights.

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes (finite and non-negative; a class left out
        weighs 1), multiplied into ``sample_weight``. ``"balanced"``
        uses ``n_samples / (n_classes * np.bincount(y))``, with sample weights
        counted in (weighting a sample by ``k`` is the same as repeating it ``k``
        times); in :meth:`partial_fit` the counts are those of the data of that
        call. For multilabel targets only ``"balanced"`` is accepted: each
        sample's weight is the product over labels of the balanced weight of its
        0/1 value (scikit-learn's ``compute_sample_weight``), sample weights not
        counted in.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (for multilabel targets, the label indices).

    loss_ : float
        The training objective (loss plus L2 penalty) at the last epoch.

    best_loss_ : float or None
        The lowest training objective seen; ``None`` with early stopping.

    loss_curve_ : list of float
        The training objective at each epoch (each L-BFGS iteration; unlike
        MLPClassifier, which records no curve for L-BFGS).

    validation_scores_ : list of float or None
        Accuracy on the validation data at each epoch; ``None`` when there is
        no validation data.

    best_validation_score_ : float or None
        Best validation accuracy with early stopping, otherwise ``None``.

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of ndarray
        ``coefs_[i]`` is the weight matrix from layer ``i`` to layer ``i + 1``.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` is the bias vector of layer ``i + 1``.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`, when they are all strings.

    n_iter_ : int
        Number of epochs (L-BFGS iterations) run by the last call to fit, or 1
        after a call to partial_fit.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        Name of the output activation (``"softmax"`` or ``"logistic"``).

    history_ : History
        One record per epoch (per L-BFGS iteration): ``epoch``, ``train_loss``,
        ``train_score``, ``valid_loss`` and ``valid_score`` (with validation
        data), ``learning_rate`` and ``duration``. Read a column with
        ``history_[:, "train_loss"]``.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's multilayer perceptron.

    Notes
    -----
    A call to :meth:`fit` or :meth:`partial_fit` that raises leaves a fitted
    model exactly as it was. Training that diverges raises ``ValueError``
    instead of leaving non-finite weights. A ``KeyboardInterrupt`` during
    training stops it with a warning and keeps the weights of the last
    completed epoch.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import train_test_split
    >>> from skscratch import ScratchMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)
    >>> clf = ScratchMLPClassifier(hidden_layer_sizes=(32,), learning_rate_init=0.01,
    ...                            random_state=0).fit(X_train, y_train)
    >>> clf.predict(X_test[:5])
    array([2, 8, 2, 6, 6])
    >>> round(clf.score(X_test, y_test), 2)
    0.97
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "init": [StrOptions({"glorot_uniform", "uniform"}), callable],
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        loss="log_loss",
        init="glorot_uniform",
        class_weight=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.loss = loss
        self.init = init
        self.class_weight = class_weight

    # ------------------------------------------------------------------ public API

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Fit the network to ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. A float32 or float64 array is used as it is, never
            copied as a whole (other dtypes are converted to float64). Sparse
            CSR and CSC matrices are accepted (CSC is converted to CSR once, for
            row batches).
        y : {array-like, sparse matrix} of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label indicator matrix (dense or sparse) for
            multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights. A mini-batch whose weights are all zero
            is skipped; with early stopping, both parts of the split need some
            weight.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            Validation data, scored after every epoch (``history_``,
            ``validation_scores_``) and used by early stopping instead of an
            internal split. Give ``y_val`` with it.
        y_val : {array-like, sparse matrix} of shape (n_val,) or (n_val, n_labels), \
                default=None
            Labels of ``X_val``, checked as ``y`` is: the same kind of targets,
            and only classes the model knows.

        Returns
        -------
        self : ScratchMLPClassifier
            The fitted estimator.
        """
        return self._fit_keeping_state_on_error(
            X, y, sample_weight, X_val, y_val, incremental=False
        )

    def _check_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

    @available_if(_check_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch over ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : {array-like, sparse matrix} of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label indicator matrix (dense or sparse).
        classes : array-like of shape (n_classes,), default=None
            All the classes that can appear over all calls. Required on the
            first call, ignored afterwards unless it differs (an error). For a
            multilabel indicator ``y`` the labels are its columns, so
            ``classes`` must be ``[0, 1, ..., n_labels - 1]``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : ScratchMLPClassifier
            The updated estimator.
        """
        return self._fit_keeping_state_on_error(
            X, y, sample_weight, None, None, incremental=True, classes=classes
        )

    def predict_proba(self, X):
        """Probability of each class for each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_``; each row sums to 1
            (for multilabel targets, the probability of each label).
        """
        return self._outputs_to_proba(self._validated_outputs(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba)

    def predict(self, X):
        """Predict the class of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels: the class of highest probability, or for
            multilabel targets each label whose probability exceeds 0.5 (a
            sparse CSR matrix if ``y`` was sparse when the model was last
            fitted from scratch, as in MLPClassifier).
        """
        predicted = self._predicted_indices(self._validated_outputs(X))
        if self._target_type == "multilabel-indicator":
            # Models pickled before sparse targets were supported lack the flag.
            sparse = getattr(self, "_sparse_targets", False)
            return sp.csr_matrix(predicted) if sparse else predicted
        return self.classes_[predicted]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags

    # --------------------------------------------------------- targets and outputs

    @property
    def _loss_name(self):
        if self.loss == "squared_error":
            return "half_squared_error"
        if self._target_type == "multiclass":
            return "categorical_cross_entropy"
        return "binary_cross_entropy"

    def _set_classes(self, y, classes, target_type):
        """Set ``classes_`` and the target type from ``y`` (or ``classes``)."""
        if target_type == "multilabel-indicator":
            labels = np.arange(y.shape[1])
            if classes is not None and not np.array_equal(
                unique_labels(classes).astype(object), labels.astype(object)
            ):
                raise ValueError(
                    f"classes={np.asarray(classes).tolist()} does not match y, a "
                    f"label indicator matrix whose labels are {labels.tolist()}."
                )
            self.classes_ = labels
            self._target_type = "multilabel-indicator"
            return
        self.classes_ = unique_labels(y if classes is None else classes)
        if self.classes_.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the "
                f"data, but the data contains only one class: {self.classes_[0]}."
            )
        self._target_type = "binary" if self.classes_.shape[0] == 2 else "multiclass"

    def _encode(self, y, name="y"):
        """One-hot encode ``y`` (called ``name`` in errors): a boolean column per
        output unit."""
        if self._target_type == "multilabel-indicator":
            if y.ndim != 2 or y.shape[1] != self.classes_.shape[0]:
                raise ValueError(
                    f"{name} has {y.shape[1] if y.ndim == 2 else 1} labels per "
                    f"sample; the model was fitted with {self.classes_.shape[0]}."
                )
            return np.asarray(y, dtype=bool)
        if y.ndim != 1:
            raise ValueError(
                f"{name} is a label indicator matrix but the model was fitted on "
                f"{self._target_type} targets."
            )
        indices = np.searchsorted(self.classes_, y)
        known = (indices < self.classes_.shape[0]) & (
            self.classes_[np.minimum(indices, self.classes_.shape[0] - 1)] == y
        )
        if not known.all():
            raise ValueError(
                f"{name} contains labels not in classes_ {self.classes_.tolist()}: "
                f"{np.unique(y[~known]).tolist()}."
            )
        if self._target_type == "binary" and self.loss == "log_loss":
            return (indices == 1)[:, np.newaxis]
        one_hot = np.zeros((y.shape[0], self.classes_.shape[0]), dtype=bool)
        one_hot[np.arange(y.shape[0]), indices] = True
        return one_hot

    def _validated_outputs(self, X):
        """Check that the model is fitted, validate ``X``, return the outputs."""
        check_is_fitted(self)
        X = _validate_data(self, X, accept_sparse=("csr", "csc"), reset=False)
        return self._outputs(X)

    def _outputs(self, X):
        """Network outputs for validated ``X``, computed in chunks of rows.

        Inputs so extreme that a unit's value is undetermined (overflow to
        ``inf - inf``) give outputs meaning "no preference": 0.5 for logistic
        units, ``1 / n_outputs`` for softmax units.
        """
        n_samples = X.shape[0]
        dtype = np.result_type(X.dtype, self.coefs_[0].dtype)
        outputs = np.empty((n_samples, self.n_outputs_), dtype=dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, n_samples, _PREDICT_CHUNK_ROWS):
                rows = slice(start, start + _PREDICT_CHUNK_ROWS)
                outputs[rows] = forward(
                    self.coefs_,
                    self.intercepts_,
                    X[rows],
                    self.activation,
                    self.out_activation_,
                )[-1]
        undetermined = np.isnan(outputs).any(axis=1)
        if undetermined.any():
            no_preference = (
                0.5 if self.out_activation_ == "logistic" else 1 / self.n_outputs_
            )
            outputs[undetermined] = no_preference
        return outputs

    def _outputs_to_proba(self, outputs):
        """Turn output-unit values into class probabilities."""
        if self._target_type == "multilabel-indicator":
            eps = np.finfo(outputs.dtype).eps
            return np.clip(outputs, eps, 1 - eps)
        if self.out_activation_ == "softmax":
            return outputs
        if self.n_outputs_ == 1:
            return np.hstack([1 - outputs, outputs])
        totals = outputs.sum(axis=1, keepdims=True)
        uniform = np.full_like(outputs, 1 / outputs.shape[1])
        return np.divide(outputs, totals, out=uniform, where=totals > 0)

    def _predicted_indices(self, outputs):
        """Index of the predicted class (or 0/1 per label for multilabel)."""
        if self._target_type == "multilabel-indicator":
            return (outputs > 0.5).astype(int)
        if outputs.shape[1] == 1:
            return (outputs[:, 0] > 0.5).astype(int)
        return outputs.argmax(axis=1)

    def _correct_weight(self, outputs, Y, sample_weight):
        """Number (total weight) of samples whose outputs predict the targets ``Y``."""
        predicted = self._predicted_indices(outputs)
        if self._target_type == "multilabel-indicator":
            correct = (predicted == Y).all(axis=1)
        elif Y.shape[1] == 1:
            correct = predicted == Y[:, 0]
        else:
            correct = predicted == Y.argmax(axis=1)
        if sample_weight is None:
            return float(np.count_nonzero(correct))
        return float(np.dot(correct, sample_weight))

    def _accuracy(self, outputs, Y, sample_weight):
        """Accuracy of the outputs against the encoded targets ``Y``."""
        total = Y.shape[0] if sample_weight is None else float(sample_weight.sum())
        return self._correct_weight(outputs, Y, sample_weight) / total

    # --------------------------------------------------------------------- fitting

    def _fit_keeping_state_on_error(self, *args, **kwargs):
        """Run ``_fit``; if it raises, put every attribute back as it was."""
        state_before = dict(self.__dict__)
        try:
            return self._fit(*args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(state_before)
            raise

    def _fit(self, X, y, sample_weight, X_val, y_val, incremental, classes=None):
        hidden_layer_sizes = np.atleast_1d(self.hidden_layer_sizes).tolist()
        if not all(isinstance(s, Integral) for s in hidden_layer_sizes):
            raise ValueError(
                "hidden_layer_sizes must be positive integers, got "
                f"{hidden_layer_sizes}."
            )
        if not all(s > 0 for s in hidden_layer_sizes):
            raise ValueError(
                f"hidden_layer_sizes must be > 0, got {hidden_layer_sizes}."
            )
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True.")
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")

        fitted = hasattr(self, "coefs_")
        if incremental:
            first_pass = self._check_partial_fit_classes(classes)
        else:
            first_pass = not (fitted and self.warm_start)

        X, y = _validate_data(
            self,
            X,
            y,
            accept_sparse=("csr", "csc"),
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=first_pass,
        )
        sparse_targets = sp.issparse(y)
        y = _classification_targets(y)
        target_type = type_of_target(y)
        if target_type == "multiclass-multioutput":
            raise ValueError(
                "y has several columns of class labels (multiclass-multioutput), "
                "which is not supported: give one column of labels, or a multilabel "
                "indicator matrix of 0 and 1."
            )
        if first_pass:
            self._set_classes(y, classes, target_type)
            self._sparse_targets = sparse_targets
        else:
            if self.loss != self._fitted_loss:
                raise ValueError(
                    f"loss={self.loss!r} differs from loss={self._fitted_loss!r} "
                    "the model was fitted with; "
                    + (
                        "partial_fit cannot change it, fit a new model."
                        if incremental
                        else "set warm_start=False to fit a new network."
                    )
                )
            if not incremental:
                self._check_warm_start_classes(y)
        Y = self._encode(y)
        sample_weight = self._sample_weight(sample_weight, X, y)
        validation = self._validation_data(X_val, y_val, X.dtype)

        n_outputs = Y.shape[1]
        layer_units = [X.shape[1], *hidden_layer_sizes, n_outputs]
        random_state = check_random_state(self.random_state)
        if first_pass:
            self._initialize(layer_units, random_state, X.dtype)
        else:
            self._resume(layer_units, incremental)
        self._prepare_records(
            validating=validation is not None or self._early_stopping_active
        )

        if sp.issparse(X) and X.format == "csc":
            X = X.tocsr()
        # Overflow while diverging is reported once, as the ValueError below,
        # rather than as a stream of RuntimeWarnings.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if self.solver in _STOCHASTIC_SOLVERS:
                self._fit_stochastic(
                    X, Y, sample_weight, validation, incremental, random_state
                )
            else:
                self._fit_lbfgs(X, Y, sample_weight, validation, layer_units)

        if not all(np.isfinite(p).all() for p in self.coefs_ + self.intercepts_):
            raise ValueError(_NON_FINITE_MESSAGE.format(detail="after training"))
        return self

    def _check_partial_fit_classes(self, classes):
        """Return True on the first call to partial_fit; check ``classes`` after."""
        if not hasattr(self, "classes_"):
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            return True
        if classes is not None and not np.array_equal(
            unique_labels(classes), self.classes_
        ):
            raise ValueError(
                f"classes={np.asarray(classes).tolist()} is not the same as on the "
                f"last call to partial_fit, was: {self.classes_.tolist()}."
            )
        return False

    def _check_warm_start_classes(self, y):
        classes = np.arange(y.shape[1]) if y.ndim == 2 else unique_labels(y)
        if set(classes.tolist()) != set(self.classes_.tolist()):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in "
                f"the previous call to fit. Previously got {self.classes_}, `y` has "
                f"{classes}."
            )

    def _sample_weight(self, sample_weight, X, y):
        """Validated sample weights times class weights (None if all are one)."""
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        class_weights = (
            None
            if self.class_weight is None
            else self._class_sample_weight(y, sample_weight)
        )
        weights = combined_sample_weight(sample_weight, class_weights, X.dtype)
        check_penalty_scale(weights, self.alpha)
        return weights

    def _class_sample_weight(self, y, sample_weight):
        """The class weight of each sample's class (see ``_weights``)."""
        return per_sample_class_weights(
            self.class_weight, y, self.classes_, self._target_type, sample_weight
        )

    def _validation_data(self, X_val, y_val, dtype):
        """Validate a user-supplied validation set: (X_val, Y_val, weights) or None."""
        if X_val is None:
            return None
        X_val = _validate_data(
            self, X_val, accept_sparse=("csr", "csc"), dtype=dtype, reset=False
        )
        y_val = _classification_targets(
            check_array(
                y_val,
                accept_sparse="csr",
                ensure_2d=False,
                dtype=None,
                input_name="y_val",
            )
        )
        if (self._target_type == "multilabel-indicator") != (
            type_of_target(y_val) == "multilabel-indicator"
        ):
            raise ValueError(
                f"y_val must hold the same kind of targets as y "
                f"({self._target_type}); got {type_of_target(y_val)} targets."
            )
        if y_val.shape[0] != X_val.shape[0]:
            raise ValueError(
                f"X_val and y_val have different numbers of samples: "
                f"{X_val.shape[0]} and {y_val.shape[0]}."
            )
        return X_val, self._encode(y_val, name="y_val"), None

    def _initialize(self, layer_units, random_state, dtype):
        """First fit: draw the weights and reset every fitted attribute."""
        self.n_layers_ = len(layer_units)
        self.n_outputs_ = layer_units[-1]
        self.out_activation_ = LOSSES[self._loss_name].output_activation
        self.coefs_, self.intercepts_ = initialize_parameters(
            layer_units, self.init, self.activation, random_state, dtype
        )
        self._fitted_loss = self.loss
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.history_ = History()
        self._no_improvement_count = 0
        self.validation_scores_ = None
        self.best_validation_score_ = None
        self.best_loss_ = None
        for name in ("_optimizer", "_best_coefs", "_best_intercepts"):
            if hasattr(self, name):
                delattr(self, name)

    @property
    def _early_stopping_active(self):
        return self.early_stopping and self.solver in _STOCHASTIC_SOLVERS

    def _prepare_records(self, validating):
        """Set up what this call's stopping rule and records need.

        Runs after a first initialisation and after a resume alike, so that a
        warm start may turn early stopping on (the best validation score is
        tracked from this call on, and ``best_loss_`` is ``None``) or off (the
        best validation score and its weights are dropped).
        """
        if validating and self.validation_scores_ is None:
            self.validation_scores_ = []
        if self._early_stopping_active:
            self.best_loss_ = None
            if self.best_validation_score_ is None:
                self._remember_as_best(-np.inf)
            return
        self.best_validation_score_ = None
        for name in ("_best_coefs", "_best_intercepts"):
            if hasattr(self, name):
                delattr(self, name)
        if self.best_loss_ is None:
            self.best_loss_ = np.inf

    def _remember_as_best(self, score):
        """Keep copies of the current weights as those of the best validation score."""
        self.best_validation_score_ = score
        self._best_coefs = [c.copy() for c in self.coefs_]
        self._best_intercepts = [b.copy() for b in self.intercepts_]

    def _resume(self, layer_units, incremental):
        """Warm start or partial_fit: train on copies of the current state.

        Training updates arrays in place; working on copies lets a failed call
        leave the fitted model exactly as it was. (The weights and the optimizer
        are copied where training starts: the weights into a new flat vector for
        SGD and Adam, into L-BFGS's vector for lbfgs.)
        """
        expected = [c.shape for c in self.coefs_]
        if list(pairwise(layer_units)) != expected:
            remedy = (
                "partial_fit cannot change them; fit a new model"
                if incremental
                else "set warm_start=False to fit a new network"
            )
            raise ValueError(
                f"The network's layer sizes {layer_units} differ from those of the "
                f"fitted model {[expected[0][0]] + [s[1] for s in expected]}: "
                f"{remedy}."
            )
        self.loss_curve_ = list(self.loss_curve_)
        self.history_ = History(self.history_)
        if self.validation_scores_ is not None:
            self.validation_scores_ = list(self.validation_scores_)

    def _make_optimizer(self, params):
        if self.solver == "sgd":
            return SGD(
                params,
                self.learning_rate_init,
                self.learning_rate,
                self.momentum,
                self.nesterovs_momentum,
                self.power_t,
            )
        return Adam(
            params, self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon
        )

    def _split_for_early_stopping(self, Y, random_state):
        """Training and validation row indices, drawn as MLPClassifier draws them.

        The split is stratified for binary targets only (as in MLPClassifier).
        """
        if self.validation_fraction == 0:
            raise ValueError(
                "validation_fraction=0.0 leaves no validation data for "
                "early_stopping=True: set validation_fraction > 0, or pass X_val "
                "and y_val."
            )
        stratify = Y[:, -1] if self._target_type == "binary" else None
        train_rows, valid_rows = train_test_split(
            np.arange(Y.shape[0]),
            random_state=random_state,
            test_size=self.validation_fraction,
            stratify=stratify,
        )
        if valid_rows.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        return train_rows, valid_rows

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is "
                "going to be clipped",
                stacklevel=2,
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _training_buffers(self):
        """Copy the weights into one flat vector and make one for their gradient.

        ``coefs_`` and ``intercepts_`` become views of the new vector, so an
        optimizer step is a few ufunc calls on one array; backpropagation
        writes into views of the gradient vector.
        """
        n_layers = len(self.coefs_)
        params, param_views = _flat_copy(self.coefs_ + self.intercepts_)
        self.coefs_, self.intercepts_ = param_views[:n_layers], param_views[n_layers:]
        grads = np.empty_like(params)
        grad_views = _views(grads, [view.shape for view in param_views])
        return _TrainingBuffers(
            params, grads, (grad_views[:n_layers], grad_views[n_layers:])
        )

    def _check_finite_training(self, train_loss):
        """Raise if the epoch's loss or the optimizer's statistics overflowed."""
        if not np.isfinite(train_loss):
            raise ValueError(
                _NON_FINITE_MESSAGE.format(
                    detail=f"loss {train_loss} at epoch {self.n_iter_}"
                )
            )
        if not self._optimizer.state_is_finite():
            raise ValueError(
                _NON_FINITE_MESSAGE.format(
                    detail="the optimizer's gradient statistics overflowed "
                    f"at epoch {self.n_iter_}"
                )
            )

    def _fit_stochastic(self, X, Y, sample_weight, validation, incremental, rng):
        buffers = self._training_buffers()
        if incremental and hasattr(self, "_optimizer"):
            # Training updates a copy, so that a failed or interrupted call
            # can leave the optimizer as it was.
            optimizer_before = self._optimizer
            self._optimizer = copy.deepcopy(optimizer_before)
        else:
            optimizer_before = None
            self._optimizer = self._make_optimizer([buffers.params])
        train_rows = None
        if self.early_stopping and validation is None:
            train_rows, valid_rows = self._split_for_early_stopping(Y, rng)
            validation = (
                X[valid_rows],
                Y[valid_rows],
                None if sample_weight is None else sample_weight[valid_rows],
            )
            if sample_weight is not None:
                for part, rows in (
                    ("training", train_rows),
                    ("validation", valid_rows),
                ):
                    if not sample_weight[rows].sum() > 0:
                        raise ValueError(
                            f"The sample weights of the {part} part of the "
                            "early-stopping split sum to zero: give positive "
                            "weights to more samples, or pass X_val and y_val."
                        )

        n_samples = Y.shape[0] if train_rows is None else train_rows.shape[0]
        batch_size = self._batch_size(n_samples)
        order = np.arange(n_samples)
        self.n_iter_ = 0
        last_epoch = _LastCompletedEpoch(self, buffers.params)
        try:
            for _ in range(self.max_iter):
                start_time = time.perf_counter()
                if self.shuffle:
                    rng.shuffle(order)  # in place; as MLPClassifier's shuffle(order)
                if train_rows is not None:
                    rows = train_rows[order]
                else:
                    rows = order if self.shuffle else None
                train_loss, train_score = self._run_epoch(
                    X, Y, sample_weight, rows, batch_size, buffers
                )
                self.n_iter_ += 1
                self.t_ += n_samples
                self.loss_ = train_loss
                self._check_finite_training(train_loss)
                self._record_epoch(
                    {
                        "epoch": len(self.history_) + 1,
                        "train_loss": train_loss,
                        "train_score": train_score,
                        **self._validation_record(validation),
                        "learning_rate": self._optimizer.learning_rate,
                        "duration": time.perf_counter() - start_time,
                    }
                )
                self._update_no_improvement_count()
                self._optimizer.end_epoch(self.t_)
                stop = (
                    self._no_improvement_count > self.n_iter_no_change
                    and self._stop_or_decay()
                )
                last_epoch.save()
                if stop or incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                        stacklevel=2,
                    )
        except KeyboardInterrupt:
            if last_epoch.restore():
                # The optimizer's statistics belong to the interrupted epoch: go
                # back to those from before this call (partial_fit), or to none,
                # so that training resumed later starts a fresh optimizer.
                if optimizer_before is None:
                    del self._optimizer
                else:
                    self._optimizer = optimizer_before
            warnings.warn("Training interrupted by user.", stacklevel=2)

        if self._early_stopping_active:
            self.coefs_ = self._best_coefs
            self.intercepts_ = self._best_intercepts

    def _run_epoch(self, X, Y, sample_weight, rows, batch_size, buffers):
        """One pass over ``X[rows]`` in mini-batches; returns (mean loss, accuracy).

        ``rows=None`` takes every row in order, in batches that are views of X.
        The accuracy is measured on each batch before its update, weighted by
        the sample weights. A batch whose weights are all zero carries nothing
        to learn: it is skipped and adds zero to the loss.
        """
        n_samples = Y.shape[0] if rows is None else rows.shape[0]
        accumulated_loss = correct_weight = seen_weight = 0.0
        for start in range(0, n_samples, batch_size):
            stop = min(start + batch_size, n_samples)
            batch = slice(start, stop) if rows is None else rows[start:stop]
            batch_weight = None if sample_weight is None else sample_weight[batch]
            if batch_weight is not None and not batch_weight.any():
                continue
            objective, correct = self._train_on_batch(
                X[batch], Y[batch], batch_weight, buffers
            )
            accumulated_loss += objective * (stop - start)
            correct_weight += correct
            seen_weight += (
                stop - start if batch_weight is None else float(batch_weight.sum())
            )
        return accumulated_loss / n_samples, correct_weight / seen_weight

    def _train_on_batch(self, X_batch, Y_batch, batch_weight, buffers):
        """One optimizer step on a batch; returns (objective, correct weight).

        The correct weight is measured before the step. The batch's activations
        are released on return, before the next batch is gathered.
        """
        objective, _, _, activations = objective_and_gradients(
            self.coefs_,
            self.intercepts_,
            X_batch,
            Y_batch,
            self.activation,
            self._loss_name,
            self.alpha,
            batch_weight,
            out=buffers.gradient_views,
        )
        correct = self._correct_weight(activations[-1], Y_batch, batch_weight)
        self._optimizer.step([buffers.params], [buffers.grads])
        return objective, correct

    def _validation_record(self, validation):
        """Validation loss and accuracy of the current weights (empty if no data)."""
        if validation is None:
            return {}
        X_val, Y_val, weight_val = validation
        outputs = self._outputs(X_val)
        return {
            "valid_loss": mean_loss(
                LOSSES[self._loss_name], Y_val, outputs, weight_val
            ),
            "valid_score": self._accuracy(outputs, Y_val, weight_val),
        }

    def _stop_or_decay(self):
        """Training stopped improving: say so, then stop (True) or decay and go on."""
        if self.verbose:
            what = (
                "Validation score did not improve"
                if self.early_stopping
                else "Training loss did not improve"
            )
            print(
                f"{what} more than tol={self.tol:f} for "
                f"{self.n_iter_no_change} consecutive epochs."
            )
        if self._optimizer.stop_or_decay():
            return True
        self._no_improvement_count = 0
        return False

    def _update_no_improvement_count(self):
        """MLPClassifier's stopping rule, on validation score or training loss."""
        if self._early_stopping_active:
            score = self.validation_scores_[-1]
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self._remember_as_best(score)
            return
        if self.loss_curve_[-1] > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])

    def _record_epoch(self, record):
        """Keep an epoch's record: loss curve, validation scores, history, verbose."""
        self.loss_curve_.append(record["train_loss"])
        if "valid_score" in record:
            self.validation_scores_.append(record["valid_score"])
        self.history_.append(record)
        if self.verbose:
            line = f"Iteration {self.n_iter_}, loss = {record['train_loss']:.8f}"
            if "valid_score" in record:
                line += (
                    f", validation loss = {record['valid_loss']:.8f}"
                    f", validation score = {record['valid_score']:.6f}"
                )
            print(line)

    def _fit_lbfgs(self, X, Y, sample_weight, validation, layer_units):
        shapes = [*pairwise(layer_units), *((n,) for n in layer_units[1:])]
        n_layers = len(self.coefs_)
        dtype = self.coefs_[0].dtype
        last_evaluation = {}

        def objective(vector):
            params = _unpack(vector, shapes, dtype)
            value, coef_grads, intercept_grads, activations = objective_and_gradients(
                params[:n_layers],
                params[n_layers:],
                X,
                Y,
                self.activation,
                self._loss_name,
                self.alpha,
                sample_weight,
            )
            last_evaluation.update(vector=vector.copy(), outputs=activations[-1])
            return value, _pack(coef_grads + intercept_grads)

        # The weights of the last completed iteration, in the model's dtype,
        # which coefs_ and intercepts_ view while L-BFGS runs.
        weights, views = _flat_copy(self.coefs_ + self.intercepts_)
        self.coefs_, self.intercepts_ = views[:n_layers], views[n_layers:]
        self.n_iter_ = 0
        last_iteration = _LastCompletedEpoch(self, weights)
        clock = {"start": time.perf_counter()}

        def record_iteration(intermediate_result):
            np.copyto(weights, intermediate_result.x)
            same_point = np.array_equal(
                last_evaluation.get("vector"), intermediate_result.x
            )
            now = time.perf_counter()
            record = {
                "epoch": len(self.history_) + 1,
                "train_loss": float(intermediate_result.fun),
                "train_score": (
                    self._accuracy(last_evaluation["outputs"], Y, sample_weight)
                    if same_point
                    else None
                ),
                **self._validation_record(validation),
                "learning_rate": None,
                "duration": now - clock["start"],
            }
            clock["start"] = now
            self.n_iter_ += 1
            self._record_epoch(record)
            last_iteration.save()

        try:
            result = scipy.optimize.minimize(
                objective,
                weights.astype(np.float64),  # scipy works in float64
                method="L-BFGS-B",
                jac=True,
                callback=record_iteration,
                options={
                    "maxfun": self.max_fun,
                    "maxiter": self.max_iter,
                    "gtol": self.tol,
                },
            )
        except KeyboardInterrupt:
            last_iteration.restore()
            warnings.warn("Training interrupted by user.", stacklevel=2)
            final_vector = weights
            self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else np.nan
        else:
            final_vector = result.x
            self.n_iter_ = min(result.nit, self.max_iter)
            self.loss_ = float(result.fun)
            if not np.isfinite(self.loss_):
                raise ValueError(
                    _NON_FINITE_MESSAGE.format(detail=f"loss {self.loss_}")
                )
            if result.status != 0:
                warnings.warn(
                    f"lbfgs failed to converge after {self.n_iter_} iteration(s) "
                    f"(status={result.status}):\n{result.message}\n\n"
                    "Increase the number of iterations to improve the convergence "
                    f"(max_iter={self.max_iter}).",
                    ConvergenceWarning,
                    stacklevel=2,
                )
        params = _unpack(final_vector, shapes, dtype)
        self.coefs_, self.intercepts_ = params[:n_layers], params[n_layers:]
        self.best_loss_ = min(self.loss_curve_, default=self.loss_)
