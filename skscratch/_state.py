"""The training state: what a call to ``fit`` or ``partial_fit`` changes.

A call trains on a :class:`TrainingState` of its own: a new one for a first
fit, or a copy of the fitted model's (warm start, ``partial_fit``). The
estimator takes the state's attributes only when the call has finished, in
one step (:meth:`TrainingState.commit_to`), so a call that raises leaves a
fitted model as it was, with no list of attribute names to keep up to date:
the fields of the dataclass are the attributes.

An :class:`EpochCheckpoint` keeps the state of the last completed epoch while
training runs, for a ``KeyboardInterrupt`` to go back to.
"""

import copy
from dataclasses import dataclass, field, fields

from ._history import History
from ._xp import copy as copy_array
from ._xp import namespace

_RECORD = {"record": True}  # field metadata: an append-only per-epoch list


@dataclass
class TrainingState:
    """Every fitted attribute that training changes, named as on the estimator."""

    coefs_: list
    intercepts_: list
    n_iter_: int = 0
    t_: int = 0
    loss_: float | None = None
    best_loss_: float | None = None
    best_validation_score_: float | None = None
    loss_curve_: list = field(default_factory=list, metadata=_RECORD)
    history_: History = field(default_factory=History, metadata=_RECORD)
    validation_scores_: list | None = field(default=None, metadata=_RECORD)
    _no_improvement_count: int = 0
    _optimizer: object = None
    _best_coefs: list | None = None
    _best_intercepts: list | None = None

    @classmethod
    def of(cls, estimator, *, keep_optimizer):
        """A copy of a fitted estimator's state to train further.

        The records are copied (training appends to them); the weights and
        the optimizer, when it is kept, are copied by the solver before it
        changes them.
        """
        state = cls(**{f.name: getattr(estimator, f.name, None) for f in fields(cls)})
        for f in fields(cls):
            if f.metadata.get("record") and getattr(state, f.name) is not None:
                setattr(
                    state, f.name, type(getattr(state, f.name))(getattr(state, f.name))
                )
        if not keep_optimizer:
            state._optimizer = None
        return state

    def copied_attributes(self):
        """Copies of the attributes, as of now, without the optimizer (for a
        model that predicts, and trains on, from this epoch: a callback's
        ``fitted_estimator``)."""
        attributes = copy.deepcopy(
            {
                f.name: getattr(self, f.name)
                for f in fields(self)
                if f.name != "_optimizer"
            }
        )
        return {**attributes, "_optimizer": None}

    def commit_to(self, estimator):
        """Give the estimator this state's attributes."""
        for f in fields(self):
            setattr(estimator, f.name, getattr(self, f.name))

    def remember_as_best(self, score):
        """Keep copies of the current weights as those of the best validation score."""
        self.best_validation_score_ = score
        self._best_coefs = [copy_array(c) for c in self.coefs_]
        self._best_intercepts = [copy_array(b) for b in self.intercepts_]


class EpochCheckpoint:
    """The state of the last completed epoch, to go back to on an interrupt.

    :meth:`save` runs after every epoch (or L-BFGS iteration). It copies the
    flat weight vector into a buffer allocated once, keeps the other values as
    they are, and only the lengths of the append-only records, so saving costs
    no allocation. :meth:`restore` puts the saved epoch back in the state, with
    the optimizer of before the call: the statistics of an interrupted epoch
    are not kept. An interrupt that arrives during :meth:`save` finds the epoch
    being saved complete in the live state, so :meth:`restore` then keeps the
    live state as it is, optimizer included.

    Parameters
    ----------
    state : TrainingState
        The state being trained.
    weights : ndarray
        The flat vector that ``state.coefs_`` and ``state.intercepts_`` view.
    optimizer_before : object or None
        The optimizer of the fitted model before the call (``partial_fit``), or
        None when the call started a new one.
    """

    _LIVE = ("coefs_", "intercepts_", "_optimizer")  # restored by other means

    def __init__(self, state, weights, optimizer_before=None):
        self._state = state
        self._weights = weights
        self._saved_weights = namespace(weights).empty_like(weights)
        self._optimizer_before = optimizer_before
        self._saving = False
        self._fields = [(f.name, bool(f.metadata.get("record"))) for f in fields(state)]
        self.save()

    def save(self):
        """Remember the live state as that of the last completed epoch."""
        self._saving = True
        self._saved_weights[...] = self._weights
        self._saved = {}
        for name, is_record in self._fields:
            value = getattr(self._state, name)
            if is_record:
                value = None if value is None else len(value)
            self._saved[name] = value
        self._saving = False

    def restore(self):
        """Go back to the saved epoch; return False if the live one is kept."""
        if self._saving:
            return False
        state = self._state
        for name, is_record in self._fields:
            saved = self._saved[name]
            if name in self._LIVE:
                continue
            if not is_record:
                setattr(state, name, saved)
            elif saved is None:
                setattr(state, name, None)
            else:
                del getattr(state, name)[saved:]
        self._weights[...] = self._saved_weights
        state._optimizer = self._optimizer_before
        return True
