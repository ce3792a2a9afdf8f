"""ScratchMLPClassifier: the classifier twin of scikit-learn's MLPClassifier.

What is particular to classes lives here and in
:class:`skscratch._targets.ClassTargets`; the parameters and the fit machinery
are shared with the regressor in :mod:`skscratch._base`.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import check_array, column_or_1d

from ._base import BaseScratchMLP, keeps_model_on_error, with_shared_docs
from ._targets import ClassTargets
from ._xp import namespace, to_numpy


def classification_targets(y):
    """``y`` as a dense array of labels or label indicators, checked as targets."""
    if sp.issparse(y):  # a sparse label indicator matrix
        y = y.toarray()
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    return y


@with_shared_docs
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
    {shared_parameters}
    loss : {"log_loss", "squared_error"}, default="log_loss"
        ``"log_loss"``: cross-entropy with a softmax output for multiclass
        targets and logistic outputs for binary and multilabel targets, as
        MLPClassifier. ``"squared_error"``: the notebook's network, one logistic
        output unit per class trained on the one-hot target with half the squared
        error; :meth:`predict_proba` then divides each row of outputs by its sum
        so that it sums to 1 (for multilabel targets the outputs are clipped to
        ``[eps, 1 - eps]``, as for ``"log_loss"``).

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
        Class labels (for multilabel targets, the label indices): a NumPy
        array, also when the model computes on another array namespace.

    out_activation_ : str
        Name of the output activation (``"softmax"`` or ``"logistic"``).

    {shared_attributes}
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

    With ``sklearn.set_config(array_api_dispatch=True)`` the network trains
    and predicts in the array namespace and on the device of ``X`` (PyTorch,
    CuPy, or any array API library); see the user guide's "GPU and the array
    API".

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
        dropout=0.0,
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
            dropout=dropout,
        )
        self.class_weight = class_weight

    @keeps_model_on_error
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
        return self._fit(X, y, sample_weight, X_val, y_val, incremental=False)

    @available_if(BaseScratchMLP._check_solver)
    @keeps_model_on_error
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
        outputs = self._validated_outputs(X, "predict_proba")
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
        outputs = self._validated_outputs(X, "predict_log_proba")
        proba = self._targets.proba(outputs)
        with np.errstate(divide="ignore"):
            return namespace(proba).log(proba)

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
        outputs = self._validated_outputs(X, "predict")
        return self._targets.predict(outputs)

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of the predictions for ``X`` against ``y``.

        As :meth:`sklearn.base.ClassifierMixin.score`, for data of any array
        namespace: the accuracy is computed on the host.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            The :ref:`accuracy <accuracy_score>` (for multilabel targets, the
            fraction of samples whose labels are all predicted right).
        """
        return self._score_on_host(accuracy_score, X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    # ------------------------------------------------------------ targets

    def _check_y(self, y):
        y = classification_targets(y)
        if y.ndim == 2 and type_of_target(y) == "multiclass-multioutput":
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
        fitted = to_numpy(self.classes_)
        if classes is not None and not np.array_equal(
            unique_labels(to_numpy(classes)), fitted
        ):
            raise ValueError(
                f"classes={np.asarray(to_numpy(classes)).tolist()} is not the same "
                f"as on the last call to partial_fit, was: {fitted.tolist()}."
            )
        return False
