"""A guard against a validation set on another scale than the training data.

``fit(X, y, X_val=..., y_val=...)`` trusts ``X_val`` to be on the scale of
``X``. Inside a :class:`~sklearn.pipeline.Pipeline` it is not, unless the
pipeline transforms it: the steps before the network transform ``X`` but pass
``X_val`` on as it is. The network then scores, and early stopping watches,
data it was never trained on. :func:`scale_mismatch` recognises the gross
cases from the columns' moments; :func:`warn_if_scale_mismatch` turns its
finding into a warning at the user's own line.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.sparsefuncs import mean_variance_axis, min_max_axis

from ._warnings import warn
from ._xp import to_numpy

FAR = 4.0
"""A feature of ``X_val`` is far when it lies more than this many standard
deviations of ``X`` from ``X``'s mean, in root mean square."""

NARROW = 8.0
"""A feature of ``X_val`` is narrow when its standard deviation is more than
this many times smaller than ``X``'s."""

MIN_ROWS_FOR_SPREAD = 10
"""Fewer rows of ``X_val`` than this say too little about its spread."""

ROWS_PER_KURTOSIS = 2
"""The spread of a feature is compared only when ``X_val`` has at least this
many rows per unit of the feature's kurtosis in ``X``."""

_CHUNK_ELEMENTS = 2**18  # the dense moments work on blocks of 2 MiB in float64


def scale_mismatch(X, X_val):
    """Describe how ``X_val`` looks to be on another scale than ``X``, or None.

    The test looks at each feature that varies in ``X`` (its largest value
    above its smallest, with a finite variance), with ``X``'s mean ``m`` and
    standard deviation ``s``. In that feature, ``X_val`` is

    - *far* when its values lie more than ``FAR`` (4) standard deviations
      from ``m`` in root mean square: ``sqrt(mean((X_val - m) ** 2)) > 4 * s``.
      For a genuine sample of ``X``'s distribution the mean of those squares
      is ``s ** 2``, so whatever the distribution (Markov's inequality) this
      happens at most once in 16, even for a single row;
    - *narrow* when its standard deviation is more than ``NARROW`` (8) times
      smaller than ``s``, provided ``X_val`` varies in the feature and has
      enough rows to measure a spread: at least ``MIN_ROWS_FOR_SPREAD`` (10),
      and at least ``ROWS_PER_KURTOSIS`` (2) times the feature's kurtosis in
      ``X``. The spread of a small sample of a heavy-tailed feature (a few
      very large values carry most of its variance) is usually much smaller
      than that of the whole: the kurtosis measures how heavy the tails are,
      and the sample variance's relative error is about
      ``sqrt(kurtosis / n_rows)``.

    ``X_val`` looks to be on another scale when more than half of the
    features that vary in ``X`` are far or narrow. This finds the validation
    data of a pipeline that was not transformed (raw ``X_val`` against
    standardised ``X``), scaled by another factor (by 1/16 or by 100) or
    shifted by 10 standard deviations, and stays silent for a held-out part
    of the same data, small or large, raw or standardised, even when shifted
    by a standard deviation. It cannot see a mismatch between data that are
    of order one either way, such as raw against standardised iris, nor a
    rescaled spread with fewer than 10 rows or heavy tails; features that
    are constant in ``X``, or whose moments overflow float64, take no part.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        The training data, finite. Sparse matrices are read without being
        densified, dense arrays in blocks of rows; float32 is read in float64.
    X_val : {ndarray, sparse matrix} of shape (n_val, n_features)
        The validation data, finite, with at least one row.

    Returns
    -------
    str or None
        A short description of the mismatch (how many features are far or
        narrow, and the test), or None when ``X_val`` looks to be on the scale
        of ``X``.

    Raises
    ------
    ValueError
        If ``X`` and ``X_val`` have different numbers of features.

    Examples
    --------
    >>> import numpy as np
    >>> from skscratch._validation import scale_mismatch
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(loc=50.0, scale=10.0, size=(100, 3))
    >>> X_val = rng.normal(loc=50.0, scale=10.0, size=(20, 3))
    >>> print(scale_mismatch(X, X_val))
    None
    >>> X_scaled = (X - X.mean(axis=0)) / X.std(axis=0)
    >>> print(scale_mismatch(X_scaled, X_val))  # doctest: +NORMALIZE_WHITESPACE
    in 3 of the 3 features that vary in X, X_val lies more than 4 standard
    deviations of X from X's mean (in root mean square) or has a standard
    deviation more than 8 times smaller than X's
    """
    if X.shape[1] != X_val.shape[1]:
        raise ValueError(
            f"X_val has {X_val.shape[1]} features, but X has {X.shape[1]}."
        )
    mean, variance, kurtosis, varies = _column_moments(X)
    mean_val, variance_val, _, varies_val = _column_moments(X_val)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        considered = varies & np.isfinite(variance) & (variance > 0)
        scale = np.where(considered, variance, 1.0)
        squared_distance = (variance_val + (mean_val - mean) ** 2) / scale
        far = squared_distance > FAR**2
        n_val = X_val.shape[0]
        spread_measured = varies_val & (
            n_val >= np.maximum(MIN_ROWS_FOR_SPREAD, ROWS_PER_KURTOSIS * kurtosis)
        )
        narrow = spread_measured & (variance_val * NARROW**2 < scale)
    n_considered = int(considered.sum())
    n_mismatched = int((considered & (far | narrow)).sum())
    if 2 * n_mismatched <= n_considered:
        return None
    return (
        f"in {n_mismatched} of the {n_considered} features that vary in X, X_val "
        f"lies more than {FAR:g} standard deviations of X from X's mean (in root "
        f"mean square) or has a standard deviation more than {NARROW:g} times "
        "smaller than X's"
    )


def warn_if_scale_mismatch(X, X_val):
    """Warn, at the user's own line, when ``X_val`` looks to be on another scale.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        The validated training data.
    X_val : {ndarray, sparse matrix} of shape (n_val, n_features)
        The validated validation data.

    Warns
    -----
    UserWarning
        When :func:`scale_mismatch` finds a mismatch; the message says what
        it found and how a pipeline transforms ``X_val``.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from skscratch._validation import warn_if_scale_mismatch
    >>> X = np.random.RandomState(0).normal(size=(100, 3))
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_if_scale_mismatch(X, X[:20] * 100)
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    X_val does not look like it is on the scale of X: in 3 of the 3 features ...
    """
    mismatch = scale_mismatch(X, X_val)
    if mismatch is not None:
        warn(
            f"X_val does not look like it is on the scale of X: {mismatch}. Was "
            "it transformed as X was? A Pipeline passes X_val on untransformed "
            "unless it is given transform_input=['X_val'], with metadata "
            "routing enabled.",
            UserWarning,
        )


def _column_moments(X):
    """Each column's mean, variance and kurtosis (in float64), and whether
    it varies (its largest value above its smallest). A moment that overflows
    is inf or nan, as is the kurtosis of a constant column."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if not sp.issparse(X):
            return _dense_column_moments(np.asarray(to_numpy(X)))
        X = sp.csr_matrix(X, dtype=np.float64)
        if not X.has_canonical_format:
            X = X.copy()
            X.sum_duplicates()
        return _sparse_column_moments(X)


def _dense_column_moments(X):
    """The moments of a dense array, without a copy as large as ``X``."""
    n_rows, n_columns = X.shape
    mean = X.mean(axis=0, dtype=np.float64)
    second, fourth = np.zeros(n_columns), np.zeros(n_columns)
    rows_per_block = max(1, _CHUNK_ELEMENTS // max(n_columns, 1))
    for start in range(0, n_rows, rows_per_block):
        squared = (X[start : start + rows_per_block] - mean) ** 2
        second += squared.sum(axis=0)
        fourth += (squared**2).sum(axis=0)
    variance = second / n_rows
    varies = X.max(axis=0) > X.min(axis=0)
    return mean, variance, fourth / n_rows / variance**2, varies


def _sparse_column_moments(X):
    """The moments of a CSR matrix, from its stored values and the count of
    its implicit zeros, without densifying it."""
    n_rows, n_columns = X.shape
    mean, variance = mean_variance_axis(X, axis=0)
    stored = np.bincount(X.indices, minlength=n_columns)
    stored_fourth = np.bincount(
        X.indices, weights=(X.data - mean[X.indices]) ** 4, minlength=n_columns
    )
    fourth = (stored_fourth + (n_rows - stored) * mean**4) / n_rows
    smallest, largest = min_max_axis(X, axis=0)
    return mean, variance, fourth / variance**2, largest > smallest
