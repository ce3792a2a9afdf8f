"""scikit-learn's callbacks (``sklearn.callback``, scikit-learn 1.9 and newer).

With scikit-learn 1.9 or newer, both estimators support
``set_callbacks(...)``: the fit (or ``partial_fit``) is the root task, each
epoch (each L-BFGS iteration) one subtask, and a callback's
``on_fit_task_end`` returning True stops training after that epoch. An
estimator without callbacks (none set, none propagated by a meta-estimator)
opens no subtasks, as scikit-learn's LogisticRegression does: no hook could
see them.
:class:`CallbackBridge` is the epoch listener that calls the hooks; meta-
estimators (Pipeline, GridSearchCV, ...) propagate their callbacks to the
estimators through scikit-learn's own machinery. With an older scikit-learn
the estimators have no ``set_callbacks`` and train as before.
"""

from ._events import EpochListener

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9
    CallbackSupportMixin = None

#: Whether the installed scikit-learn has the callback API.
CALLBACKS_AVAILABLE = CallbackSupportMixin is not None

#: The base classes that give an estimator ``set_callbacks``: scikit-learn's
#: mixin where it exists, none otherwise.
CALLBACK_SUPPORT = (CallbackSupportMixin,) if CALLBACKS_AVAILABLE else ()


class CallbackBridge(EpochListener):
    """Call the callbacks' hooks for every epoch of a fit.

    Parameters
    ----------
    context : sklearn.callback.CallbackContext
        The context of the fit task; each epoch is one of its subtasks.
    estimator : BaseScratchMLP
        The estimator being fitted.
    hook_data : dict
        ``X``, ``y`` and ``metadata`` as passed to the hooks.
    fitted_attributes : callable
        ``fitted_attributes(state)``: the attributes that make the estimator
        predict as of the state's current weights (``fitted_estimator``).
    task_name : str
        The name of each epoch's subtask.
    """

    def __init__(self, context, estimator, hook_data, fitted_attributes, task_name):
        self._context = context
        self._estimator = estimator
        self._hook_data = hook_data
        self._fitted_attributes = fitted_attributes
        self._task_name = task_name
        self._epoch_context = None

    def on_epoch_begin(self, state):
        self._epoch_context = self._context.subcontext(task_name=self._task_name)
        self._epoch_context.call_on_fit_task_begin(
            estimator=self._estimator,
            **self._hook_data,
            reconstruction_attributes=lambda: self._fitted_attributes(state),
        )

    def on_epoch_end(self, state, record):
        context, self._epoch_context = self._epoch_context, None
        return context.call_on_fit_task_end(
            estimator=self._estimator,
            **self._hook_data,
            reconstruction_attributes=lambda: self._fitted_attributes(state),
        )

    def on_train_end(self, state):
        """End an epoch that training left unfinished, as an empty task."""
        if self._epoch_context is not None:
            self._epoch_context.call_on_fit_task_end(estimator=self._estimator)
            self._epoch_context = None


class FitTask:
    """The root task of a fit in the callback tree, opened when the fit starts.

    Parameters
    ----------
    estimator : BaseScratchMLP
        The estimator being fitted (it opens its callback context).
    X, y : arrays
        The validated training data, passed to the hooks.
    sample_weight : array-like or None
        Passed to the hooks as ``metadata``.
    task_name : {"fit", "partial_fit"}
        The root task's name.
    max_epochs : int
        The most subtasks the fit can have.
    """

    def __init__(self, estimator, X, y, sample_weight, task_name, max_epochs):
        self.estimator = estimator
        self.context = estimator._init_callback_context(
            task_name=task_name, max_subtasks=max_epochs
        )
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        self.hook_data = {"X": X, "y": y, "metadata": metadata}
        self.context.call_on_fit_task_begin(estimator=estimator, **self.hook_data)

    @classmethod
    def start(cls, *args, **kwargs):
        """Open the task, or return None where scikit-learn has no callbacks."""
        return cls(*args, **kwargs) if CALLBACKS_AVAILABLE else None

    @property
    def has_callbacks(self):
        """Whether the estimator has callbacks, its own or a meta-estimator's."""
        return hasattr(self.estimator, "_skl_callbacks")

    def epoch_listener(self, fitted_attributes, epoch_name):
        """The listener that calls the hooks of each epoch (see CallbackBridge)."""
        return CallbackBridge(
            self.context, self.estimator, self.hook_data, fitted_attributes, epoch_name
        )

    def end(self):
        """Close the task once the estimator holds the fitted model."""
        self.context.call_on_fit_task_end(
            estimator=self.estimator, **self.hook_data, reconstruction_attributes={}
        )
