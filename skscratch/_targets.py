"""What differs between classification and regression: the targets.

The network only sees a matrix ``Y`` of targets, one column per output unit,
and produces a matrix of outputs. A targets object stands between that matrix
and the user's ``y``: it encodes ``y`` into ``Y``, names the loss the network
trains with, turns outputs back into predictions, and scores outputs against
``Y`` (accuracy for classes, R² for real values), for the history and for early
stopping. :class:`ClassTargets` serves ScratchMLPClassifier and
:class:`RealTargets` ScratchMLPRegressor.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import r2_score
from sklearn.utils.multiclass import type_of_target, unique_labels

from ._weights import per_sample_class_weights
from ._xp import (
    all_finite,
    count_true,
    device,
    dot,
    namespace,
    row_argmax,
    scalar,
    to_namespace,
    to_numpy,
    total,
    weighted_mean,
)

_CLASS_LOSSES = {
    ("log_loss", "multiclass"): "categorical_cross_entropy",
    ("log_loss", "binary"): "binary_cross_entropy",
    ("log_loss", "multilabel-indicator"): "binary_cross_entropy",
}
_REAL_LOSSES = {
    "squared_error": "half_mean_squared_error",
    "poisson": "half_poisson_deviance",
}


class ClassTargets:
    """Class labels (binary, multiclass) or label indicators (multilabel).

    Parameters
    ----------
    classes : ndarray
        The classes, sorted (for multilabel targets, the label indices).
    kind : {"binary", "multiclass", "multilabel-indicator"}
        The type of target (``"binary"`` also for a single class, as in
        MLPClassifier).
    loss : {"log_loss", "squared_error"}
        The estimator's ``loss``.
    sparse : bool
        Whether ``y`` was a sparse indicator matrix (predictions are then CSR).
    """

    def __init__(self, classes, kind, loss, sparse=False):
        self.classes = classes
        self.kind = kind
        self.loss = loss
        self.sparse = sparse

    @classmethod
    def from_labels(cls, y, classes, loss, sparse):
        """The targets of a first fit, from ``y`` (or from ``classes``)."""
        if y.ndim == 2 and type_of_target(y) == "multilabel-indicator":
            labels = np.arange(y.shape[1])
            if classes is not None and not np.array_equal(
                unique_labels(classes).astype(object), labels.astype(object)
            ):
                raise ValueError(
                    f"classes={np.asarray(classes).tolist()} does not match y, a "
                    f"label indicator matrix whose labels are {labels.tolist()}."
                )
            return cls(labels, "multilabel-indicator", loss, sparse)
        found = unique_labels(y if classes is None else classes)
        return cls(
            found, "multiclass" if found.shape[0] > 2 else "binary", loss, sparse
        )

    @property
    def loss_name(self):
        """Name of the network's loss in ``_losses.LOSSES``."""
        return _CLASS_LOSSES.get((self.loss, self.kind), "half_squared_error")

    @property
    def n_outputs(self):
        """Output units: one per class, or a single one for binary log-loss."""
        if self.kind == "binary" and self.loss == "log_loss":
            return 1
        return self.classes.shape[0]

    def fitted_attributes(self, like):
        """Fitted attributes that come from the targets: ``classes_``, in the
        namespace and on the device of ``like`` where it can hold them (as
        scikit-learn's classifiers do; string labels stay NumPy)."""
        return {"classes_": _where_possible(self.classes, like)}

    def check_same_classes(self, y):
        """Warm start: ``y`` must hold the classes of the fitted model."""
        classes = np.arange(y.shape[1]) if y.ndim == 2 else unique_labels(y)
        if set(classes.tolist()) != set(self.classes.tolist()):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in "
                f"the previous call to fit. Previously got {self.classes}, `y` has "
                f"{classes}."
            )

    def encode(self, y, name="y"):
        """One boolean column per output unit (``name`` is used in errors)."""
        if self.kind == "multilabel-indicator":
            if y.ndim != 2 or y.shape[1] != self.classes.shape[0]:
                raise ValueError(
                    f"{name} has {y.shape[1] if y.ndim == 2 else 1} labels per "
                    f"sample; the model was fitted with {self.classes.shape[0]}."
                )
            return np.asarray(y, dtype=bool)
        if y.ndim != 1:
            raise ValueError(
                f"{name} is a label indicator matrix but the model was fitted on "
                f"{self.kind} targets."
            )
        indices = self.indices(y, name)
        if self.n_outputs == 1:
            return (indices == 1)[:, np.newaxis]
        one_hot = np.zeros((y.shape[0], self.n_outputs), dtype=bool)
        one_hot[np.arange(y.shape[0]), indices] = True
        return one_hot

    def indices(self, y, name="y"):
        """Index in ``classes`` of each label of ``y``; an error for unknown ones."""
        n_classes = self.classes.shape[0]
        indices = np.searchsorted(self.classes, y)
        known = (indices < n_classes) & (
            self.classes[np.minimum(indices, n_classes - 1)] == y
        )
        if not known.all():
            raise ValueError(
                f"{name} contains labels not in classes_ {self.classes.tolist()}: "
                f"{np.unique(y[~known]).tolist()}."
            )
        return indices

    def stratify(self, Y):
        """What the early-stopping split stratifies on: binary targets only,
        as MLPClassifier (the positive column, as a column)."""
        return Y[:, -1:] if self.kind == "binary" else None

    def predicted_indices(self, outputs):
        """Index of the predicted class (or 0/1 per label for multilabel)."""
        xp = namespace(outputs)
        if self.kind == "multilabel-indicator":
            return xp.astype(outputs > 0.5, xp.int64)
        if self.classes.shape[0] == 1:
            return xp.zeros(outputs.shape[0], dtype=xp.int64, device=device(outputs))
        if outputs.shape[1] == 1:
            return xp.astype(outputs[:, 0] > 0.5, xp.int64)
        return row_argmax(outputs)

    def predict(self, outputs):
        """Labels predicted from the outputs, in the outputs' namespace (NumPy
        for labels that are not numbers, such as strings)."""
        predicted = self.predicted_indices(outputs)
        if self.kind == "multilabel-indicator":
            return sp.csr_matrix(to_numpy(predicted)) if self.sparse else predicted
        labels = self.classes[to_numpy(predicted)]  # looked up on the host
        return _where_possible(labels, outputs)

    def proba(self, outputs):
        """Class probabilities from the outputs, in the order of ``classes``."""
        xp = namespace(outputs)
        if self.kind == "multilabel-indicator":
            eps = xp.finfo(outputs.dtype).eps
            return xp.clip(outputs, eps, 1 - eps)
        if self.classes.shape[0] == 1:
            return xp.ones_like(outputs[:, :1])
        if self.loss == "log_loss" and self.kind == "multiclass":
            return outputs
        if outputs.shape[1] == 1:
            return xp.concat([1 - outputs, outputs], axis=1)
        totals = xp.sum(outputs, axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return xp.where(totals > 0, outputs / totals, 1 / outputs.shape[1])

    def correct_weight(self, outputs, Y, sample_weight):
        """Number (total weight) of samples whose outputs predict the targets ``Y``
        (a float on NumPy, a 0-d array on other namespaces)."""
        if Y.shape[1] > 1 and self.kind != "multilabel-indicator":
            correct = row_argmax(outputs) == row_argmax(Y)
        else:
            correct = self._correct_rows(outputs, Y)
        if sample_weight is None:
            return count_true(correct)
        xp = namespace(outputs)
        return scalar(dot(xp.astype(correct, sample_weight.dtype), sample_weight))

    def _correct_rows(self, outputs, Y):
        """Whether each row's outputs predict its targets, for labels that are
        not one-hot classes (multilabel, binary, a single class)."""
        xp = namespace(outputs)
        if self.kind == "multilabel-indicator":
            return xp.all((outputs > 0.5) == _as_bool(Y), axis=1)
        if self.classes.shape[0] == 1:
            return xp.ones(Y.shape[0], dtype=xp.bool, device=device(Y))
        return (outputs[:, 0] > 0.5) == _as_bool(Y[:, 0])

    def score(self, outputs, Y, sample_weight):
        """Accuracy of the outputs against the encoded targets ``Y``."""
        seen = Y.shape[0] if sample_weight is None else float(total(sample_weight))
        return float(self.correct_weight(outputs, Y, sample_weight)) / seen

    def running_score(self, Y, sample_weight):
        """An accumulator of the accuracy over an epoch's batches."""
        return _RunningAccuracy(self)

    def class_sample_weight(self, y, sample_weight, class_weight):
        """The class weight of each sample's class (see ``_weights``)."""
        return per_sample_class_weights(
            class_weight, y, self.classes, self.kind, sample_weight
        )


def _where_possible(labels, like):
    """NumPy ``labels`` in the namespace and on the device of ``like``, or as
    they are where that namespace cannot hold them (strings; some libraries
    lack unsigned or half-precision types)."""
    if isinstance(like, np.ndarray) or labels.dtype.kind not in "biuf":
        return labels
    try:
        return to_namespace(labels, namespace(like), device(like))
    except (TypeError, ValueError, RuntimeError):
        return labels


def _as_bool(Y):
    """Encoded 0/1 targets as booleans (on NumPy they are booleans already)."""
    return Y if Y.dtype == bool else Y > 0.5


class _RunningAccuracy:
    """Accuracy over the batches of an epoch, each measured before its update."""

    def __init__(self, targets):
        self._targets = targets
        self._correct = self._seen = 0  # an integer adds to any array

    def add(self, outputs, Y, sample_weight):
        self._correct += self._targets.correct_weight(outputs, Y, sample_weight)
        self._seen += Y.shape[0] if sample_weight is None else total(sample_weight)

    def value(self):
        return float(self._correct) / float(self._seen)


class RealTargets:
    """Real-valued targets, one column per output.

    Parameters
    ----------
    n_outputs : int
        Number of targets per sample.
    loss : {"squared_error", "poisson"}
        The estimator's ``loss``.
    """

    def __init__(self, n_outputs, loss):
        self.n_outputs = n_outputs
        self.loss = loss

    @classmethod
    def from_values(cls, y, loss):
        """The targets of a first fit."""
        return cls(1 if y.ndim == 1 else y.shape[1], loss)

    @property
    def loss_name(self):
        """Name of the network's loss in ``_losses.LOSSES``."""
        return _REAL_LOSSES[self.loss]

    def fitted_attributes(self, like):
        """Fitted attributes that come from the targets (none)."""
        return {}

    def check_same_classes(self, y):
        """Nothing to check: regression has no classes."""

    def encode(self, y, name="y"):
        """``y`` as a float matrix with one column per output."""
        Y = np.asarray(y, dtype=np.result_type(y.dtype, np.float32))
        Y = Y.reshape(-1, 1) if Y.ndim == 1 else Y
        if Y.shape[1] != self.n_outputs:
            raise ValueError(
                f"{name} has {Y.shape[1]} target(s) per sample; the model was fitted "
                f"with {self.n_outputs}."
            )
        if self.loss == "poisson" and (Y < 0).any():
            raise ValueError(
                f"Some value(s) of {name} are negative which is not allowed for "
                "Poisson regression."
            )
        return Y

    def stratify(self, Y):
        """The early-stopping split of real targets is not stratified."""
        return None

    def predict(self, outputs):
        """The outputs themselves (a vector for a single target)."""
        if outputs.shape[1] == 1:
            return namespace(outputs).reshape(outputs, (-1,))
        return outputs

    def score(self, outputs, Y, sample_weight):
        """R² of the outputs (NaN if any is not finite), as MLPRegressor scores."""
        if not all_finite(outputs):
            return np.nan
        return float(r2_score(Y, outputs, sample_weight=sample_weight))

    def running_score(self, Y, sample_weight):
        """An accumulator of the R² over an epoch's batches."""
        return _RunningR2(Y, sample_weight)


class _RunningR2:
    """R² over the batches of an epoch, each batch predicted before its update.

    The total sum of squares is that of the epoch's training targets, computed
    once; the residual sums of squares are added up batch by batch. Like
    ``r2_score``, a constant target scores 1 when predicted exactly, else 0,
    and several targets average their R².
    """

    def __init__(self, Y, sample_weight):
        xp = self._xp = namespace(Y)
        weights = (
            xp.ones(Y.shape[0], dtype=Y.dtype, device=device(Y))
            if sample_weight is None
            else sample_weight
        )
        mean = weighted_mean(Y, weights)
        self._total = weights @ (Y - mean) ** 2
        self._residual = xp.zeros_like(self._total)

    def add(self, outputs, Y, sample_weight):
        squares = (Y - outputs) ** 2
        self._residual += (
            self._xp.sum(squares, axis=0)
            if sample_weight is None
            else sample_weight @ squares
        )

    def value(self):
        xp, total, residual = self._xp, self._total, self._residual
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = xp.where(
                total > 0,
                1 - residual / total,
                xp.astype(residual == 0, total.dtype),
            )
        return float(xp.mean(r2))
