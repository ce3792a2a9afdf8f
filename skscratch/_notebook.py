"""The teaching notebook in one place: its network, its data and its arithmetic.

skscratch grew out of a notebook that trains a network made of Python lists on
scikit-learn's digits. This module holds what the package, its demo, tests,
benchmarks and documentation take from that notebook:

- ``NOTEBOOK_PARAMS``, the parameters that make :class:`ScratchMLPClassifier`
  the notebook's network, and :func:`notebook_network`, which builds it;
- :func:`notebook_split`, the notebook's data: pixels divided by 128, the
  first 70% of the images for training and the last 30% for testing;
- a pure-Python transcription of the notebook's network (lists of lists of
  weights, one neuron per inner list with its bias as the last weight, and
  per-sample backpropagation with the notebook's equations). It is the
  independent reference the estimator is tested against and the loop the
  benchmarks time. Only the training loop is factored into functions; the
  arithmetic is the notebook's, line for line.
"""

import math

from sklearn.datasets import load_digits

from ._classifier import ScratchMLPClassifier

# The notebook trains 10 logistic hidden units and 10 logistic outputs on the
# half squared error, from U[0, 1) weights, for 10 epochs, one sample at a time
# with a learning rate of 1. It draws the samples at random (``random.sample``
# of 50 training images, one after the other), so here each epoch visits the
# training images in a new random order.
NOTEBOOK_PARAMS = {
    "hidden_layer_sizes": (10,),
    "activation": "logistic",
    "loss": "squared_error",
    "init": "uniform",
    "solver": "sgd",
    "learning_rate_init": 1.0,
    "momentum": 0.0,
    "alpha": 0.0,
    "batch_size": 1,
    "shuffle": True,
    "max_iter": 10,
    "random_state": 0,
}


def notebook_network(**overrides):
    """The teaching notebook's network, as a :class:`ScratchMLPClassifier`.

    Ten logistic hidden units and one logistic output unit per class, trained
    on the half squared error of the one-hot target, starting from weights and
    biases drawn from ``U[0, 1)``, with plain stochastic gradient descent one
    sample at a time (learning rate 1, no momentum, no L2 penalty) for ten
    epochs, visiting the training samples in a new random order at every
    epoch, as the notebook draws them at random. It expects the notebook's
    pixel scale, ``X / 128`` (see :func:`notebook_split`).

    Parameters
    ----------
    **overrides : dict
        Parameters to set differently, such as ``max_iter`` or
        ``random_state``; any parameter of :class:`ScratchMLPClassifier`.

    Returns
    -------
    clf : ScratchMLPClassifier
        The unfitted network: ``NOTEBOOK_PARAMS`` updated with ``overrides``.

    See Also
    --------
    notebook_split : The notebook's training and test data.

    Examples
    --------
    >>> import warnings
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from skscratch import notebook_network, notebook_split
    >>> X_train, X_test, y_train, y_test = notebook_split()
    >>> clf = notebook_network()
    >>> clf.get_params()["hidden_layer_sizes"], clf.get_params()["batch_size"]
    ((10,), 1)
    >>> with warnings.catch_warnings():  # ten epochs do not reach convergence
    ...     warnings.simplefilter("ignore", ConvergenceWarning)
    ...     clf = clf.fit(X_train, y_train)
    >>> print(f"{clf.score(X_test, y_test):.3f}")
    0.850
    >>> notebook_network(max_iter=3, random_state=1).get_params()["max_iter"]
    3
    """
    return ScratchMLPClassifier(**{**NOTEBOOK_PARAMS, **overrides})


def notebook_split():
    """The teaching notebook's data: the digits, pixels / 128, split 70/30 in order.

    The pixel values (0 to 16) are divided by 16 and then by 8, "to have a mean
    value much smaller than 1"; the first 70% of the 1797 images are for
    training and the last 30% for testing, without shuffling, so that most
    test images come from other writers than the training images.

    Returns
    -------
    X_train : ndarray of shape (1257, 64)
        Training images, flattened.

    X_test : ndarray of shape (540, 64)
        Test images, flattened.

    y_train : ndarray of shape (1257,)
        Digits of the training images.

    y_test : ndarray of shape (540,)
        Digits of the test images.

    See Also
    --------
    notebook_network : The notebook's network.

    Examples
    --------
    >>> from skscratch import notebook_split
    >>> X_train, X_test, y_train, y_test = notebook_split()
    >>> X_train.shape, X_test.shape
    ((1257, 64), (540, 64))
    >>> float(X_train.max()) == 16 / 128
    True
    """
    digits = load_digits()
    X = digits.data / 16 / 8
    n_train = int(len(X) * 0.7)
    return X[:n_train], X[n_train:], digits.target[:n_train], digits.target[n_train:]


# ------------------------------------------------ the notebook's network, in lists


def dot(v, w):
    """v_1 * w_1 + ... + v_n * w_n"""
    return sum(v_i * w_i for v_i, w_i in zip(v, w, strict=True))


def sigmoid(t):
    return 1 / (1 + math.exp(-t))


def argmax(values):
    return values.index(max(values))


def neuron_output(weights, inputs):
    return sigmoid(dot(weights, inputs))


def feed_forward(neural_network, input_vector):
    """Outputs of every layer for one input vector."""
    outputs = []
    for layer in neural_network:
        input_with_bias = input_vector + [1]  # add a bias input (always 1)
        output = [neuron_output(neuron, input_with_bias) for neuron in layer]
        outputs.append(output)
        input_vector = output
    return outputs


def predict(network, input_vector):
    return feed_forward(network, input_vector)[-1]


def backpropagate(network, input_vector, target, rate=1.0):
    hidden_outputs, outputs = feed_forward(network, input_vector)

    # compute the delta (error term) of the output layer
    output_deltas = [
        output * (1 - output) * (output - target[i])  # (1)
        for i, output in enumerate(outputs)
    ]

    # back-propagate errors to the hidden layer
    hidden_deltas = [
        hidden_output
        * (1 - hidden_output)
        * dot(output_deltas, [n[i] for n in network[-1]])  # (2)
        for i, hidden_output in enumerate(hidden_outputs)
    ]

    # adjust weights for output layer (network[-1])
    for i, output_neuron in enumerate(network[-1]):
        for j, hidden_output in enumerate(hidden_outputs + [1]):
            output_neuron[j] -= output_deltas[i] * hidden_output * rate  # (3)

    # adjust weights for hidden layer (network[0])
    for i, hidden_neuron in enumerate(network[0]):
        for j, inp in enumerate(input_vector + [1]):
            hidden_neuron[j] -= hidden_deltas[i] * inp * rate


def new_network(rng, input_size=64, num_hidden=10, output_size=10):
    """The notebook's initialisation: U[0, 1) weights, bias last, neuron by neuron."""
    hidden_layer = [
        [rng.random() for __ in range(input_size + 1)] for __ in range(num_hidden)
    ]
    output_layer = [
        [rng.random() for __ in range(num_hidden + 1)] for __ in range(output_size)
    ]
    return [hidden_layer, output_layer]


def one_hot(label, n_classes=10):
    return [1 if i == label else 0 for i in range(n_classes)]


def accuracy(network, images, labels):
    correct = sum(
        argmax(predict(network, x)) == label
        for x, label in zip(images, labels, strict=True)
    )
    return correct / len(labels)
