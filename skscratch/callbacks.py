"""Callbacks for skscratch's estimators, in scikit-learn's callback protocol.

They need scikit-learn 1.9 or newer (``sklearn.callback``), and are set with
``set_callbacks`` on a :class:`~skscratch.ScratchMLPClassifier` or a
:class:`~skscratch.ScratchMLPRegressor`, alongside scikit-learn's own
``ProgressBar`` and ``ScoringMonitor``. Each reacts to the end of every epoch
(every L-BFGS iteration), where the estimator hands the hooks a
``fitted_estimator`` that predicts as of that epoch and holds its
``history_`` so far:

- :class:`EarlyStopping` stops training when a figure of ``history_`` stops
  improving, and puts back the weights of its best epoch;
- :class:`Checkpoint` saves the model with skops every few epochs or when a
  figure improves, to be loaded back with :func:`skscratch.load_model` and
  trained further;
- :class:`HistoryRecorder` keeps the ``history_`` of every fit it sees, for
  example each fit of a grid search.

A callback instance keeps what it learns per fit, so the same instance can be
shared by the clones a grid search makes (with ``n_jobs=1`` or the threading
backend: a copy sent to another process keeps its records there).
"""

import copy
import math
import os
from numbers import Integral, Real

_EPOCH_TASKS = ("epoch", "lbfgs-iteration")


def _epoch_record(context, fitted_estimator):
    """The record of the epoch that just ended, or None for other tasks."""
    if context.task_name not in _EPOCH_TASKS or fitted_estimator is None:
        return None
    history = getattr(fitted_estimator, "history_", None)
    return history[-1] if history else None


def _improves(value, best, mode, min_delta):
    """Whether ``value`` beats ``best`` by more than ``min_delta``."""
    if value is None or math.isnan(value):
        return False
    if best is None:
        return True
    return value < best - min_delta if mode == "min" else value > best + min_delta


def _check_monitor(monitor, optional=False):
    if monitor is None and optional:
        return
    if not isinstance(monitor, str):
        raise TypeError(f"monitor must be a key of history_, a str; got {monitor!r}.")


def _check_positive_int(name, value, optional=False):
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")


def _monitored(record, monitor, callback):
    """The monitored figure of the epoch's record; a ValueError if unrecorded."""
    if monitor not in record:
        raise ValueError(
            f"{callback} monitors {monitor!r}, which the history has not "
            f"recorded; its keys are {sorted(record)} (the validation figures "
            "need validation data: X_val and y_val, or early_stopping=True)."
        )
    return record[monitor]


def _mode(monitor, mode):
    if mode in ("min", "max"):
        return mode
    if mode != "auto":
        raise ValueError(f"mode must be 'min', 'max' or 'auto'; got {mode!r}.")
    return "min" if monitor.endswith("loss") else "max"


class EarlyStopping:
    """Stop training when a figure of ``history_`` stops improving.

    Parameters
    ----------
    monitor : str, default="valid_loss"
        A key of the estimator's ``history_`` records: ``"valid_loss"`` or
        ``"valid_score"`` (with validation data), ``"train_loss"`` or
        ``"train_score"``.
    patience : int, default=5
        Epochs without improvement tolerated before training stops.
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.
    mode : {"auto", "min", "max"}, default="auto"
        Whether lower or higher is better; ``"auto"`` takes lower for names
        ending in ``loss``, higher otherwise.
    restore_best : bool, default=True
        After training, put back the weights of the best epoch.

    Attributes
    ----------
    best_epoch_ : int or None
        The ``history_`` epoch of the best value of the last fit.
    best_value_ : float or None
        That value.
    stopped_epoch_ : int or None
        The epoch after which this callback stopped the last fit (None if it
        did not).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skscratch import ScratchMLPClassifier
    >>> from skscratch.callbacks import EarlyStopping
    >>> X, y = load_iris(return_X_y=True)
    >>> stopper = EarlyStopping(monitor="valid_loss", patience=3)
    >>> clf = ScratchMLPClassifier(max_iter=500, learning_rate_init=0.05,
    ...                            random_state=0).set_callbacks(stopper)
    >>> clf = clf.fit(X[::2], y[::2], X_val=X[1::2], y_val=y[1::2])
    >>> clf.n_iter_ == stopper.stopped_epoch_ < 500
    True
    """

    def __init__(
        self,
        monitor="valid_loss",
        *,
        patience=5,
        min_delta=0.0,
        mode="auto",
        restore_best=True,
    ):
        self.monitor = monitor
        self.patience = patience
        self.min_delta = min_delta
        self.mode = mode
        self.restore_best = restore_best
        self._runs = {}

    def setup(self, estimator, context):
        _check_monitor(self.monitor)
        _mode(self.monitor, self.mode)
        _check_positive_int("patience", self.patience)
        if not (isinstance(self.min_delta, Real) and 0 <= self.min_delta < math.inf):
            raise ValueError(
                f"min_delta must be a finite number >= 0; got {self.min_delta!r}."
            )
        self._runs[id(context)] = {"best": None, "epoch": None, "weights": None}
        self.best_epoch_ = self.best_value_ = self.stopped_epoch_ = None

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        record = _epoch_record(context, fitted_estimator)
        run = self._runs.get(id(context.parent))
        if record is None or run is None:
            return False
        value = _monitored(record, self.monitor, "EarlyStopping")
        mode = _mode(self.monitor, self.mode)
        if _improves(value, run["best"], mode, self.min_delta):
            run["best"], run["epoch"] = value, record["epoch"]
            run["weights"] = (fitted_estimator.coefs_, fitted_estimator.intercepts_)
            return False
        if record["epoch"] - (run["epoch"] or 0) < self.patience:
            return False
        self.stopped_epoch_ = fitted_estimator.n_iter_
        return True

    def teardown(self, estimator, context):
        run = self._runs.pop(id(context), None)
        if run is None:
            return
        self.best_epoch_, self.best_value_ = run["epoch"], run["best"]
        if self.restore_best and run["weights"] is not None:
            estimator.coefs_, estimator.intercepts_ = run["weights"]


class Checkpoint:
    """Save the model with skops as training goes, to resume it later.

    Parameters
    ----------
    path : str or path-like
        Where to write; ``{epoch}`` in it is replaced by the epoch number, so
        each checkpoint gets a file of its own (otherwise each overwrites the
        last).
    every : int or None, default=None
        Save every ``every`` epochs.
    monitor : str or None, default=None
        A key of ``history_`` (as in :class:`EarlyStopping`): save whenever it
        improves. ``every`` and ``monitor`` may be combined; with neither, the
        model is saved after every epoch.
    mode : {"auto", "min", "max"}, default="auto"
        As in :class:`EarlyStopping`.

    Attributes
    ----------
    saved_ : list of str
        The files written, in order.

    Notes
    -----
    A checkpoint is the model as of its epoch, without the optimizer's
    statistics. Load it with :func:`skscratch.load_model` and train further
    with ``warm_start=True`` and ``fit``, or with ``partial_fit`` (both start
    a new optimizer).
    """

    def __init__(self, path, *, every=None, monitor=None, mode="auto"):
        self.path = path
        self.every = every
        self.monitor = monitor
        self.mode = mode
        self._best = {}

    def setup(self, estimator, context):
        import skops.io  # noqa: F401 -- fail at the start of fit if missing

        if not isinstance(self.path, str | os.PathLike):
            raise TypeError(f"path must be a str or a path; got {self.path!r}.")
        _check_positive_int("every", self.every, optional=True)
        _check_monitor(self.monitor, optional=True)
        if self.monitor is not None:
            _mode(self.monitor, self.mode)
        self._best[id(context)] = None
        self.saved_ = []

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        record = _epoch_record(context, fitted_estimator)
        if record is None or not self._due(record, id(context.parent)):
            return False
        import skops.io

        path = str(self.path).format(epoch=record["epoch"])
        skops.io.dump(_without_callbacks(fitted_estimator), path)
        self.saved_.append(path)
        return False

    def _due(self, record, run):
        due = self.every is None and self.monitor is None
        if self.every is not None and record["epoch"] % self.every == 0:
            due = True
        if self.monitor is not None:
            value = _monitored(record, self.monitor, "Checkpoint")
            mode = _mode(self.monitor, self.mode)
            if _improves(value, self._best.get(run), mode, 0.0):
                self._best[run] = value
                due = True
        return due

    def teardown(self, estimator, context):
        self._best.pop(id(context), None)


class HistoryRecorder:
    """Keep the ``history_`` of every fit this callback sees.

    Set it on the network, even inside a pipeline or a grid search: each fit
    (each candidate and fold, and the refit) adds one entry.

    Attributes
    ----------
    histories_ : list of (str, History)
        For each fit, where it ran (the names of the tasks from the outermost
        estimator down, as ``"GridSearchCV fit / ... / ScratchMLPClassifier
        fit"``) and its history.
    """

    def __init__(self):
        self.histories_ = []
        self._fits = {}

    def setup(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        record = _epoch_record(context, fitted_estimator)
        if record is None:
            return False
        fit = id(context.parent)
        if fit not in self._fits:  # the first epoch of a fit: its history so far
            self._fits[fit] = fitted_estimator.history_
            self.histories_.append((_where(context.parent), self._fits[fit]))
        else:
            self._fits[fit].append(record)
        return False

    def teardown(self, estimator, context):
        self._fits.pop(id(context), None)


def _without_callbacks(estimator):
    """A shallow copy of ``estimator`` without the callback machinery (the
    callbacks and their contexts are not part of the model)."""
    model = copy.copy(estimator)
    for name in [name for name in vars(model) if "callback" in name]:
        delattr(model, name)
    return model


def _where(context):
    """The path of tasks from the outermost estimator down to ``context``."""
    path = []
    while context is not None:
        path.append(f"{context.estimator_name} {context.task_name}")
        context = context.parent
    return " / ".join(reversed(path))
