"""The network's parameters as one flat vector, with a view shaped like each layer.

Training keeps every weight matrix and bias vector in one contiguous array, so
that an optimizer step is a handful of ufunc calls whatever the number of
layers, and L-BFGS sees the flat vector it works on. ``coefs`` and
``intercepts`` are views into that vector: writing into them writes into it.
"""

import math
from typing import NamedTuple

import numpy as np


def views(vector, shapes):
    """Views of consecutive pieces of a flat vector, one per shape."""
    pieces, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        pieces.append(vector[start : start + size].reshape(shape))
        start += size
    return pieces


def pack(arrays):
    """Concatenate arrays into one new flat float64 vector (for L-BFGS)."""
    return np.concatenate([np.ravel(a) for a in arrays]).astype(np.float64, copy=False)


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
        vector = np.concatenate([np.ravel(a) for a in arrays])
        return cls.from_vector(vector, [a.shape for a in arrays])

    @property
    def shapes(self):
        """Shapes of the weight matrices, then of the bias vectors."""
        return [a.shape for a in (*self.coefs, *self.intercepts)]

    def empty_like(self):
        """Uninitialised parameters of the same shapes (for gradients)."""
        return FlatParameters.from_vector(np.empty_like(self.vector), self.shapes)

    def unpacked(self, vector):
        """New per-layer arrays, in this vector's dtype, from another flat vector."""
        pieces = [
            piece.astype(self.vector.dtype) for piece in views(vector, self.shapes)
        ]
        n_layers = len(self.coefs)
        return pieces[:n_layers], pieces[n_layers:]
