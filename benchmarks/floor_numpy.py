"""The benchmark's fits as the fastest bare numpy loops we could write: a floor.

Each function trains one of the networks ``run.py`` times with the arithmetic
of ``ScratchMLPClassifier`` (and, for ``fit_floor``, of ``MLPClassifier``):
same initialisation, same shuffled mini-batches, same updates up to
floating-point rounding. It does nothing else: no loss, no accuracy, no
history, no stopping rule, no checks, no sample weights, no function per layer
or per step. The activations, deltas and gradients are allocated once per fit,
and the mean over the batch is folded into the output delta, so the gradients
come out of the matrix products already divided by the batch size.

* ``fit_floor``: ReLU hidden layers, softmax outputs and cross-entropy, an L2
  penalty, Adam or SGD with Nesterov momentum, Glorot-uniform initialisation
  (the digits and the 50,000 x 784 cases). The batch is gathered with
  ``X[rows]`` into a new array, which measured faster here than gathering into
  a reused one.
* ``fit_notebook_floor``: the teaching notebook's network (10 logistic hidden
  units, logistic outputs, half squared error, plain SGD with rate 1, uniform
  initialisation). It is so small that each numpy call counts, so each bias
  is folded into its weight matrix, as the notebook does, and nothing at all
  is allocated per batch.

None of this is a model anyone should use. ``run.py`` times it beside the
estimators: when even the floor misses a target, our fastest numpy loop does.
"""

import math

import numpy as np
from scipy.special import expit


def _layered(units, dtype):
    """One flat vector holding every layer's ``W^l``, then every ``b^l``, as views."""
    shapes = list(zip(units[:-1], units[1:], strict=True))
    sizes = [fan_in * fan_out for fan_in, fan_out in shapes] + units[1:]
    flat = np.empty(sum(sizes), dtype=dtype)
    blocks = np.split(flat, np.cumsum(sizes)[:-1])
    coefs = [b.reshape(shape) for b, shape in zip(blocks, shapes, strict=False)]
    return flat, coefs, blocks[len(shapes) :]


def _glorot_uniform(rng, coefs, intercepts):
    """scikit-learn's initial weights: the same draws, layer by layer."""
    for W, b in zip(coefs, intercepts, strict=True):
        fan_in, fan_out = W.shape
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        W[...] = rng.uniform(-bound, bound, (fan_in, fan_out))
        b[...] = rng.uniform(-bound, bound, fan_out)


def fit_floor(
    X,
    y,
    hidden_layer_sizes=(100,),
    solver="adam",
    epochs=200,
    batch_size=200,
    learning_rate=1e-3,
    alpha=1e-4,
    momentum=0.9,
    random_state=0,
):
    """ReLU hidden layers, softmax outputs, cross-entropy, L2 penalty ``alpha``.

    ``solver`` is ``"adam"`` (betas 0.9 and 0.999, epsilon 1e-8) or ``"sgd"``
    with Nesterov momentum ``momentum``. ``y`` holds labels ``0 .. K - 1``.
    Returns the weights and the biases, per layer.
    """
    if solver not in ("adam", "sgd"):
        raise ValueError(f"solver must be 'adam' or 'sgd', got {solver!r}")
    rng = np.random.RandomState(random_state)
    n_samples, n_classes = X.shape[0], int(y.max()) + 1
    units = [X.shape[1], *hidden_layer_sizes, n_classes]
    params, coefs, intercepts = _layered(units, X.dtype)
    _glorot_uniform(rng, coefs, intercepts)
    grads, grad_coefs, grad_intercepts = _layered(units, X.dtype)
    Y = np.zeros((n_samples, n_classes), dtype=X.dtype)
    Y[np.arange(n_samples), y] = 1
    batch = min(batch_size, n_samples)
    outputs = [np.empty((batch, width), dtype=X.dtype) for width in units[1:]]
    deltas = [np.empty((batch, width), dtype=X.dtype) for width in units[1:]]
    first, second = np.zeros_like(params), np.zeros_like(params)
    scratch = np.empty_like(params)
    order, step, n_layers = np.arange(n_samples), 0, len(coefs)
    for _ in range(epochs):
        rng.shuffle(order)
        for start in range(0, n_samples, batch):
            rows = order[start : start + batch]
            k = rows.shape[0]
            a = [X[rows]] + [out[:k] for out in outputs]
            for layer in range(n_layers):
                np.matmul(a[layer], coefs[layer], out=a[layer + 1])
                a[layer + 1] += intercepts[layer]
                if layer < n_layers - 1:
                    np.maximum(a[layer + 1], 0.0, out=a[layer + 1])
            top = a[-1]
            top -= top.max(axis=1, keepdims=True)
            np.exp(top, out=top)
            top /= top.sum(axis=1, keepdims=True)
            delta = deltas[-1][:k]
            np.subtract(top, Y[rows], out=delta)
            delta *= 1.0 / k
            for layer in range(n_layers - 1, -1, -1):
                np.matmul(a[layer].T, delta, out=grad_coefs[layer])
                grad_coefs[layer] += (alpha / k) * coefs[layer]
                delta.sum(axis=0, out=grad_intercepts[layer])
                if layer:
                    below = deltas[layer - 1][:k]
                    np.matmul(delta, coefs[layer].T, out=below)
                    below *= a[layer] > 0
                    delta = below
            step += 1
            if solver == "adam":
                rate = learning_rate * math.sqrt(1 - 0.999**step) / (1 - 0.9**step)
                np.square(grads, out=scratch)
                scratch *= 1 - 0.999
                second *= 0.999
                second += scratch
                grads *= 1 - 0.9
                first *= 0.9
                first += grads
                np.sqrt(second, out=scratch)
                scratch += 1e-8
                np.multiply(first, rate, out=grads)
                grads /= scratch
                params -= grads
            else:
                grads *= learning_rate
                first *= momentum
                first -= grads  # v <- mu v - eta g
                np.multiply(first, momentum, out=scratch)
                scratch -= grads
                params += scratch  # theta <- theta + mu v - eta g
    return coefs, intercepts


def fit_notebook_floor(X, y, epochs=10, batch_size=50, random_state=0):
    """The notebook's network: 10 logistic hidden units, logistic outputs.

    Half squared error, plain SGD with rate 1, uniform initialisation. As in
    the notebook, each bias is the weight of an input fixed at 1: each layer's
    input carries a last column of ones and its weight matrix a last row of
    biases, so a layer is one matrix product and its gradient another.
    Returns the weights and the biases, per layer.
    """
    rng = np.random.RandomState(random_state)
    n_samples, n_classes = X.shape[0], int(y.max()) + 1
    n_features, n_hidden = X.shape[1], 10
    shapes = [(n_features + 1, n_hidden), (n_hidden + 1, n_classes)]
    weights = np.empty(sum(rows * cols for rows, cols in shapes), dtype=X.dtype)
    grads = np.empty_like(weights)
    split = shapes[0][0] * shapes[0][1]
    W1, W2 = weights[:split].reshape(shapes[0]), weights[split:].reshape(shapes[1])
    G1, G2 = grads[:split].reshape(shapes[0]), grads[split:].reshape(shapes[1])
    for W in (W1, W2):
        W[...] = rng.uniform(0.0, 1.0, W.shape[::-1]).T  # neuron by neuron, bias last
    Y = np.zeros((n_samples, n_classes), dtype=X.dtype)
    Y[np.arange(n_samples), y] = 1
    buffers = [
        np.ones((batch_size, n_features + 1), dtype=X.dtype),  # x, then a 1
        np.ones((batch_size, n_hidden + 1), dtype=X.dtype),  # hidden, then a 1
        *(np.empty((batch_size, n_classes), dtype=X.dtype) for _ in range(4)),
        *(np.empty((batch_size, n_hidden), dtype=X.dtype) for _ in range(2)),
    ]
    order = np.arange(n_samples)
    for _ in range(epochs):
        rng.shuffle(order)
        for start in range(0, n_samples, batch_size):
            rows = order[start : start + batch_size]
            k = rows.shape[0]
            x, h, out, target, d2, s2, d1, s1 = (
                buffers if k == batch_size else [b[:k] for b in buffers]
            )
            hidden = h[:, :-1]
            np.take(X, rows, axis=0, out=x[:, :-1])
            np.take(Y, rows, axis=0, out=target)
            np.matmul(x, W1, out=hidden)
            expit(hidden, out=hidden)
            np.matmul(h, W2, out=out)
            expit(out, out=out)
            np.subtract(out, target, out=d2)
            np.subtract(1.0, out, out=s2)
            s2 *= out
            d2 *= s2  # (a - y) a (1 - a)
            d2 *= 1.0 / k
            np.matmul(h.T, d2, out=G2)
            np.matmul(d2, W2[:-1].T, out=d1)
            np.subtract(1.0, hidden, out=s1)
            s1 *= hidden
            d1 *= s1
            np.matmul(x.T, d1, out=G1)
            weights -= grads
    return [W1[:-1], W2[:-1]], [W1[-1], W2[-1]]
