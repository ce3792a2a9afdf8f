"""What happens around each epoch, as listeners the solvers call.

A solver trains; it tells each listener in turn when an epoch (an L-BFGS
iteration) begins, with ``on_epoch_begin(state)``; when it ends, with the
epoch's record, ``on_epoch_end(state, record)``; and when training ends,
however it ends, with ``on_train_end(state)``. Listeners keep the records,
print, apply the stopping rule, keep the best weights, or call scikit-learn's
callbacks (:mod:`skscratch._callbacks`). A listener returns True from
``on_epoch_end`` to ask the solver to stop after this epoch. Adding behaviour
around an epoch is one more listener: the solvers do not change.
"""

import numpy as np

from ._xp import squared_norm


class EpochListener:
    """A listener that does nothing: subclasses override what they need."""

    def on_epoch_begin(self, state):
        """An epoch (an L-BFGS iteration) begins."""

    def on_epoch_end(self, state, record):
        """An epoch ended with ``record``; return True to stop training."""
        return False

    def on_train_end(self, state):
        """Training ended: after the last epoch, an interrupt or an error."""


def notify_begin(listeners, state):
    """Tell every listener that an epoch begins."""
    for listener in listeners:
        listener.on_epoch_begin(state)


def notify_end(listeners, state, record):
    """Hand the epoch's record to every listener; True if any asks to stop."""
    stop = False
    for listener in listeners:
        stop = listener.on_epoch_end(state, record) or stop
    return stop


def notify_train_end(listeners, state):
    """Tell every listener that training ended."""
    for listener in listeners:
        listener.on_train_end(state)


class Recorder(EpochListener):
    """Append the epoch's figures to ``loss_curve_``, ``validation_scores_``
    and ``history_``."""

    def on_epoch_end(self, state, record):
        state.loss_curve_.append(record["train_loss"])
        if "valid_score" in record:
            state.validation_scores_.append(record["valid_score"])
        state.history_.append(record)
        return False


class VerbosePrinter(EpochListener):
    """Print one line per epoch, as MLPClassifier's ``verbose=True`` does."""

    def on_epoch_end(self, state, record):
        line = f"Iteration {state.n_iter_}, loss = {record['train_loss']:.8f}"
        if "valid_score" in record:
            line += (
                f", validation loss = {record['valid_loss']:.8f}"
                f", validation score = {record['valid_score']:.6f}"
            )
        print(line)
        return False


class NoImprovementRule(EpochListener):
    """MLPClassifier's stopping rule, on the validation score or the training loss.

    Counts the consecutive epochs that fail to improve by ``tol``; with early
    stopping, keeps the weights of the best validation score. Past
    ``n_iter_no_change`` such epochs the optimizer either stops training or
    (adaptive learning rate) decays its rate and training goes on.

    Parameters
    ----------
    tol : float
        Smallest improvement that counts.
    n_iter_no_change : int or inf
        Epochs without improvement tolerated.
    early_stopping : bool
        Watch the validation score (and keep the best weights) rather than the
        training loss.
    verbose : bool
        Say why training stops or decays.
    """

    def __init__(self, tol, n_iter_no_change, early_stopping, verbose):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.verbose = verbose

    def on_epoch_end(self, state, record):
        if self.early_stopping:
            self._count_validation_score(state, record["valid_score"])
        else:
            self._count_training_loss(state, record["train_loss"])
        if state._no_improvement_count <= self.n_iter_no_change:
            return False
        return self._stop_or_decay(state)

    def _count_validation_score(self, state, score):
        if score < state.best_validation_score_ + self.tol:
            state._no_improvement_count += 1
        else:
            state._no_improvement_count = 0
        if score > state.best_validation_score_:
            state.remember_as_best(score)

    def _count_training_loss(self, state, loss):
        if loss > state.best_loss_ - self.tol:
            state._no_improvement_count += 1
        else:
            state._no_improvement_count = 0
        state.best_loss_ = min(state.best_loss_, loss)

    def _stop_or_decay(self, state):
        if self.verbose:
            what = "Validation score" if self.early_stopping else "Training loss"
            print(
                f"{what} did not improve more than tol={self.tol:f} for "
                f"{self.n_iter_no_change} consecutive epochs."
            )
        if state._optimizer.stop_or_decay():
            return True
        state._no_improvement_count = 0
        return False


def divergence(loss, weights, optimizer):
    """Why training has blown up, or None if it has not.

    Training has blown up when its loss is not finite, when the weights are so
    large that their squares overflow (the L2 term and the products of the
    next batch can no longer be computed), or when the optimizer's statistics
    overflowed (Adam's steps would then be 0, freezing the weights).

    Parameters
    ----------
    loss : float
        The epoch's training objective.
    weights : array
        The flat vector of every weight and bias, of any array namespace.
    optimizer : object or None
        The stochastic optimizer, if any.

    Returns
    -------
    reason : str or None
        What went wrong, for an error message.

    Examples
    --------
    >>> import numpy as np
    >>> print(divergence(0.5, np.array([1.0, -2.0]), None))
    None
    >>> divergence(0.5, np.array([1e200, 0.0]), None)
    'weights too large to square'
    """
    if not np.isfinite(loss):
        return f"loss {loss}"
    with np.errstate(over="ignore", invalid="ignore"):
        norm = float(squared_norm(weights))
    if not np.isfinite(norm):
        return "weights too large to square"
    if optimizer is not None and not optimizer.state_is_finite():
        return "the optimizer's gradient statistics overflowed"
    return None
