r"""The network's mathematics: initialisation, forward pass, backpropagation.

Written with ``xp``, the array namespace of the data (NumPy, PyTorch, CuPy...;
see :mod:`skscratch._xp`), and no scikit-learn. Every function takes the
parameters it needs and returns its results; nothing is stored between calls
and no argument is changed (except the arrays given as ``out``, for the
results).

Notation (row-major, one sample per row, as in scikit-learn):

- ``a^0 = X``, the input batch of shape ``(n_samples, n_features)``;
- ``z^l = a^{l-1} W^l + b^l`` and ``a^l = f(z^l)`` for layers ``l = 1 .. L``, with
  ``f`` the hidden activation and ``f_L`` the output activation of the loss;
- ``coefs[l - 1] = W^l`` of shape ``(n_units[l-1], n_units[l])`` and
  ``intercepts[l - 1] = b^l``.

The objective for a batch with sample weights ``s_i`` (all ones by default) is

.. math::

    J = \frac{\sum_i s_i \, L(y_i, a^L_i) + \tfrac{\alpha}{2} \sum_l \|W^l\|_F^2}
             {\sum_i s_i}

and backpropagation computes its gradient with the four equations

- BP1: ``delta^L = s * dL/dz^L`` (the loss's output delta, weighted per sample);
- BP2: ``delta^l = (delta^{l+1} W^{l+1}^T) * f'(z^l)``;
- BP3: ``dJ/db^l = sum_i delta^l_i / sum_i s_i``;
- BP4: ``dJ/dW^l = (a^{l-1}^T delta^l + alpha W^l) / sum_i s_i``.
"""

from itertools import pairwise

import numpy as np

from ._activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ._losses import LOSSES, mean_loss
from ._xp import (
    device,
    namespace,
    squared_norm,
    sum_rows,
    take_rows,
    total,
)

_PREDICT_CHUNK_ROWS = 4096


def initialize_parameters(layer_units, init, hidden_activation, random_state, dtype):
    """Draw the initial weights and biases of every layer.

    Parameters
    ----------
    layer_units : sequence of int
        Units per layer, input and output layers included.
    init : {"glorot_uniform", "uniform"} or callable
        ``"glorot_uniform"``: ``U(-r, r)`` with ``r = sqrt(k / (fan_in + fan_out))``,
        ``k`` the activation's ``glorot_factor`` (2 for the logistic activation
        and 6 for identity, tanh and relu, as in scikit-learn; Glorot & Bengio,
        2010); weights of a layer are drawn before its biases, layer by layer, in
        the same order as scikit-learn's ``MLPClassifier``.
        ``"uniform"``: ``U[0, 1)`` for weights and biases, drawn neuron by neuron
        with the bias last, as the teaching notebook does.
        A callable is called as ``init(fan_in, fan_out, random_state)`` once per
        layer and returns ``(coef, intercept)`` of shapes ``(fan_in, fan_out)``
        and ``(fan_out,)``, of real numbers (integers or floats: not booleans,
        complex numbers or objects) that are finite in ``dtype``.
    hidden_activation : str or sequence of str
        Name of the hidden activation, or one name per hidden layer: it sets
        the Glorot factor of the weights into that layer (the output layer's
        weights take the factor of the last hidden layer).
    random_state : numpy.random.RandomState
        Source of randomness.
    dtype : numpy dtype
        dtype of the returned arrays.

    Returns
    -------
    coefs, intercepts : list of ndarray
        One weight matrix and one bias vector per layer.

    Raises
    ------
    TypeError
        If ``init`` does not return a pair, or returns arrays that are not of
        real numbers.
    ValueError
        If ``init`` returns arrays of the wrong shapes, or with values that are
        NaN, infinite, or beyond the range of ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> def ones(fan_in, fan_out, random_state):
    ...     return np.ones((fan_in, fan_out)), np.zeros(fan_out)
    >>> coefs, intercepts = initialize_parameters(
    ...     [2, 3, 1], ones, "relu", np.random.RandomState(0), np.float32
    ... )
    >>> [c.shape for c in coefs], intercepts[0].dtype
    ([(2, 3), (3, 1)], dtype('float32'))
    >>> def nans(fan_in, fan_out, random_state):
    ...     return np.full((fan_in, fan_out), np.nan), np.zeros(fan_out)
    >>> initialize_parameters([2, 3, 1], nans, "relu", None, np.float64)
    Traceback (most recent call last):
    ...
    ValueError: init returned NaN or infinite values in its coef for layer 1 (2 -> 3).
    """
    names = layer_activations(hidden_activation, len(layer_units) - 2)
    coefs, intercepts = [], []
    for layer, (fan_in, fan_out) in enumerate(pairwise(layer_units), start=1):
        if init == "glorot_uniform":
            name = names[min(layer, len(names)) - 1] if names else "identity"
            factor = HIDDEN_ACTIVATIONS[name].glorot_factor
            bound = np.sqrt(factor / (fan_in + fan_out))
            coef = random_state.uniform(-bound, bound, (fan_in, fan_out))
            intercept = random_state.uniform(-bound, bound, fan_out)
        elif init == "uniform":
            neurons = random_state.uniform(0.0, 1.0, (fan_out, fan_in + 1))
            coef, intercept = neurons[:, :-1].T, neurons[:, -1]
        else:
            drawn = init(fan_in, fan_out, random_state)
            coef, intercept = _checked_init_arrays(drawn, layer, fan_in, fan_out, dtype)
        coefs.append(np.array(coef, dtype=dtype, order="C"))
        intercepts.append(np.array(intercept, dtype=dtype))
    return coefs, intercepts


def layer_activations(hidden_activation, n_hidden):
    """One activation name per hidden layer, from one name or a sequence.

    Examples
    --------
    >>> layer_activations("relu", 2)
    ['relu', 'relu']
    >>> layer_activations(("tanh", "gelu"), 2)
    ['tanh', 'gelu']
    """
    if isinstance(hidden_activation, str):
        return [hidden_activation] * n_hidden
    return list(hidden_activation)


def hidden_layer_activations(hidden_activation, n_hidden):
    """The :class:`~skscratch._activations.Activation` of each hidden layer,
    from one name or one name per hidden layer.

    Examples
    --------
    >>> [f.function.__name__ for f in hidden_layer_activations(["tanh", "relu"], 2)]
    ['tanh', 'relu']
    """
    if isinstance(hidden_activation, str):
        return (HIDDEN_ACTIVATIONS[hidden_activation],) * n_hidden
    return tuple(HIDDEN_ACTIVATIONS[name] for name in hidden_activation)


def needs_kept_values(hidden, dropout_masks=None):
    """Whether backpropagation needs what :func:`forward` keeps with ``kept``:
    an activation of ``hidden`` (one per hidden layer, see
    :func:`hidden_layer_activations`) whose derivative is written with ``z``,
    or dropout."""
    return dropout_masks is not None or any(f.needs_z for f in hidden)


def _checked_init_arrays(drawn, layer, fan_in, fan_out, dtype):
    """The ``(coef, intercept)`` an ``init`` callable returned for ``layer``, as
    arrays of ``dtype``: a pair of the right shapes, of real numbers, finite."""
    if not (isinstance(drawn, tuple | list) and len(drawn) == 2):
        raise TypeError(
            "init must return a pair (coef, intercept) of arrays of shapes "
            f"{(fan_in, fan_out)} and {(fan_out,)}; got {type(drawn).__name__}."
        )
    coef, intercept = np.asarray(drawn[0]), np.asarray(drawn[1])
    if coef.shape != (fan_in, fan_out) or intercept.shape != (fan_out,):
        raise ValueError(
            f"init must return a coef of shape {(fan_in, fan_out)} and an "
            f"intercept of shape {(fan_out,)}; got {coef.shape} and "
            f"{intercept.shape}."
        )
    where = f"its {{}} for layer {layer} ({fan_in} -> {fan_out})"
    checked = []
    for name, values in (("coef", coef), ("intercept", intercept)):
        if values.dtype.kind not in "iuf":
            raise TypeError(
                "init must return arrays of real numbers (integers or floats); "
                f"{where.format(name)} is of dtype {values.dtype}."
            )
        if not np.isfinite(values).all():
            raise ValueError(
                f"init returned NaN or infinite values in {where.format(name)}."
            )
        with np.errstate(over="ignore"):
            converted = values.astype(dtype)
        if not np.isfinite(converted).all():
            raise ValueError(
                f"init returned values beyond the range of {np.dtype(dtype).name} "
                f"in {where.format(name)}: largest magnitude "
                f"{np.abs(values).max():.6g}."
            )
        checked.append(converted)
    return checked


def forward(
    coefs,
    intercepts,
    X,
    hidden_activation,
    output_activation,
    kept=None,
    dropout_masks=None,
):
    """Propagate ``X`` through the network.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Weights ``W^l`` and biases ``b^l`` of each layer.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Input batch ``a^0``.
    hidden_activation : str or sequence of str
        Name of the activation ``f`` of the hidden layers (a key of
        ``HIDDEN_ACTIVATIONS``), or one name per hidden layer.
    output_activation : str
        Activation ``f_L`` of the output layer (a key of ``OUTPUT_ACTIVATIONS``).
    kept : list, default=None
        When given, for each hidden layer, what its derivative is written with
        is appended to it: ``z^l`` (an activation with ``needs_z``) or ``a^l``
        before dropout. Otherwise each ``a^l = f(z^l)`` is computed into
        ``z^l``'s memory.
    dropout_masks : list of (ndarray or None), default=None
        Inverted dropout: for each hidden layer, a mask of ``0`` and
        ``1 / (1 - p)`` that multiplies ``a^l`` (None for no dropout there).
        Needs ``kept``.

    Returns
    -------
    activations : list of ndarray
        ``[a^0, a^1, ..., a^L]``: the input followed by every layer's output
        (after dropout).

    Examples
    --------
    >>> import numpy as np
    >>> W, b = np.array([[1.0, -1.0]]), np.zeros(2)
    >>> kept = []
    >>> forward([W, W.T], [b, b[:1]], np.array([[2.0]]), "gelu", "logistic", kept)[1]
    array([[ 1.95449974, -0.04550026]])
    >>> kept
    [array([[ 2., -2.]])]
    """
    hidden = hidden_layer_activations(hidden_activation, len(coefs) - 1)
    f_out = OUTPUT_ACTIVATIONS[output_activation]
    return _forward(coefs, intercepts, X, hidden, f_out, kept, dropout_masks)


def _forward(coefs, intercepts, X, hidden, f_out, kept, dropout_masks):
    """:func:`forward`, given the hidden layers' :class:`Activation` objects
    and the output activation function (the training loop looks them up once
    per batch)."""
    activations = [X]
    last = len(hidden)
    for layer, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        z = activations[-1] @ W
        z += b  # z^l = a^{l-1} W^l + b^l
        if layer == last:
            activations.append(f_out(z))  # a^L = f_L(z^L)
            continue
        f = hidden[layer]
        if kept is None:
            activations.append(f.function(z, out=z))  # a^l = f(z^l), into z^l
            continue
        a = f.function(z)  # a^l = f(z^l), z^l kept
        kept.append(z if f.needs_z else a)
        if dropout_masks is not None and dropout_masks[layer] is not None:
            a = a * dropout_masks[layer]  # inverted dropout: a^l * m^l / (1 - p)
        activations.append(a)
    return activations


def backward(
    coefs,
    activations,
    output_delta,
    hidden_activation,
    alpha,
    sample_weight,
    out=None,
    kept=None,
    dropout_masks=None,
):
    """Backpropagate the output delta and return the gradient of the objective.

    Parameters
    ----------
    coefs : list of ndarray
        Weights ``W^l`` of each layer.
    activations : list of ndarray
        ``[a^0, ..., a^L]`` as returned by :func:`forward`.
    output_delta : ndarray of shape (n_samples, n_outputs)
        ``dL_i/dz^L`` for each sample, unweighted (see ``Loss.output_delta``).
    hidden_activation : str or sequence of str
        Name of the hidden activation ``f``, or one name per hidden layer.
    alpha : float
        L2 penalty strength.
    sample_weight : ndarray of shape (n_samples,) or None
        Weight ``s_i`` of each sample; ``None`` means all ones.
    out : tuple (coef_grads, intercept_grads) of lists of ndarray, default=None
        Arrays shaped like the parameters to write the gradient into, as a
        ufunc's ``out`` (the training loop reuses one set for every batch).
        ``None`` allocates new ones.
    kept : list of ndarray, default=None
        What :func:`forward` kept for each hidden layer; needed when the
        derivative of an ``f`` is written with ``z`` or with dropout
        (:func:`needs_kept_values`).
    dropout_masks : list of (ndarray or None), default=None
        The masks :func:`forward` applied: the dropout of layer ``l`` scales
        its delta by the same mask.

    Returns
    -------
    coef_grads, intercept_grads : list of ndarray
        ``dJ/dW^l`` and ``dJ/db^l`` for every layer, shaped like the parameters
        (the arrays of ``out`` when given).

    Examples
    --------
    A network without hidden layer, one sample: the gradient of the weights is
    the outer product of the input and the output delta (BP4).

    >>> import numpy as np
    >>> X, W = np.array([[1.0, 2.0]]), np.zeros((2, 1))
    >>> coef_grads, intercept_grads = backward(
    ...     [W], [X, None], np.array([[0.5]]), "relu", alpha=0.0, sample_weight=None
    ... )
    >>> coef_grads[0].ravel(), intercept_grads[0]
    (array([0.5, 1. ]), array([0.5]))
    """
    hidden = hidden_layer_activations(hidden_activation, len(coefs) - 1)
    if kept is None and needs_kept_values(hidden, dropout_masks):
        names = layer_activations(hidden_activation, len(hidden))
        raise ValueError(
            f"The derivatives of {names} (or dropout) need the values forward "
            "keeps: pass the kept list that forward filled."
        )
    return _backward(
        coefs,
        activations,
        output_delta,
        hidden,
        alpha,
        sample_weight,
        out,
        kept,
        dropout_masks,
    )


def _backward(
    coefs,
    activations,
    output_delta,
    hidden,
    alpha,
    sample_weight,
    out,
    kept,
    dropout_masks,
):
    """:func:`backward`, given the hidden layers' :class:`Activation` objects."""
    alpha = float(alpha)  # a numpy float64 would promote float32 gradients
    n_layers = len(coefs)
    if out is None:
        xp = namespace(output_delta)
        coef_grads = [xp.empty_like(W, dtype=output_delta.dtype) for W in coefs]
        intercept_grads = [xp.empty_like(W[0, :]) for W in coef_grads]
    else:
        coef_grads, intercept_grads = out
    if sample_weight is None:
        weight_sum = float(output_delta.shape[0])
        delta = output_delta  # BP1: delta^L = dL/dz^L
    else:
        weight_sum = total(sample_weight)
        delta = output_delta * sample_weight[:, None]  # BP1, weighted
    for layer in range(n_layers - 1, -1, -1):
        W, a_prev = coefs[layer], activations[layer]
        coef_grad, intercept_grad = coef_grads[layer], intercept_grads[layer]
        _transposed_product(a_prev, delta, out=coef_grad)  # a^{l-1}^T delta^l
        if alpha:
            _add_scaled(coef_grad, W, alpha)  # + alpha W^l
        coef_grad /= weight_sum  # BP4 + L2: (a^T delta + alpha W) / sum(s)
        sum_rows(delta, out=intercept_grad)
        intercept_grad /= weight_sum  # BP3: sum_i delta_i / sum(s)
        if layer > 0:
            delta = delta @ W.T
            if dropout_masks is not None and dropout_masks[layer - 1] is not None:
                delta *= dropout_masks[layer - 1]  # through the dropout mask
            z_or_a = a_prev if kept is None else kept[layer - 1]
            f = hidden[layer - 1]
            for factor in f.derivative_factors(z_or_a):
                delta *= factor  # BP2: times f'(z), written with z or a = f(z)
    return coef_grads, intercept_grads


def _add_scaled(out, W, alpha, block_size=32768):
    """``out += alpha * W``, a few rows at a time so the temporary stays small."""
    rows = max(1, block_size // max(W.shape[1], 1))
    if rows >= W.shape[0]:
        out += alpha * W  # a single block
        return
    for start in range(0, W.shape[0], rows):
        block = slice(start, min(start + rows, W.shape[0]))
        out[block, ...] += alpha * W[block, ...]


def _transposed_product(a, delta, out):
    """``out[...] = a.T @ delta``, for a dense or sparse ``a`` of any namespace."""
    if isinstance(a, np.ndarray):
        np.matmul(a.T, delta, out=out)
    else:
        out[...] = a.T @ delta


def l2_penalty(coefs, alpha, weight_sum):
    """``alpha / 2 * sum_l ||W^l||^2 / weight_sum``: the L2 term of the objective."""
    if not alpha:
        return 0.0
    squares = sum(squared_norm(W) for W in coefs)
    return 0.5 * alpha * squares / weight_sum


def objective_and_gradients(
    coefs,
    intercepts,
    X,
    Y,
    hidden_activation,
    loss,
    alpha,
    sample_weight=None,
    out=None,
    dropout_masks=None,
):
    """Objective ``J`` on a batch and its gradient: one forward and one backward pass.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Parameters of the network.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Input batch.
    Y : ndarray of shape (n_samples, n_outputs)
        Targets, one column per output unit (one-hot for classes).
    hidden_activation : str or sequence of str
        Name of the hidden activation, or one name per hidden layer.
    loss : str
        Name of a loss in ``LOSSES``; it sets the output activation.
    alpha : float
        L2 penalty strength.
    sample_weight : ndarray of shape (n_samples,), default=None
        Sample weights.
    out : tuple (coef_grads, intercept_grads) of lists of ndarray, default=None
        Where to write the gradient (see :func:`backward`).
    dropout_masks : list of (ndarray or None), default=None
        Dropout masks of the hidden layers (see :func:`forward`).

    Returns
    -------
    objective : float
        Weighted mean loss plus the L2 penalty.
    coef_grads, intercept_grads : list of ndarray
        Gradient of the objective.
    activations : list of ndarray
        The activations of the forward pass (the last one is the output).
    """
    loss_fn = LOSSES[loss]
    hidden = hidden_layer_activations(hidden_activation, len(coefs) - 1)
    kept = [] if needs_kept_values(hidden, dropout_masks) else None
    f_out = OUTPUT_ACTIVATIONS[loss_fn.output_activation]
    activations = _forward(coefs, intercepts, X, hidden, f_out, kept, dropout_masks)
    output = activations[-1]
    weight_sum = float(X.shape[0]) if sample_weight is None else total(sample_weight)
    data_loss = mean_loss(loss_fn, Y, output, sample_weight)
    objective = data_loss + l2_penalty(coefs, alpha, weight_sum)
    coef_grads, intercept_grads = _backward(
        coefs,
        activations,
        loss_fn.output_delta(Y, output),
        hidden,
        alpha,
        sample_weight,
        out,
        kept,
        dropout_masks,
    )
    return objective, coef_grads, intercept_grads, activations


def predict_outputs(coefs, intercepts, X, hidden_activation, output_activation):
    """Network outputs for ``X``, computed a few thousand rows at a time.

    Working in chunks bounds the memory of prediction whatever the number of
    rows. Inputs so extreme that a unit's value is undetermined (overflow to
    ``inf - inf``) give outputs meaning "no preference": 0.5 for logistic units,
    ``1 / n_outputs`` for softmax units (other outputs stay NaN).

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        Parameters of the network.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Input rows.
    hidden_activation : str or sequence of str
        Name of the hidden activation, or one name per hidden layer.
    output_activation : str
        Name of the output activation.

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_outputs)
        The output layer's values ``a^L``.
    """
    xp = namespace(coefs[0])
    n_samples, n_outputs = X.shape[0], coefs[-1].shape[1]
    dtype = xp.result_type(X.dtype, coefs[0].dtype)
    outputs = xp.empty((n_samples, n_outputs), dtype=dtype, device=device(coefs[0]))
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, n_samples, _PREDICT_CHUNK_ROWS):
            rows = slice(start, min(start + _PREDICT_CHUNK_ROWS, n_samples))
            outputs[rows, :] = forward(
                coefs,
                intercepts,
                take_rows(X, rows),
                hidden_activation,
                output_activation,
            )[-1]
    no_preference = {"logistic": 0.5, "softmax": 1 / n_outputs}.get(output_activation)
    if no_preference is None:
        return outputs
    undetermined = xp.any(xp.isnan(outputs), axis=1, keepdims=True)
    if isinstance(outputs, np.ndarray):  # in place: no second array of outputs
        outputs[undetermined[:, 0]] = no_preference
        return outputs
    return xp.where(undetermined, no_preference, outputs)  # no device sync
