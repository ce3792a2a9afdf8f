"""Two benchmark fits as bare numpy loops: a floor for any numpy implementation.

``fit_digits_minimal`` trains the default network (64 inputs, 100 ReLU units,
10 softmax outputs, Adam, batch 200, ``alpha=1e-4``, 200 epochs) with the
arithmetic of ``MLPClassifier`` and ``ScratchMLPClassifier``;
``fit_notebook_minimal`` trains the teaching notebook's network (64 inputs, 10
logistic units, 10 logistic outputs, half squared error, plain SGD with rate
1, batch 50) with the arithmetic of ``ScratchMLPClassifier``. Both do nothing
else: no validation, no functions per step, no loss or activation tables, no
history, no stopping rule, no checks. They are not models anyone should use;
``run.py`` times them beside the estimators to show how fast numpy itself can
go on these problems.
"""

import numpy as np
from scipy.special import expit


def fit_digits_minimal(X, y, epochs=200, random_state=0):
    """Train the default network on ``X`` (n, 64) and labels ``y`` in 0..9.

    Returns the flat parameter vector and the loss of each epoch.
    """
    rng = np.random.RandomState(random_state)
    n_samples = X.shape[0]
    Y = np.zeros((n_samples, 10), dtype=bool)
    Y[np.arange(n_samples), y] = True
    sizes = (64 * 100, 100 * 10, 100, 10)
    params, grads = np.empty(sum(sizes)), np.empty(sum(sizes))
    W1, W2, b1, b2 = np.split(params, np.cumsum(sizes)[:-1])
    gW1, gW2, gb1, gb2 = np.split(grads, np.cumsum(sizes)[:-1])
    W1, W2, gW1, gW2 = (
        W1.reshape(64, 100),
        W2.reshape(100, 10),
        gW1.reshape(64, 100),
        gW2.reshape(100, 10),
    )
    for W, b, fan_in, fan_out in ((W1, b1, 64, 100), (W2, b2, 100, 10)):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        W[...] = rng.uniform(-bound, bound, (fan_in, fan_out))
        b[...] = rng.uniform(-bound, bound, fan_out)
    m, v, scratch = np.zeros_like(params), np.zeros_like(params), np.empty_like(params)
    alpha, step, order, losses = 1e-4, 0, np.arange(n_samples), []
    for _ in range(epochs):
        rng.shuffle(order)
        epoch_loss = 0.0
        for start in range(0, n_samples, 200):
            rows = order[start : start + 200]
            x, t, k = X[rows], Y[rows], rows.shape[0]
            a1 = x @ W1
            a1 += b1
            np.maximum(a1, 0.0, out=a1)
            a2 = a1 @ W2
            a2 += b2
            a2 -= a2[np.arange(k), a2.argmax(axis=1)][:, np.newaxis]
            np.exp(a2, out=a2)
            a2 /= a2.sum(axis=1, keepdims=True)
            penalty = (
                0.5
                * alpha
                * (np.dot(W1.ravel(), W1.ravel()) + np.dot(W2.ravel(), W2.ravel()))
            )
            epoch_loss += -np.log(np.clip(a2[t], 1e-16, 1.0)).sum() + penalty
            d2 = a2 - t
            np.matmul(a1.T, d2, out=gW2)
            gW2 += alpha * W2
            gW2 /= k
            d2.sum(axis=0, out=gb2)
            gb2 /= k
            d1 = d2 @ W2.T
            d1 *= a1 > 0
            np.matmul(x.T, d1, out=gW1)
            gW1 += alpha * W1
            gW1 /= k
            d1.sum(axis=0, out=gb1)
            gb1 /= k
            step += 1
            rate = 1e-3 * np.sqrt(1 - 0.999**step) / (1 - 0.9**step)
            np.square(grads, out=scratch)
            scratch *= 0.001
            v *= 0.999
            v += scratch
            grads *= 0.1
            m *= 0.9
            m += grads
            np.sqrt(v, out=scratch)
            scratch += 1e-8
            np.multiply(m, rate, out=grads)
            grads /= scratch
            params -= grads
        losses.append(epoch_loss / n_samples)
    return params, losses


def fit_notebook_minimal(X, y, epochs=10, batch_size=50, random_state=0):
    """Train the notebook's network on ``X`` (n, 64) and labels ``y`` in 0..9.

    Returns the weights, the biases and the loss of each epoch.
    """
    rng = np.random.RandomState(random_state)
    n_samples = X.shape[0]
    Y = np.zeros((n_samples, 10), dtype=bool)
    Y[np.arange(n_samples), y] = True
    layers = []
    for fan_in, fan_out in ((64, 10), (10, 10)):
        neurons = rng.uniform(0.0, 1.0, (fan_out, fan_in + 1))  # bias last
        layers += [np.array(neurons[:, :-1].T), np.array(neurons[:, -1])]
    W1, b1, W2, b2 = layers
    order, losses = np.arange(n_samples), []
    for _ in range(epochs):
        rng.shuffle(order)
        epoch_loss = 0.0
        for start in range(0, n_samples, batch_size):
            rows = order[start : start + batch_size]
            x, t, k = X[rows], Y[rows], rows.shape[0]
            a1 = x @ W1
            a1 += b1
            expit(a1, out=a1)
            a2 = a1 @ W2
            a2 += b2
            expit(a2, out=a2)
            error = a2 - t
            epoch_loss += 0.5 * np.dot(error.ravel(), error.ravel())
            d2 = error * a2
            d2 *= 1 - a2
            d1 = d2 @ W2.T
            d1 *= a1 * (1 - a1)
            gW2 = a1.T @ d2
            gW2 /= k
            gb2 = d2.sum(axis=0)
            gb2 /= k
            gW1 = x.T @ d1
            gW1 /= k
            gb1 = d1.sum(axis=0)
            gb1 /= k
            W1 -= gW1
            b1 -= gb1
            W2 -= gW2
            b2 -= gb2
        losses.append(epoch_loss / n_samples)
    return [W1, W2], [b1, b2], losses
