"""The solvers: the stochastic loop (SGD, Adam) and L-BFGS.

A solver trains a :class:`~skscratch._state.TrainingState` on a
:class:`Problem`. It runs the epochs; what happens at the end of each one
(records, printing, the stopping rule) is the listeners' business
(:mod:`skscratch._events`). Both solvers share the epoch record, the
divergence check and the interrupt handling: on a ``KeyboardInterrupt`` the
state goes back to the last completed epoch (:class:`~skscratch._state.EpochCheckpoint`)
and training stops with a warning.
"""

import copy
import time
from dataclasses import dataclass

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from ._events import divergence, notify_begin, notify_end, notify_train_end
from ._losses import LOSSES, mean_loss
from ._network import objective_and_gradients, predict_outputs
from ._optimizers import make_optimizer
from ._params import FlatParameters, pack
from ._state import EpochCheckpoint
from ._warnings import warn
from ._xp import device, namespace, numpy_dtype, take_rows, to_namespace, to_numpy

DIVERGED_MESSAGE = (
    "Solver produced non-finite parameter weights ({detail}). The input data may "
    "contain large values and need to be preprocessed, or the learning rate or "
    "alpha may be too large."
)


class Diverged(ValueError):
    """Training blew up and there are no finite best weights to fall back on."""


@dataclass(frozen=True)
class Problem:
    """What a solver trains on: data, encoded targets and the network's settings.

    ``rows`` selects the training rows (the rest held out by early stopping),
    ``None`` for all of them. ``validation`` is ``(X_val, Y_val, weights)`` or
    ``None``; ``early_stopping`` says whether training stops on it and keeps
    the weights of its best score. ``activation`` is one name or one per
    hidden layer; ``dropout`` the dropout rate of each hidden layer (None for
    none). ``targets`` scores outputs
    (:mod:`skscratch._targets`).
    """

    X: object
    Y: np.ndarray
    sample_weight: np.ndarray | None
    activation: object
    loss: str
    alpha: float
    targets: object
    rows: np.ndarray | None = None
    validation: tuple | None = None
    early_stopping: bool = False
    dropout: tuple | None = None

    def objective_and_gradients(
        self, coefs, intercepts, X, Y, weight, out=None, dropout_masks=None
    ):
        """The objective on a batch and its gradient (see ``_network``)."""
        return objective_and_gradients(
            coefs,
            intercepts,
            X,
            Y,
            self.activation,
            self.loss,
            self.alpha,
            weight,
            out,
            dropout_masks,
        )

    def dropout_masks(self, rng, n_rows, hidden_units, like):
        """New inverted-dropout masks for a batch of ``n_rows`` (None without
        dropout): for each hidden layer, 0 with probability ``p`` and
        ``1 / (1 - p)`` otherwise, drawn from ``rng`` layer by layer on the
        host, then moved to the namespace, device and dtype of ``like``."""
        if self.dropout is None:
            return None
        dtype = numpy_dtype(like.dtype)
        return [
            None
            if rate == 0
            else to_namespace(
                (rng.random_sample((n_rows, units)) >= rate).astype(dtype)
                / (1.0 - rate),
                namespace(like),
                device(like),
            )
            for rate, units in zip(self.dropout, hidden_units, strict=True)
        ]

    @property
    def n_training_rows(self):
        """Number of rows trained on."""
        return self.Y.shape[0] if self.rows is None else self.rows.shape[0]

    def epoch_rows(self, order, shuffled):
        """The rows of an epoch in training order; ``None`` for all rows in order."""
        if self.rows is not None:
            return self.rows[order]
        return order if shuffled else None

    def training_targets(self):
        """The targets and sample weights of the training rows."""
        if self.rows is None:
            return self.Y, self.sample_weight
        rows = to_namespace(self.rows, namespace(self.Y), device(self.Y))
        weight = (
            None if self.sample_weight is None else take_rows(self.sample_weight, rows)
        )
        return take_rows(self.Y, rows), weight

    def validation_record(self, coefs, intercepts):
        """Validation loss and score of the given weights (empty without data)."""
        if self.validation is None:
            return {}
        X_val, Y_val, weight_val = self.validation
        loss = LOSSES[self.loss]
        outputs = predict_outputs(
            coefs, intercepts, X_val, self.activation, loss.output_activation
        )
        return {
            "valid_loss": float(mean_loss(loss, Y_val, outputs, weight_val)),
            "valid_score": self.targets.score(outputs, Y_val, weight_val),
        }


def _check_fallback_on_divergence(state, reason, early_stopping):
    """Raise unless early stopping holds finite best weights to go back to."""
    if not (early_stopping and state.best_validation_score_ > -np.inf):
        raise Diverged(
            DIVERGED_MESSAGE.format(detail=f"{reason} at epoch {state.n_iter_}")
        )


def fit_stochastic(problem, state, listeners, settings, rng, incremental):
    """Train with mini-batch SGD or Adam for up to ``settings.max_iter`` epochs.

    Training that diverges (see :func:`~skscratch._events.divergence`)
    raises :class:`Diverged`, unless early stopping holds the finite weights
    of a best epoch: then training stops there with a ``ConvergenceWarning``
    and those weights are kept.

    Parameters
    ----------
    problem : Problem
        Data and network.
    state : TrainingState
        Trained in place.
    listeners : list
        Called at the end of every epoch.
    settings : estimator
        Its hyperparameters (``solver``, ``batch_size``, ``shuffle``, ...).
    rng : numpy.random.RandomState
        Shuffles the rows each epoch.
    incremental : bool
        ``partial_fit``: one epoch, keep the optimizer.
    """
    loop = _StochasticLoop(problem, state, settings, rng)
    checkpoint = EpochCheckpoint(state, loop.params.vector, loop.optimizer_before)
    try:
        for _ in range(settings.max_iter):
            stop = loop.epoch(listeners)
            checkpoint.save()
            if stop or incremental:
                break
            if state.n_iter_ == settings.max_iter:
                warn(
                    f"Stochastic Optimizer: Maximum iterations ({settings.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                )
    except KeyboardInterrupt:
        checkpoint.restore()
        warn("Training interrupted by user.", UserWarning)
    finally:
        notify_train_end(listeners, state)
    if problem.early_stopping:
        state.coefs_, state.intercepts_ = state._best_coefs, state._best_intercepts


class _StochasticLoop:
    """The buffers of a stochastic fit and one epoch of it.

    The weights are copied into one flat vector (``coefs_`` and
    ``intercepts_`` of the state become views of it) and the gradient gets a
    vector of its own, both allocated once for the whole fit. The optimizer is
    a copy of the fitted model's (``partial_fit``) or a new one.
    """

    def __init__(self, problem, state, settings, rng):
        self.problem, self.state, self.settings, self.rng = (
            problem,
            state,
            settings,
            rng,
        )
        self.params = FlatParameters.copy_of(state.coefs_, state.intercepts_)
        state.coefs_, state.intercepts_ = self.params.coefs, self.params.intercepts
        self.grads = self.params.empty_like()
        self.optimizer_before = state._optimizer  # the fitted model's: unchanged
        if self.optimizer_before is None:
            state._optimizer = make_optimizer(settings, self.params.vector)
        else:
            state._optimizer = copy.deepcopy(self.optimizer_before)
        self.n_samples = problem.n_training_rows
        self.batch_size = _batch_size(settings.batch_size, self.n_samples)
        self.order = np.arange(self.n_samples)
        self.training_targets = problem.training_targets()
        self.hidden_units = [c.shape[1] for c in state.coefs_[:-1]]
        self.where = (namespace(self.params.vector), device(self.params.vector))
        self.host_sample_weight = to_numpy(problem.sample_weight)
        state.n_iter_ = 0

    def epoch(self, listeners):
        """Train one epoch and hand its record to the listeners; True to stop."""
        state, settings = self.state, self.settings
        notify_begin(listeners, state)
        start_time = time.perf_counter()
        if settings.shuffle:
            self.rng.shuffle(self.order)  # in place, as MLPClassifier's shuffle
        train_loss, train_score = self._run_epoch(
            self.problem.epoch_rows(self.order, settings.shuffle)
        )
        state.n_iter_ += 1
        state.t_ += self.n_samples
        state.loss_ = train_loss
        diverged = divergence(train_loss, self.params.vector, state._optimizer)
        if diverged:
            _check_fallback_on_divergence(state, diverged, self.problem.early_stopping)
        record = {
            "epoch": len(state.history_) + 1,
            "train_loss": train_loss,
            "train_score": train_score,
            **self.problem.validation_record(state.coefs_, state.intercepts_),
            "learning_rate": state._optimizer.learning_rate,
            "duration": time.perf_counter() - start_time,
        }
        state._optimizer.end_epoch(state.t_)
        stop = notify_end(listeners, state, record)
        if diverged:
            warn(
                f"Training diverged at epoch {state.n_iter_}: the weights of the "
                f"best validation score ({state.best_validation_score_:.6g}) are "
                "kept. Lower the learning rate, or scale the input data.",
                ConvergenceWarning,
            )
        return stop or bool(diverged)

    def _run_epoch(self, rows):
        """One pass over ``X[rows]`` in mini-batches; returns (mean loss, score).

        ``rows=None`` takes every row in order, in batches that are views of X.
        The score is measured on each batch before its update, weighted by the
        sample weights. A batch whose weights are all zero carries nothing to
        learn: it is skipped and adds zero to the loss. The losses and scores
        are added up where the data are (see :func:`~skscratch._xp.scalar`)
        and read once, at the end of the epoch.
        """
        problem, state, params = self.problem, self.state, self.params
        X, Y, sample_weight = problem.X, problem.Y, problem.sample_weight
        rows_here = None if rows is None else to_namespace(rows, *self.where)
        score = problem.targets.running_score(*self.training_targets)
        gradients = (self.grads.coefs, self.grads.intercepts)
        step, parameters, gradient = (
            state._optimizer.step,
            [params.vector],
            [self.grads.vector],
        )
        accumulated_loss = 0.0
        for start in range(0, self.n_samples, self.batch_size):
            stop = min(start + self.batch_size, self.n_samples)
            if rows is None:
                batch = batch_here = slice(start, stop)
            else:
                batch, batch_here = rows[start:stop], rows_here[start:stop]
            batch_weight = None
            if sample_weight is not None:
                if self.skips(batch):
                    continue
                batch_weight = take_rows(sample_weight, batch_here)
            Y_batch = take_rows(Y, batch_here)
            objective, _, _, activations = problem.objective_and_gradients(
                state.coefs_,
                state.intercepts_,
                take_rows(X, batch_here),
                Y_batch,
                batch_weight,
                out=gradients,
                dropout_masks=problem.dropout_masks(
                    self.rng, stop - start, self.hidden_units, params.vector
                ),
            )
            score.add(activations[-1], Y_batch, batch_weight)
            step(parameters, gradient)
            accumulated_loss += objective * (stop - start)
        return float(accumulated_loss) / self.n_samples, score.value()

    def skips(self, batch):
        """Whether the sample weights of the rows ``batch`` are all zero."""
        return not self.host_sample_weight[batch].any()


def _batch_size(batch_size, n_samples):
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size > n_samples:
        warn(
            "Got `batch_size` less than 1 or larger than sample size. It is "
            "going to be clipped",
            UserWarning,
        )
    return int(np.clip(batch_size, 1, n_samples))


def fit_lbfgs(problem, state, listeners, settings, rng=None, incremental=False):
    """Minimise the objective with scipy's L-BFGS-B, one record per iteration.

    Parameters are those of :func:`fit_stochastic` (``rng`` and ``incremental``
    are unused: L-BFGS draws nothing and has no ``partial_fit``). A listener
    asking to stop ends the minimisation after that iteration.
    """
    run = _LbfgsIterations(problem, state, listeners)
    try:
        result = _minimize(run, settings)
    except KeyboardInterrupt:
        run.checkpoint.restore()
        warn("Training interrupted by user.", UserWarning)
        state.loss_ = state.loss_curve_[-1] if state.loss_curve_ else np.nan
        final = run.params.vector
    else:
        final = result.x
        state.n_iter_ = min(result.nit, settings.max_iter)
        state.loss_ = float(result.fun)
        if not np.isfinite(state.loss_):
            raise Diverged(DIVERGED_MESSAGE.format(detail=f"loss {state.loss_}"))
        if result.status != 0 and not run.stopped:
            warn(
                f"lbfgs failed to converge after {state.n_iter_} iteration(s) "
                f"(status={result.status}):\n{result.message}\n\n"
                "Increase the number of iterations to improve the convergence "
                f"(max_iter={settings.max_iter}).",
                ConvergenceWarning,
            )
    finally:
        notify_train_end(listeners, state)
    state.coefs_, state.intercepts_ = run.params.unpacked(final)
    state.best_loss_ = min(state.loss_curve_, default=state.loss_)


def _minimize(run, settings):
    """scipy's L-BFGS-B on the run's objective, from the current weights."""
    return scipy.optimize.minimize(
        run.objective,
        pack([run.params.vector]),  # scipy works in float64, on the host
        method="L-BFGS-B",
        jac=True,
        callback=run.end_of_iteration,
        options={
            "maxfun": settings.max_fun,
            "maxiter": settings.max_iter,
            "gtol": settings.tol,
        },
    )


class _LbfgsIterations:
    """The objective L-BFGS minimises, and what happens after each iteration.

    The weights of the last completed iteration are kept, in the model's
    dtype, in a flat vector that the state's ``coefs_`` and ``intercepts_``
    view, for the records and for an interrupt to go back to.
    """

    def __init__(self, problem, state, listeners):
        self.problem, self.state, self.listeners = problem, state, listeners
        self.params = FlatParameters.copy_of(state.coefs_, state.intercepts_)
        state.coefs_, state.intercepts_ = self.params.coefs, self.params.intercepts
        state.n_iter_ = 0
        self.checkpoint = EpochCheckpoint(state, self.params.vector)
        self.stopped = False
        self._iteration_begun = False
        self._last_evaluation = {}
        self._clock = time.perf_counter()

    def objective(self, vector):
        """The objective at ``vector`` and its gradient, as a flat vector.

        The first evaluation after an iteration ended begins the next one.
        """
        if not self._iteration_begun:
            notify_begin(self.listeners, self.state)
            self._iteration_begun = True
        problem = self.problem
        coefs, intercepts = self.params.unpacked(vector)
        value, coef_grads, intercept_grads, activations = (
            problem.objective_and_gradients(
                coefs, intercepts, problem.X, problem.Y, problem.sample_weight
            )
        )
        self._last_evaluation = {"vector": vector.copy(), "outputs": activations[-1]}
        return float(value), pack(coef_grads + intercept_grads)

    def end_of_iteration(self, intermediate_result):
        """Record the iteration; raise StopIteration if a listener asks to stop."""
        problem, state = self.problem, self.state
        vector = self.params.vector
        vector[...] = to_namespace(
            intermediate_result.x, namespace(vector), device(vector), vector.dtype
        )
        evaluated_here = np.array_equal(
            self._last_evaluation.get("vector"), intermediate_result.x
        )
        record = {
            "epoch": len(state.history_) + 1,
            "train_loss": float(intermediate_result.fun),
            "train_score": (
                problem.targets.score(
                    self._last_evaluation["outputs"], problem.Y, problem.sample_weight
                )
                if evaluated_here
                else None
            ),
            **problem.validation_record(state.coefs_, state.intercepts_),
            "learning_rate": None,
        }
        now = time.perf_counter()
        record["duration"], self._clock = now - self._clock, now
        state.n_iter_ += 1
        self.stopped = notify_end(self.listeners, state, record)
        self._iteration_begun = False
        self.checkpoint.save()
        if self.stopped:
            raise StopIteration


SOLVERS = {"sgd": fit_stochastic, "adam": fit_stochastic, "lbfgs": fit_lbfgs}
