"""Warnings that point at the user's own call.

A warning raised deep inside ``fit`` would otherwise be reported at a line of
skscratch (or of scikit-learn's wrappers), which tells the user nothing about
which of their calls caused it. :func:`warn` reports it at the first frame of
the stack that belongs to none of skscratch, scikit-learn and joblib.
"""

import functools
import os
import sys
import warnings
from pathlib import Path

import joblib
import sklearn

# skscratch's own files, and scikit-learn's and joblib's, through which
# meta-estimators and cross-validation call fit.
_INTERNAL_DIRECTORIES = tuple(
    str(Path(module.__file__).resolve().parent) + os.sep
    for module in (sys.modules[__package__], sklearn, joblib)
)


def warn(message, category):
    """Issue ``warnings.warn(message, category)`` at the caller's own line.

    Parameters
    ----------
    message : str
        The warning's text.
    category : type of Warning
        Its class, such as ``ConvergenceWarning``.
    """
    frame, stacklevel = sys._getframe(1), 2
    while frame is not None and _is_internal(frame.f_code.co_filename):
        frame, stacklevel = frame.f_back, stacklevel + 1
    warnings.warn(message, category, stacklevel=stacklevel)


@functools.lru_cache(maxsize=1024)
def _is_internal(filename):
    return str(Path(filename).resolve()).startswith(_INTERNAL_DIRECTORIES)
