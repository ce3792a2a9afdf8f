"""Unit tests of ``_params``: one flat vector with a view per layer."""

import numpy as np
import pytest

from skscratch._params import FlatParameters, pack, views

# A network 2 -> 3 -> 1: weights (2, 3) and (3, 1), biases (3,) and (1,).
SHAPES = [(2, 3), (3, 1), (3,), (1,)]


def _layers(dtype=np.float64):
    """Weights and biases whose entries count up from 0, in the vector's order."""
    arrays = [np.empty(shape, dtype=dtype) for shape in SHAPES]
    start = 0
    for array in arrays:
        array.flat = np.arange(start, start + array.size)
        start += array.size
    return arrays[:2], arrays[2:]


def test_views_are_consecutive_pieces_of_the_vector():
    vector = np.arange(13.0)
    pieces = views(vector, SHAPES)
    np.testing.assert_array_equal(pieces[0], [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(pieces[1], [[6], [7], [8]])
    np.testing.assert_array_equal(pieces[2], [9, 10, 11])
    np.testing.assert_array_equal(pieces[3], [12])
    assert all(np.shares_memory(piece, vector) for piece in pieces)


def test_copy_of_lays_out_weights_then_biases_row_by_row():
    coefs, intercepts = _layers()
    params = FlatParameters.copy_of(coefs, intercepts)
    np.testing.assert_array_equal(params.vector, np.arange(13.0))
    assert params.shapes == SHAPES
    for given, view in zip(
        coefs + intercepts, params.coefs + params.intercepts, strict=True
    ):
        np.testing.assert_array_equal(view, given)
        assert not np.shares_memory(view, given)


def test_copy_of_keeps_the_dtype():
    params = FlatParameters.copy_of(*_layers(np.float32))
    assert params.vector.dtype == np.float32
    assert all(a.dtype == np.float32 for a in params.coefs + params.intercepts)


def test_writing_into_a_view_writes_into_the_vector():
    params = FlatParameters.copy_of(*_layers())
    params.coefs[1][2, 0] = -1.0  # entry 8
    params.intercepts[0][...] = 0.5  # entries 9 to 11
    params.intercepts[1] += 1.0  # entry 12
    expected = np.arange(13.0)
    expected[8], expected[9:12], expected[12] = -1.0, 0.5, 13.0
    np.testing.assert_array_equal(params.vector, expected)


def test_writing_into_the_vector_shows_in_the_views():
    params = FlatParameters.from_vector(np.zeros(13), SHAPES)
    params.vector[:] = np.arange(13.0)
    np.testing.assert_array_equal(params.coefs[0], [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(params.intercepts[1], [12])


def test_from_vector_does_not_copy():
    vector = np.zeros(13)
    params = FlatParameters.from_vector(vector, SHAPES)
    assert params.vector is vector
    assert len(params.coefs) == len(params.intercepts) == 2


def test_empty_like_has_the_shapes_and_memory_of_its_own():
    params = FlatParameters.copy_of(*_layers(np.float32))
    grads = params.empty_like()
    assert grads.shapes == SHAPES
    assert grads.vector.dtype == np.float32
    assert not np.shares_memory(grads.vector, params.vector)
    grads.coefs[0][0, 0] = 99.0
    assert grads.vector[0] == 99.0 and params.vector[0] == 0.0


def test_unpacked_returns_new_arrays_in_the_parameters_dtype():
    params = FlatParameters.copy_of(*_layers(np.float32))
    other = np.linspace(0.0, 1.0, 13)  # float64, as L-BFGS gives it
    coefs, intercepts = params.unpacked(other)
    for array, shape in zip(coefs + intercepts, SHAPES, strict=True):
        assert array.shape == shape
        assert array.dtype == np.float32
        assert not np.shares_memory(array, other)
    np.testing.assert_array_equal(coefs[0].ravel(), other[:6].astype(np.float32))
    np.testing.assert_array_equal(intercepts[1], other[12:].astype(np.float32))
    coefs[0][0, 0] = 7.0
    assert other[0] == 0.0


def test_unpacked_of_its_own_vector_is_a_copy():
    params = FlatParameters.copy_of(*_layers())
    coefs, intercepts = params.unpacked(params.vector)
    coefs[0] += 100.0
    intercepts[0] += 100.0
    np.testing.assert_array_equal(params.vector, np.arange(13.0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pack_concatenates_in_float64(dtype):
    coefs, intercepts = _layers(dtype)
    packed = pack([np.asfortranarray(coefs[0]), coefs[1], *intercepts])
    assert packed.dtype == np.float64
    np.testing.assert_array_equal(packed, np.arange(13.0))
