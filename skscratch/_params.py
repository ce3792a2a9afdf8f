"""The network's parameters as one flat vector, with a view shaped like each layer.

Training keeps every weight matrix and bias vector in one contiguous array, so
that an optimizer step is a handful of ufunc calls whatever the number of
layers, and L-BFGS sees the flat vector it works on. ``coefs`` and
``intercepts`` are views into that vector: writing into them writes into it.
"""

import math
from typing import NamedTuple

import numpy as np

from ._xp import device, namespace, to_namespace, to_numpy


def views(vector, shapes):
    """Views of consecutive pieces of a flat vector, one per shape."""
    xp = namespace(vector)
    pieces, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        pieces.append(xp.reshape(vector[start : start + size], shape))
        start += size
    return pieces


def pack(arrays):
    """Concatenate arrays into one new flat float64 NumPy vector (for L-BFGS,
    which works on the host)."""
    return np.concatenate([np.ravel(to_numpy(a)) for a in arrays]).astype(
        np.float64, copy=False
    )


class FlatParameters(NamedTuple):
    """A flat vector and the per-layer views ``coefs`` and ``intercepts`` into it.

    Examples
    --------
    >>> import numpy as np
    >>> params = FlatParameters.copy_of([np.ones((2, 3))], [np.zeros(3)])
    >>> params.vector.shape
    (9,)
    >>> params.coefs[0][0, 0] = 5.0
    >>> float(params.vector[0])
    5.0
    """

    vector: np.ndarray
    coefs: list
    intercepts: list

    @classmethod
    def from_vector(cls, vector, shapes):
        """Wrap ``vector`` (not copied) with views of the given layer shapes."""
        pieces = views(vector, shapes)
        n_layers = len(shapes) // 2
        return cls(vector, pieces[:n_layers], pieces[n_layers:])

    @classmethod
    def copy_of(cls, coefs, intercepts):
        """A new flat vector holding copies of ``coefs`` and ``intercepts``."""
        arrays = [*coefs, *intercepts]
        xp = namespace(*arrays)
        vector = xp.concat([xp.reshape(a, (-1,)) for a in arrays])
        return cls.from_vector(vector, [tuple(a.shape) for a in arrays])

    @property
    def shapes(self):
        """Shapes of the weight matrices, then of the bias vectors."""
        return [tuple(a.shape) for a in (*self.coefs, *self.intercepts)]

    def empty_like(self):
        """Uninitialised parameters of the same shapes (for gradients)."""
        xp = namespace(self.vector)
        return FlatParameters.from_vector(xp.empty_like(self.vector), self.shapes)

    def unpacked(self, vector):
        """New per-layer arrays, in this vector's namespace, device and dtype,
        from another flat vector (L-BFGS's, a NumPy array)."""
        xp, dtype = namespace(self.vector), self.vector.dtype
        pieces = [
            piece.astype(dtype)  # a copy
            if isinstance(self.vector, np.ndarray)
            else to_namespace(piece, xp, device(self.vector), dtype)
            for piece in views(vector, self.shapes)
        ]
        n_layers = len(self.coefs)
        return pieces[:n_layers], pieces[n_layers:]
