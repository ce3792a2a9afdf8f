"""ScratchMLPClassifier: the classifier twin of scikit-learn's MLPClassifier.

What is particular to classes lives here and in
:class:`skscratch._targets.ClassTargets`; the parameters and the fit machinery
are shared with the regressor in :mod:`skscratch._base`.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import check_array, column_or_1d

from ._base import BaseScratchMLP, keeps_model_on_error
from ._targets import ClassTargets


def classification_targets(y):
    """``y`` as a dense array of labels or label indicators, checked as targets."""
    if sp.issparse(y):  # a sparse label indicator matrix
        y = y.toarray()
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    return y


class ScratchMLPClassifier(ClassifierMixin, BaseScratchMLP):
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
        **BaseScratchMLP._parameter_constraints,
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    _y_validation = {}

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
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            loss=loss,
            init=init,
        )
        self.class_weight = class_weight

    @_fit_context(prefer_skip_nested_validation=True)
    @keeps_model_on_error
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
        return self._fit(X, y, sample_weight, X_val, y_val, incremental=False)

    @available_if(BaseScratchMLP._check_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    @keeps_model_on_error
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
        return self._fit(
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
        outputs = self._validated_outputs(X)
        return self._targets.proba(outputs)

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
        outputs = self._validated_outputs(X)
        return self._targets.predict(outputs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    # ------------------------------------------------------------ targets

    def _check_y(self, y):
        y = classification_targets(y)
        if type_of_target(y) == "multiclass-multioutput":
            raise ValueError(
                "y has several columns of class labels (multiclass-multioutput), "
                "which is not supported: give one column of labels, or a multilabel "
                "indicator matrix of 0 and 1."
            )
        return y

    def _check_y_val(self, y_val, targets):
        y_val = classification_targets(
            check_array(
                y_val,
                accept_sparse="csr",
                ensure_2d=False,
                dtype=None,
                input_name="y_val",
            )
        )
        multilabel = targets.kind == "multilabel-indicator"
        if multilabel != (type_of_target(y_val) == "multilabel-indicator"):
            raise ValueError(
                f"y_val must hold the same kind of targets as y "
                f"({targets.kind}); got {type_of_target(y_val)} targets."
            )
        return y_val

    def _targets_from(self, y, classes, sparse):
        return ClassTargets.from_labels(y, classes, self.loss, sparse)

    def _is_first_pass(self, incremental, classes):
        if not incremental:
            return super()._is_first_pass(incremental, classes)
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
