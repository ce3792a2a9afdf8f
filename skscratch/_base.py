"""The estimator side shared by ScratchMLPClassifier and ScratchMLPRegressor.

:class:`BaseScratchMLP` holds the parameters, validates the data, draws or
resumes the training state, runs a solver with its listeners and commits the
result. The classifier and the regressor add what differs, through a targets
object (:mod:`skscratch._targets`). The mathematics lives in
:mod:`skscratch._network`, :mod:`skscratch._losses`,
:mod:`skscratch._activations` and :mod:`skscratch._optimizers`.
"""

import functools
import math
from dataclasses import replace
from itertools import pairwise
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn import config_context, get_config
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import assert_all_finite, check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._activations import HIDDEN_ACTIVATIONS
from ._callbacks import CALLBACK_SUPPORT, FitTask
from ._events import NoImprovementRule, Recorder, VerbosePrinter
from ._losses import LOSSES
from ._network import initialize_parameters, layer_activations, predict_outputs
from ._solvers import DIVERGED_MESSAGE, SOLVERS, Problem
from ._state import TrainingState
from ._validation import warn_if_scale_mismatch
from ._warnings import warn
from ._weights import check_penalty_scale, combined_sample_weight
from ._xp import (
    all_finite,
    device,
    is_numpy,
    namespace,
    numpy_dtype,
    numpy_namespace,
    take_rows,
    to_namespace,
    to_numpy,
)

STOCHASTIC_SOLVERS = ("sgd", "adam")

SHARED_PARAMETERS = """\
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer.

    activation : {"identity", "logistic", "tanh", "relu", "leaky_relu", "elu", \
            "softplus", "gelu", "silu"} or sequence of str, default="relu"
        Activation function of the hidden layers: one name for all of them, or
        a sequence with one name per hidden layer. The first four are
        scikit-learn's; ``"leaky_relu"`` (slope 0.01 below zero), ``"elu"``
        (``exp(z) - 1`` below zero), ``"softplus"`` (``log(1 + exp(z))``),
        ``"gelu"`` (exact, ``z Phi(z)``) and ``"silu"`` (``z / (1 + exp(-z))``)
        are additions. Each sets the Glorot factor of ``init="glorot_uniform"``;
        :ref:`backpropagation` tabulates every formula, derivative and factor.

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
        ``validation_fraction`` of the training data, drawn as scikit-learn's
        MLP estimators draw it (stratified for binary classification only).
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

    init : {"glorot_uniform", "uniform"} or callable, default="glorot_uniform"
        Initial weights. ``"glorot_uniform"`` draws exactly what scikit-learn's
        MLP estimators draw. ``"uniform"`` draws weights and biases from
        ``U[0, 1)`` neuron by neuron, bias last, as the teaching notebook does.
        A callable
        ``init(fan_in, fan_out, random_state)`` returning ``(coef, intercept)``
        of shapes ``(fan_in, fan_out)`` and ``(fan_out,)`` is called for each
        layer in turn: a way to start from given weights.

    dropout : float or sequence of float, default=0.0
        Inverted dropout on the hidden layers during training: each hidden
        unit's output is set to 0 with this probability, in ``[0, 1)``, and
        the others are divided by ``1 - dropout``, with a new random mask for
        every mini-batch, drawn from ``random_state``. One value for every
        hidden layer, or a sequence with one per hidden layer. Prediction uses
        the whole network, unscaled and deterministic. ``0.0`` changes
        nothing (scikit-learn's training); stochastic solvers only.

"""

SHARED_ATTRIBUTES = """\
    loss_ : float
        The training objective (loss plus L2 penalty) at the last epoch.

    best_loss_ : float or None
        The lowest training objective seen; ``None`` with early stopping.

    loss_curve_ : list of float
        The training objective at each epoch (each L-BFGS iteration; unlike
        scikit-learn's MLP estimators, which record no curve for L-BFGS).

    validation_scores_ : list of float or None
        The score (:meth:`score`) on the validation data at each epoch;
        ``None`` when there is no validation data.

    best_validation_score_ : float or None
        Best validation score with early stopping, otherwise ``None``.

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of arrays
        ``coefs_[i]`` is the weight matrix from layer ``i`` to layer ``i + 1``:
        NumPy arrays, or with ``array_api_dispatch`` arrays of the namespace
        and device of ``X`` (PyTorch tensors, CuPy arrays...).

    intercepts_ : list of arrays
        ``intercepts_[i]`` is the bias vector of layer ``i + 1``, as
        ``coefs_``.

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

    history_ : History
        One record per epoch (per L-BFGS iteration): ``epoch``, ``train_loss``,
        ``train_score``, ``valid_loss`` and ``valid_score`` (with validation
        data; scores in the sense of :meth:`score`: ``train_score`` is measured
        on each mini-batch just before its update, during the epoch, so it
        differs from ``score`` on the training data after it), ``learning_rate`` and
        ``duration``. Read a column with
        ``history_[:, "train_loss"]``.

"""


def with_shared_docs(cls):
    """Fill the parameters and attributes both estimators share into ``cls``'s
    docstring, where it has the lines ``{shared_parameters}`` and
    ``{shared_attributes}``."""
    cls.__doc__ = cls.__doc__.replace(
        "    {shared_parameters}\n", SHARED_PARAMETERS
    ).replace("    {shared_attributes}\n", SHARED_ATTRIBUTES)
    return cls


def validate_quietly(estimator, *args, **kwargs):
    """scikit-learn's ``validate_data``, without a spurious overflow warning.

    Its finiteness check first sums the data: finite float32 values near the
    largest one overflow that sum with a RuntimeWarning, though every value is
    finite (which the check then confirms value by value).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return validate_data(estimator, *args, **kwargs)


def input_namespace(X):
    """The namespace the estimator computes in for ``X``: that of ``X`` when
    scikit-learn's ``array_api_dispatch`` is on, else NumPy's."""
    if get_config()["array_api_dispatch"]:
        return namespace(X)
    return numpy_namespace()


def _like(array, X, dtype="X"):
    """``array`` (a NumPy array or None) in the namespace and on the device of
    ``X``, and outside NumPy of its dtype (or of ``dtype`` if not "X")."""
    xp = namespace(X)
    if array is None:
        return None
    if is_numpy(xp):  # NumPy and sparse X
        return to_numpy(array)
    if sp.issparse(array):
        raise TypeError(
            f"Sparse matrices are NumPy only; got one where X is of {xp.__name__}."
        )
    return to_namespace(array, xp, device(X), X.dtype if dtype == "X" else dtype)


def _described(array):
    """``array``'s namespace and device, in words: "torch arrays on cuda:0"."""
    name = namespace(array).__name__.removeprefix("array_api_compat.")
    where = device(array)
    return f"{name} arrays" + ("" if where is None else f" on {where}")


def _checked_array(X, xp):
    """``X`` without autograd history, and refused if complex, outside NumPy
    (where scikit-learn's validation does both)."""
    if is_numpy(xp):
        return X
    if xp.isdtype(X.dtype, "complex floating"):
        raise ValueError("Complex data not supported")
    return X.detach() if getattr(X, "requires_grad", False) else X


def _in_dtype_of(X, fitted):
    """``X`` in the float dtype of a fitted weight array (NumPy mixes dtypes
    in arithmetic, other namespaces need one)."""
    xp = namespace(X)
    if is_numpy(xp) or X.dtype == fitted.dtype:
        return X
    return xp.astype(X, fitted.dtype)


def _is_rate(value):
    """Whether ``value`` is a real number in ``[0, 1)``."""
    return isinstance(value, Real) and not isinstance(value, bool) and 0 <= value < 1


def layer_settings(estimator, n_hidden):
    """The activation and dropout rate of each hidden layer, checked.

    Returns ``(activation, dropout)``: ``activation`` as given when it is
    one name (so that the network computes exactly as scikit-learn's), or
    the list of names; ``dropout`` a tuple of rates, or None for none.
    """
    sizes = f"hidden_layer_sizes={estimator.hidden_layer_sizes!r}"
    activation = estimator.activation
    if not isinstance(activation, str | list | tuple | np.ndarray) or (
        np.ndim(activation) > 1
    ):
        raise TypeError(
            "activation must be a name, or a flat list or tuple of names (one "
            f"per hidden layer); got {activation!r}."
        )
    names = layer_activations(
        activation.tolist() if isinstance(activation, np.ndarray) else activation,
        n_hidden,
    )
    if len(names) != n_hidden:
        raise ValueError(
            f"activation gives {len(names)} name(s) for {n_hidden} hidden "
            f"layer(s) ({sizes}): give one name, or one per hidden layer."
        )
    unknown = [
        name
        for name in names
        if not isinstance(name, str) or name not in HIDDEN_ACTIVATIONS
    ]
    if unknown:
        raise ValueError(
            f"activation names unknown activations {unknown}; the "
            f"activations are {sorted(HIDDEN_ACTIVATIONS)}."
        )
    rates = (
        [estimator.dropout] * n_hidden
        if np.ndim(estimator.dropout) == 0
        else estimator.dropout
    )
    if len(rates) != n_hidden:
        raise ValueError(
            f"dropout gives {len(rates)} rate(s) for {n_hidden} hidden "
            f"layer(s) ({sizes}): give one rate, or one per hidden layer."
        )
    if not all(_is_rate(rate) for rate in rates):
        raise ValueError(
            f"dropout rates must be numbers in [0, 1); got {estimator.dropout!r}."
        )
    dropout = tuple(float(rate) for rate in rates)
    if any(dropout) and estimator.solver not in STOCHASTIC_SOLVERS:
        raise ValueError(
            "dropout needs a stochastic solver ('sgd' or 'adam'): L-BFGS's "
            "line search needs an objective without random masks."
        )
    activation = activation if isinstance(activation, str) else names
    return activation, dropout if any(dropout) else None


def keeps_model_on_error(method):
    """Decorate ``fit``/``partial_fit``: if the call raises, every attribute of
    the estimator is put back as it was (validation sets some before training)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        attributes_before = dict(vars(self))
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(attributes_before)
            raise

    return wrapper


class BaseScratchMLP(*CALLBACK_SUPPORT, BaseEstimator):
    """Parameters, validation and the fit machinery shared by both estimators.

    Subclasses define how their targets are read: ``_y_validation`` (extra
    arguments of ``validate_data`` for ``y``), ``_check_y(y)`` (``y`` after
    ``validate_data``), ``_check_y_val(y_val, targets)`` and
    ``_targets_from(y, classes, sparse)`` (the targets of a first fit); and
    they extend ``_parameter_constraints`` with their ``loss``.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(HIDDEN_ACTIVATIONS)), "array-like"],
        "solver": [StrOptions({"lbfgs", *STOCHASTIC_SOLVERS})],
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
        "init": [StrOptions({"glorot_uniform", "uniform"}), callable],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
    }

    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        *,
        solver,
        alpha,
        batch_size,
        learning_rate,
        learning_rate_init,
        power_t,
        max_iter,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        beta_1,
        beta_2,
        epsilon,
        n_iter_no_change,
        max_fun,
        loss,
        init,
        dropout,
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
        self.dropout = dropout

    def _check_solver(self):
        if self.solver not in STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.array_api_support = True
        return tags

    # ------------------------------------------------------------ prediction

    def _validated_outputs(self, X, method):
        """Check that the model is fitted, validate ``X``, return the outputs.

        ``X`` must be of the namespace and on the device the model was
        fitted on (``method`` names the caller in the error).
        """
        check_is_fitted(self)
        xp = input_namespace(X)
        X = validate_quietly(
            self,
            _checked_array(X, xp),
            accept_sparse=("csr", "csc"),
            reset=False,
            dtype="numeric" if is_numpy(xp) else (xp.float64, xp.float32),
        )
        self._check_same_namespace(X, method)
        coefs, intercepts = self.coefs_, self.intercepts_
        if not is_numpy(xp) and X.dtype != coefs[0].dtype:
            # As NumPy does: compute in the wider of the two float dtypes.
            dtype = xp.result_type(X.dtype, coefs[0].dtype)
            X = xp.astype(X, dtype)
            coefs = [xp.astype(c, dtype) for c in coefs]
            intercepts = [xp.astype(b, dtype) for b in intercepts]
        return predict_outputs(
            coefs,
            intercepts,
            X,
            self.hidden_activations_,
            self.out_activation_,
        )

    def _check_same_namespace(self, X, method):
        """Raise unless validated ``X`` is of the namespace and on the device
        of the fitted weights."""
        fitted = self.coefs_[0]
        xp, fitted_xp = namespace(X), namespace(fitted)
        if xp is fitted_xp and device(X) == device(fitted):
            return
        if not get_config()["array_api_dispatch"]:
            given = "NumPy arrays (array_api_dispatch is off, so X was converted)"
            remedy = "Turn it on with sklearn.set_config(array_api_dispatch=True)."
        else:
            given = "a sparse matrix" if sp.issparse(X) else _described(X)
            remedy = (
                "Pass X as such arrays (sparse matrices are NumPy only), or fit "
                "the model on arrays like X."
            )
        raise ValueError(
            f"Inputs passed to {type(self).__name__}.{method}() must use the same "
            "namespace and the same device as those passed to fit(). The model "
            f"was fitted on {_described(fitted)} and got {given}. {remedy}"
        )

    def _score_on_host(self, metric, X, y, sample_weight):
        """``metric`` of the predictions for ``X`` against ``y``, as a float,
        computed on the host whatever the namespace of the data."""
        y_pred = to_numpy(self.predict(X))
        return float(metric(to_numpy(y), y_pred, sample_weight=to_numpy(sample_weight)))

    # --------------------------------------------------------------- fitting

    def _fit(self, X, y, sample_weight, X_val, y_val, incremental, classes=None):
        hidden_layer_sizes = self._checked_hidden_layer_sizes()
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        activations, dropout = layer_settings(self, len(hidden_layer_sizes))
        first_pass = self._is_first_pass(incremental, classes)
        X, y, targets = self._training_data(
            X, y, first_pass, incremental, to_numpy(classes)
        )
        if not first_pass:
            self._check_same_namespace(X, "partial_fit" if incremental else "fit")
            X = _in_dtype_of(X, self.coefs_[0])
        task = FitTask.start(
            self,
            X,
            y,
            sample_weight,
            "partial_fit" if incremental else "fit",
            (1 if incremental else self.max_iter) + (self.solver == "lbfgs"),
        )
        problem = replace(
            self._problem(X, y, sample_weight, targets),
            activation=activations,
            dropout=dropout,
        )
        validation = self._validation_data(X_val, y_val, targets, X)
        if validation is not None:
            warn_if_scale_mismatch(X, validation[0])
        layer_units = [X.shape[1], *hidden_layer_sizes, targets.n_outputs]
        rng = check_random_state(self.random_state)
        if first_pass:
            state = self._initial_state(layer_units, activations, rng, X)
        else:
            state = self._resumed_state(layer_units, incremental)
        problem = self._with_validation(problem, validation, rng, incremental)
        self._prepare_stopping_rule(state, problem)
        listeners = self._listeners(problem, task, targets, layer_units)
        # Overflow while diverging is reported once, as an error or a warning,
        # rather than as a stream of RuntimeWarnings.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            SOLVERS[self.solver](problem, state, listeners, self, rng, incremental)
        if not all(all_finite(p) for p in state.coefs_ + state.intercepts_):
            raise ValueError(DIVERGED_MESSAGE.format(detail="after training"))
        self._commit(targets, layer_units, state)
        if task is not None:
            task.end()
        return self

    def _training_data(self, X, y, first_pass, incremental, classes):
        """Validated ``X`` and ``y``, and the targets: new, or the fitted ones.

        ``X`` keeps its namespace and device (with ``array_api_dispatch``);
        ``y`` is handled on the host, as a NumPy array.
        """
        xp = input_namespace(X)
        X, y = validate_quietly(
            self,
            _checked_array(X, xp),
            to_numpy(y),
            accept_sparse=("csr", "csc"),
            multi_output=True,
            dtype=(xp.float64, xp.float32),
            reset=first_pass,
            **self._y_validation,
        )
        if sp.issparse(X) and X.format == "csc":
            X = X.tocsr()  # once, for row batches
        sparse_y = sp.issparse(y)
        y = self._check_y(y)
        if first_pass:
            return X, y, self._targets_from(y, classes, sparse_y)
        return X, y, self._fitted_targets(y, incremental)

    def _checked_hidden_layer_sizes(self):
        sizes = np.atleast_1d(self.hidden_layer_sizes).tolist()
        if not all(isinstance(s, Integral) for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive integers, got {sizes}."
            )
        if not all(s > 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return sizes

    def _is_first_pass(self, incremental, classes):
        """Whether this call starts a new network."""
        if incremental:
            return not hasattr(self, "coefs_")
        return not (hasattr(self, "coefs_") and self.warm_start)

    def _fitted_targets(self, y, incremental):
        """The fitted model's targets, checked against this call's ``y`` and loss."""
        targets = self._targets
        if self.loss != targets.loss:
            remedy = (
                "partial_fit cannot change it, fit a new model."
                if incremental
                else "set warm_start=False to fit a new network."
            )
            raise ValueError(
                f"loss={self.loss!r} differs from loss={targets.loss!r} the model "
                f"was fitted with; {remedy}"
            )
        if not incremental:
            targets.check_same_classes(y)
        return targets

    def _sample_weight(self, sample_weight, X, y, targets):
        """Validated sample weights times class weights (None if all are one).

        The arithmetic that cannot overflow, and its checks, are in
        :mod:`skscratch._weights`.
        """
        if sample_weight is not None:
            with config_context(array_api_dispatch=False):  # on the host
                sample_weight = _check_sample_weight(  # float32 stays float32
                    to_numpy(sample_weight), X, ensure_non_negative=True
                )
        class_weight = getattr(self, "class_weight", None)
        class_weights = (
            None
            if class_weight is None
            else targets.class_sample_weight(y, sample_weight, class_weight)
        )
        dtype = numpy_dtype(X.dtype)
        if (
            class_weights is None
            and getattr(sample_weight, "dtype", None) == np.float32
        ):
            dtype = sample_weight.dtype  # kept, as scikit-learn's MLP estimators do
        weights = combined_sample_weight(sample_weight, class_weights, dtype)
        check_penalty_scale(weights, self.alpha)
        return weights

    def _gradient_problem(self, X, y, sample_weight):
        """The problem a fitted model's gradient is checked on: ``X`` and ``y``
        validated as for prediction, encoded and weighted as ``fit`` does."""
        X, y = validate_quietly(
            self,
            X,
            y,
            reset=False,
            accept_sparse=("csr", "csc"),
            multi_output=True,
            dtype=np.float64,
            **self._y_validation,
        )
        problem = self._problem(X, self._check_y(y), sample_weight, self._targets)
        activation, dropout = layer_settings(self, self.n_layers_ - 2)
        return replace(problem, activation=activation, dropout=dropout)

    def _problem(self, X, y, sample_weight, targets):
        """The training problem of validated ``X`` and ``y`` (no validation data),
        with the targets and weights in the namespace and on the device of ``X``."""
        return Problem(
            X=X,
            Y=_like(targets.encode(y), X),
            sample_weight=_like(
                self._sample_weight(sample_weight, X, y, targets), X, dtype=None
            ),
            activation=self.activation,
            loss=targets.loss_name,
            alpha=self.alpha,
            targets=targets,
        )

    def _validation_data(self, X_val, y_val, targets, X):
        """Validate a user-supplied validation set: (X_val, Y_val, None) or None,
        in the namespace, on the device and of the dtype of ``X``."""
        if X_val is None:
            return None
        xp = input_namespace(X_val)
        X_val = validate_quietly(
            self,
            _checked_array(X_val, xp),
            accept_sparse=("csr", "csc"),
            dtype=numpy_dtype(X.dtype) if is_numpy(xp) else (xp.float64, xp.float32),
            reset=False,
        )
        X_val = _like(X_val, X)
        if not is_numpy(namespace(X)):  # finite in the dtype of X too
            with np.errstate(over="ignore", invalid="ignore"):
                assert_all_finite(X_val, input_name="X_val")
        y_val = self._check_y_val(to_numpy(y_val), targets)
        if y_val.shape[0] != X_val.shape[0]:
            raise ValueError(
                f"X_val and y_val have different numbers of samples: "
                f"{X_val.shape[0]} and {y_val.shape[0]}."
            )
        return X_val, _like(targets.encode(y_val, name="y_val"), X_val), None

    def _initial_state(self, layer_units, activation, rng, X):
        """A new network: the initial weights and empty records. The weights
        are drawn on the host, then moved to the namespace and device of ``X``."""
        coefs, intercepts = initialize_parameters(
            layer_units, self.init, activation, rng, numpy_dtype(X.dtype)
        )
        return TrainingState(
            [_like(c, X) for c in coefs], [_like(b, X) for b in intercepts]
        )

    def _resumed_state(self, layer_units, incremental):
        """Warm start or partial_fit: a copy of the fitted state, same layers."""
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
        return TrainingState.of(self, keep_optimizer=incremental)

    def _prepare_stopping_rule(self, state, problem):
        """Set up what this call's stopping rule and records need.

        Runs after a first initialisation and after a resume alike, so that a
        warm start may turn early stopping on (the best validation score is
        tracked from this call on, and ``best_loss_`` is ``None``) or off (the
        best validation score and its weights are dropped).
        """
        if problem.validation is not None and state.validation_scores_ is None:
            state.validation_scores_ = []
        if problem.early_stopping:
            state.best_loss_ = None
            if state.best_validation_score_ is None:
                state.remember_as_best(-np.inf)
            return
        state.best_validation_score_ = None
        state._best_coefs = state._best_intercepts = None
        if state.best_loss_ is None:
            state.best_loss_ = np.inf

    def _with_validation(self, problem, validation, rng, incremental):
        """The problem with its validation data and whether early stopping
        watches it: the user's data, or a split drawn as scikit-learn draws it.

        Early stopping needs a stochastic solver. ``partial_fit`` trains on all
        of its data without holding any out, as SGDClassifier's does; so does
        ``fit`` on data too small to hold out two samples, with a warning.
        """
        early_stopping = (
            self.early_stopping
            and self.solver in STOCHASTIC_SOLVERS
            and not incremental
        )
        if validation is not None or not early_stopping:
            return replace(
                problem, validation=validation, early_stopping=early_stopping
            )
        split = self._early_stopping_split(problem, rng)
        if split is None:
            return problem
        train_rows, valid_rows = split
        X, weight = problem.X, problem.sample_weight
        held_out = _like(valid_rows, X, dtype=None)
        return replace(
            problem,
            rows=train_rows,
            validation=(
                take_rows(X, held_out),
                take_rows(problem.Y, held_out),
                None if weight is None else take_rows(weight, held_out),
            ),
            early_stopping=True,
        )

    def _early_stopping_split(self, problem, rng):
        """Training and validation row indices for early stopping, or None
        (with a warning) when the data are too few to hold out 2 samples."""
        if self.validation_fraction == 0:
            raise ValueError(
                "validation_fraction=0.0 leaves no validation data for "
                "early_stopping=True: set validation_fraction > 0, or pass X_val "
                "and y_val."
            )
        n_samples = problem.Y.shape[0]
        if math.ceil(self.validation_fraction * n_samples) < 2:
            warn(
                f"early_stopping=True holds out a validation_fraction of "
                f"{self.validation_fraction} of the data, which is less than 2 of "
                f"its {n_samples} samples: training without early stopping. Pass "
                "X_val and y_val, or raise validation_fraction.",
                UserWarning,
            )
            return None
        train_rows, valid_rows = train_test_split(
            np.arange(n_samples),
            random_state=rng,
            test_size=self.validation_fraction,
            stratify=problem.targets.stratify(to_numpy(problem.Y)),
        )
        weight = to_numpy(problem.sample_weight)
        if weight is not None:
            for part, rows in (("training", train_rows), ("validation", valid_rows)):
                if not weight[rows].sum() > 0:
                    raise ValueError(
                        f"The sample weights of the {part} part of the "
                        "early-stopping split sum to zero: give positive "
                        "weights to more samples, or pass X_val and y_val."
                    )
        return train_rows, valid_rows

    def _listeners(self, problem, task, targets, layer_units):
        """What runs at the end of each epoch, in order: the records, the
        printing, the stopping rule, and the callbacks' hooks."""
        listeners = [Recorder()]
        if self.verbose:
            listeners.append(VerbosePrinter())
        if self.solver in STOCHASTIC_SOLVERS:
            listeners.append(
                NoImprovementRule(
                    self.tol,
                    self.n_iter_no_change,
                    problem.early_stopping,
                    self.verbose,
                )
            )
        if task is not None and task.has_callbacks:

            def fitted_attributes(state):
                return {
                    **self._network_attributes(targets, layer_units, state),
                    **state.copied_attributes(),
                }

            epoch = "lbfgs-iteration" if self.solver == "lbfgs" else "epoch"
            listeners.append(task.epoch_listener(fitted_attributes, epoch))
        return listeners

    def _network_attributes(self, targets, layer_units, state):
        """The fitted attributes that describe the network and its targets
        (those that are arrays in the namespace of the state's weights)."""
        return {
            "hidden_activations_": layer_activations(
                self.activation, len(layer_units) - 2
            ),
            "_targets": targets,
            "n_layers_": len(layer_units),
            "n_outputs_": layer_units[-1],
            "out_activation_": LOSSES[targets.loss_name].output_activation,
            **targets.fitted_attributes(like=state.coefs_[0]),
        }

    def _commit(self, targets, layer_units, state):
        """Take the trained state: the one place a call changes the model."""
        vars(self).update(self._network_attributes(targets, layer_units, state))
        state.commit_to(self)
