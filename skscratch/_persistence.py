"""Loading shared models with skops, trusting only the types a model is made of.

skops.io rebuilds only the types it is told to trust. Trusting every name that
starts with ``skscratch.`` is not enough: a file may name any object that a
skscratch module imports (a scikit-learn function, say), and skops would put it
wherever the file says. :func:`load_model` trusts the classes a fitted
:class:`~skscratch.ScratchMLPClassifier` or
:class:`~skscratch.ScratchMLPRegressor` is made of, listed in
:data:`MODEL_TYPES`, and nothing else unless named.
"""

from ._classifier import ScratchMLPClassifier
from ._history import History
from ._optimizers import OPTIMIZERS
from ._regressor import ScratchMLPRegressor
from ._targets import ClassTargets, RealTargets
from .callbacks import Checkpoint, EarlyStopping, HistoryRecorder


def _qualified_name(cls):
    """The name skops gives a class: its module and qualified name."""
    return f"{cls.__module__}.{cls.__qualname__}"


#: The names of the types, besides those skops trusts by default (numpy arrays,
#: Python containers and scalars), that a saved estimator may hold: the
#: estimator, its targets, its training history, its optimizer, and
#: skscratch's own callbacks if they were set. Derived from the classes
#: themselves, so they follow the classes wherever they are defined.
MODEL_TYPES = tuple(
    sorted(
        _qualified_name(cls)
        for cls in (
            ScratchMLPClassifier,
            ScratchMLPRegressor,
            ClassTargets,
            RealTargets,
            History,
            *OPTIMIZERS.values(),
            EarlyStopping,
            Checkpoint,
            HistoryRecorder,
        )
    )
)


def load_model(file, *, trusted=()):
    """Load a model saved with ``skops.io.dump``, trusting only model types.

    The file's types that skops does not trust by default are listed first
    (``skops.io.get_untrusted_types``), without building any object. If one
    of them is neither in :data:`MODEL_TYPES` nor in ``trusted``, the file is
    refused; otherwise it is loaded trusting exactly the types listed.

    Parameters
    ----------
    file : str, path-like or binary file object
        The ``.skops`` file, or an open, seekable file holding it (such as
        ``io.BytesIO(skops.io.dumps(model))``).
    trusted : sequence of str, default=()
        More type names to trust, as skops writes them
        (``"module.qualified_name"``): for example ``"mymodule.my_init"`` for
        a model whose ``init`` is a function of yours. Review each one: skops
        builds or imports it when loading.

    Returns
    -------
    model : object
        The saved object, usually a fitted
        :class:`~skscratch.ScratchMLPClassifier` or
        :class:`~skscratch.ScratchMLPRegressor`.

    Raises
    ------
    skops.io.exceptions.UntrustedTypesFoundException
        If the file names a type neither in :data:`MODEL_TYPES` nor in
        ``trusted``; the message lists them. No object is built. A model
        saved with scikit-learn's callbacks set on it (``set_callbacks``) is
        refused this way, with a note that says to remove them before saving.
    TypeError
        If ``trusted`` is a single string rather than a sequence of them.
    ImportError
        If skops is not installed (``pip install skops``).

    See Also
    --------
    skops.io.get_untrusted_types : What a file would build, without building it.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import skops.io as sio
    >>> from skscratch import ScratchMLPClassifier, load_model
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> clf = ScratchMLPClassifier(solver="lbfgs", random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "model.skops"
    ...     sio.dump(clf, path)
    ...     loaded = load_model(path)
    >>> loaded.predict(X).tolist() == clf.predict(X).tolist()
    True
    """
    skops_io = _import_skops_io()
    if isinstance(trusted, str):
        raise TypeError(
            f"trusted must be a sequence of type names, not a string: use "
            f"trusted=[{trusted!r}]."
        )
    allowed = set(MODEL_TYPES).union(trusted)
    found = skops_io.get_untrusted_types(file=file)
    refused = [name for name in found if name not in allowed]
    if refused:
        from skops.io.exceptions import UntrustedTypesFoundException

        error = UntrustedTypesFoundException(refused)
        if any(name.startswith("sklearn.callback.") for name in refused):
            error.add_note(_CALLBACKS_SAVED)
        raise error
    return skops_io.load(file, trusted=found)


_CALLBACKS_SAVED = (
    "The model was saved with the scikit-learn callbacks set on it "
    "(set_callbacks), which are not model types. Remove them before saving: "
    "model.set_callbacks(), then skops.io.dump(model, ...)."
)


def _import_skops_io():
    """``skops.io``, or an ImportError that says how to install it."""
    try:
        import skops.io
    except ImportError as error:
        raise ImportError(
            "load_model needs skops, which is not installed: pip install skops "
            '(or pip install "skscratch[skops]").'
        ) from error
    return skops.io
