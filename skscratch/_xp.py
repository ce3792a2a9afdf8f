"""Array namespaces: the same mathematics on NumPy, PyTorch, CuPy and other arrays.

The network's equations are written once, with ``xp`` (the `array API
<https://data-apis.org/array-api/>`_ namespace of the arrays) in place of
``np``. On NumPy arrays ``xp`` is ``array_api_compat.numpy``, whose functions
are NumPy's own, so the NumPy path computes exactly what it always did. The
few places where NumPy and the array API standard differ are hidden by the
helpers here:

- :func:`apply`: NumPy's ufuncs write their result into an ``out`` array
  (the training loop reuses its buffers); other namespaces assign it there.
- :func:`scalar`: a reduction becomes a Python float on NumPy, as in
  scikit-learn, and stays a 0-d array on the device elsewhere, so that a GPU
  is not made to wait for every batch's loss.
- :func:`total`, :func:`sum_rows`, :func:`row_sums`, :func:`row_argmax`:
  reductions, computed on NumPy by the ndarray's own method, which gives
  NumPy's function's result without its Python dispatch (a microsecond or two
  a call, which the training loop pays several times per mini-batch).
- :func:`expit`, :func:`ndtr`, :func:`xlogy`: special functions, from SciPy
  on NumPy and from the array library itself elsewhere.
- :func:`to_numpy` and :func:`to_namespace`: moving arrays between the host
  and the namespace and device of ``X``.

Nothing here imports scikit-learn.
"""

import numpy as np
import scipy.sparse as sp
import scipy.special

_NAMESPACES = {}  # array type -> namespace
_NUMPY = None


def namespace(*arrays):
    """The array API namespace of the given arrays.

    NumPy arrays, sparse matrices, Python scalars, lists and ``None`` count
    as NumPy; arrays of one other namespace make it that one. The namespace
    of each array type is looked up once and cached, so the call costs next
    to nothing in a training loop.

    Examples
    --------
    >>> import numpy as np
    >>> namespace(np.ones(2), None).__name__
    'array_api_compat.numpy'
    """
    if len(arrays) == 1:
        return _NAMESPACES.get(type(arrays[0])) or _namespace_of(arrays[0])
    others = {xp for xp in map(_namespace_of, arrays) if not is_numpy(xp)}
    if len(others) > 1:
        names = sorted(xp.__name__ for xp in others)
        raise TypeError(f"Arrays from different namespaces: {names}.")
    return others.pop() if others else numpy_namespace()


def _namespace_of(array):
    kind = type(array)
    xp = _NAMESPACES.get(kind)
    if xp is None:
        xp = _NAMESPACES[kind] = _namespace_of_type(array)
    return xp


def numpy_namespace():
    """NumPy's array API namespace (``array_api_compat.numpy``)."""
    global _NUMPY
    if _NUMPY is None:
        import array_api_compat.numpy

        _NUMPY = array_api_compat.numpy
    return _NUMPY


def _namespace_of_type(array):
    if array is None or isinstance(array, np.ndarray | np.generic | int | float):
        return numpy_namespace()
    if sp.issparse(array) or isinstance(array, list | tuple):
        return numpy_namespace()
    import array_api_compat

    if not array_api_compat.is_array_api_obj(array):
        return numpy_namespace()
    return array_api_compat.array_namespace(array)


def is_numpy(xp):
    """Whether ``xp`` is NumPy's namespace."""
    return xp is _NUMPY or xp is np or xp.__name__ == "array_api_compat.numpy"


def device(array):
    """The device of ``array`` (``None`` for NumPy arrays and sparse matrices)."""
    if array is None or isinstance(array, np.ndarray) or sp.issparse(array):
        return None
    import array_api_compat

    return array_api_compat.device(array)


def apply(function, *args, out=None, **kwargs):
    """``function(*args, **kwargs)``, written into ``out`` when it is given.

    NumPy's ufuncs (and SciPy's) write straight into ``out``; for arrays of
    other namespaces the result is assigned into it. Returns ``out``, or the
    new result when ``out`` is None.

    Examples
    --------
    >>> import numpy as np
    >>> buffer = np.empty(2)
    >>> apply(np.sqrt, np.array([4.0, 9.0]), out=buffer) is buffer
    True
    >>> buffer
    array([2., 3.])
    """
    if out is None:
        return function(*args, **kwargs)
    if isinstance(out, np.ndarray):
        return function(*args, out=out, **kwargs)
    out[...] = function(*args, **kwargs)
    return out


def scalar(value):
    """A reduction's value: a Python float for NumPy, else the 0-d array.

    On NumPy this is the float scikit-learn computes with. On a device the
    value stays there, so that adding up an epoch's losses does not wait for
    each batch; ``float`` is taken once per epoch.
    """
    if isinstance(value, np.ndarray | np.generic | float | int):
        return float(value)
    return value


def dot(a, b):
    """The dot product of two vectors (NumPy's BLAS ``dot`` on NumPy arrays)."""
    if isinstance(a, np.ndarray):
        return np.dot(a, b)
    xp = namespace(a)
    return xp.sum(a * b)


def weighted_mean(values, weights=None):
    """The mean of the rows of ``values``, weighted by ``weights`` if given
    (``np.average`` on NumPy arrays, to the last bit)."""
    if isinstance(values, np.ndarray):
        if weights is None:  # np.average's unweighted path is the mean:
            return values.sum(axis=0) / values.shape[0]  # NumPy's, to the bit
        return np.average(values, weights=weights, axis=0)
    xp = namespace(values)
    if weights is None:
        return xp.mean(values, axis=0)
    return xp.sum(values * weights[:, None], axis=0) / xp.sum(weights)


def total(x, how="sum"):
    """The sum (or, with ``how="mean"``, the mean) of all the entries of ``x``,
    as :func:`scalar` gives it."""
    if isinstance(x, np.ndarray):
        return float(getattr(x, how)())
    return getattr(namespace(x), how)(x)


def sum_rows(x, out=None):
    """The sum of the rows of ``x``, written into ``out`` if given."""
    if isinstance(x, np.ndarray):
        return x.sum(axis=0, out=out)
    return apply(namespace(x).sum, x, axis=0, out=out)


def row_sums(x):
    """The sum of each row of ``x``, as a column."""
    if isinstance(x, np.ndarray):
        return x.sum(axis=1, keepdims=True)
    return namespace(x).sum(x, axis=1, keepdims=True)


def row_argmax(x):
    """The column index of each row's largest entry (the first, for ties)."""
    if isinstance(x, np.ndarray):
        return x.argmax(axis=1)
    return namespace(x).argmax(x, axis=1)


def count_true(mask):
    """The number of true entries of a boolean array (see :func:`scalar`)."""
    if isinstance(mask, np.ndarray):
        return float(np.count_nonzero(mask))
    return namespace(mask).count_nonzero(mask)


def all_finite(array):
    """Whether every entry of ``array`` is finite, as a bool (which waits for a
    device to finish)."""
    if isinstance(array, np.ndarray):
        return bool(np.isfinite(array).all())
    xp = namespace(array)
    return bool(xp.all(xp.isfinite(array)))


def squared_norm(array):
    """The sum of the squares of all entries, as :func:`scalar` gives it
    (NumPy's BLAS ``dot`` on NumPy)."""
    if isinstance(array, np.ndarray):
        flat = array.ravel()
        return float(np.dot(flat, flat))
    return namespace(array).sum(array * array)


def copy(array):
    """A copy of ``array``, in its namespace and on its device."""
    if isinstance(array, np.ndarray):
        return array.copy()
    return namespace(array).asarray(array, copy=True)


def expit(z, out=None):
    """The logistic sigmoid ``1 / (1 + exp(-z))``, stable for large ``|z|``."""
    if isinstance(z, np.ndarray | np.generic):
        return scipy.special.expit(z, out=out)
    special = _special_module(z)
    if special is not None:
        return apply(special.expit, z, out=out)
    xp = namespace(z)
    e = xp.exp(-xp.abs(z))  # at most 1: never overflows
    return apply(xp.where, z >= 0, 1 / (1 + e), e / (1 + e), out=out)


def ndtr(z):
    """The standard normal distribution function ``Phi(z)``.

    SciPy's on NumPy arrays, PyTorch's and CuPy's on theirs; the array API
    standard has no error function, so for other namespaces it is SciPy's,
    computed on the host.
    """
    if isinstance(z, np.ndarray | np.generic):
        return scipy.special.ndtr(z)
    special = _special_module(z)
    if special is not None:
        return special.ndtr(z)
    # The array API has no error function: other namespaces go through SciPy
    # on the host.
    return to_namespace(scipy.special.ndtr(to_numpy(z)), namespace(z), device(z))


def xlogy(x, y):
    """``x * log(y)``, 0 where ``x`` is 0 (whatever ``y``)."""
    if isinstance(x, np.ndarray | np.generic):
        return scipy.special.xlogy(x, y)
    special = _special_module(x)
    if special is not None:
        return special.xlogy(x, y)
    xp = namespace(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return xp.where(x == 0, xp.zeros_like(y), x * xp.log(y))


def _special_module(array):
    """The array library's special functions (PyTorch's, CuPy's), or None."""
    import array_api_compat

    if array_api_compat.is_torch_array(array):
        import torch

        return torch.special
    if array_api_compat.is_cupy_array(array):
        import cupyx.scipy.special

        return cupyx.scipy.special
    return None


def to_numpy(array):
    """``array`` as a NumPy array on the host; NumPy arrays, sparse matrices,
    lists and ``None`` are returned as they are."""
    if (
        array is None
        or isinstance(array, np.ndarray)
        or sp.issparse(array)
        or is_numpy(namespace(array))
    ):
        return array
    import array_api_compat

    if array_api_compat.is_torch_array(array):
        return array.detach().cpu().numpy()
    if array_api_compat.is_cupy_array(array):
        return array.get()
    return np.from_dlpack(array)


def to_namespace(array, xp, device, dtype=None):
    """``array`` in namespace ``xp`` on ``device`` (and of ``dtype`` if given).

    NumPy arrays stay as they are for NumPy (``dtype`` aside): no copy.
    """
    if array is None:
        return None
    if is_numpy(xp):
        array = to_numpy(array)
        return array if dtype is None else array.astype(dtype, copy=False)
    if namespace(array) is not xp:
        array = np.ascontiguousarray(to_numpy(array))
        return xp.asarray(array, dtype=dtype, device=device)
    if dtype is not None:
        array = xp.astype(array, dtype)
    return xp.asarray(array, device=device) if device is not None else array


def numpy_dtype(dtype):
    """The NumPy float dtype of the same precision as a float ``dtype`` of any
    namespace."""
    if isinstance(dtype, np.dtype) or isinstance(dtype, type):
        return np.dtype(dtype)
    return np.dtype(str(dtype).rsplit(".", 1)[-1])


def take_rows(X, rows):
    """The rows of ``X`` at ``rows``: a slice (a view, for dense arrays), or
    integer indices (an array of ``X``'s namespace, or a NumPy array for NumPy
    and sparse ``X``)."""
    if isinstance(X, np.ndarray) and not isinstance(rows, slice):
        return X.take(rows, axis=0)  # X[rows], gathered faster (a sixth on wide X)
    if isinstance(X, np.ndarray) or sp.issparse(X):
        return X[rows]
    if isinstance(rows, slice):
        return X[rows, ...]
    return namespace(X).take(X, rows, axis=0)
