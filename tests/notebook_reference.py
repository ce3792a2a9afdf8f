"""The teaching notebook's network, transcribed faithfully in pure Python.

This is the independent reference for the package: lists of lists of weights,
one neuron per inner list with its bias as the last weight, per-sample
backpropagation with the notebook's equations (1) and (2). Only the training
loop is factored into functions so tests can drive it; the arithmetic is the
notebook's, line for line.
"""

import math


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
