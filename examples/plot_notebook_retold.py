"""
The notebook, retold
====================

The project started from a teaching notebook that builds a neural network out
of Python lists, trains it with backpropagation on scikit-learn's 8x8 digits
and looks at its weights. This example runs the same experiment with
:class:`~skscratch.ScratchMLPClassifier`: the same data, the same split, the
same network and the same training rule, then draws the notebook's pictures
with the package's display objects. At the end, a stronger configuration shows
what the same estimator does with today's defaults.
"""

# %%
# The data
# --------
#
# The notebook divides the pixel values (0 to 16) by 16 and then by 8, "to
# have a mean value much smaller than 1", and keeps the first 70% of the
# images for training and the last 30% for testing, without shuffling. The
# test images come from other writers than most training images, which makes
# the test harder than a random split would. :func:`~skscratch.notebook_split`
# returns this split, the one the demo (``python -m skscratch``) uses too.
import warnings

import matplotlib.pyplot as plt
from sklearn.exceptions import ConvergenceWarning

from skscratch import (
    HiddenWeightsDisplay,
    OutputWeightsDisplay,
    PredictionDisplay,
    ScratchMLPClassifier,
    TrainingHistoryDisplay,
    notebook_network,
    notebook_split,
)

X_train, X_test, y_train, y_test = notebook_split()
print(f"{len(X_train)} training images, {len(X_test)} test images")

# %%
# The first fifty digits:
fig, axes = plt.subplots(5, 10, figsize=(10, 5.5))
for ax, image, label in zip(axes.ravel(), X_train[:50], y_train[:50], strict=True):
    ax.imshow(image.reshape(8, 8), cmap="gray_r")
    ax.set_title(str(label))
    ax.set_axis_off()
fig.tight_layout()

# %%
# The notebook's network
# ----------------------
#
# Ten logistic hidden units, ten logistic output units trained on half the
# squared error of the one-hot target, weights and biases drawn from
# ``U[0, 1)``, and plain gradient descent one sample at a time with a learning
# rate of 1 (no momentum, no penalty), for ten epochs. The notebook draws its
# samples at random, so each epoch visits the training images in a new random
# order (``shuffle=True``). :func:`~skscratch.notebook_network` returns this
# network as a :class:`~skscratch.ScratchMLPClassifier`; its representation
# lists the parameters that differ from the defaults:
notebook_net = notebook_network()
print(notebook_net)

# %%
# Passing the test set as ``X_val``/``y_val`` only *monitors* it: the test
# accuracy of each epoch is recorded in ``history_``, nothing is tuned on it.
# The notebook trains for exactly ten epochs, so the warning that training
# has not converged is expected and silenced.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    notebook_net.fit(X_train, y_train, X_val=X_test, y_val=y_test)

for record in notebook_net.history_:
    print(
        f"epoch {record['epoch']:2d}  loss {record['train_loss']:.4f}  "
        f"accuracy (train) {record['train_score']:.3f}  "
        f"accuracy (test) {record['valid_score']:.3f}"
    )
print(f"test accuracy after training: {notebook_net.score(X_test, y_test):.3f}")

# %%
# ``train_score`` is measured during the epoch, on each sample just before the
# network learns from it, so it lags behind the accuracy of the final weights.
# The training curves (the "valid" curves are the monitored test set):
TrainingHistoryDisplay.from_estimator(notebook_net)
plt.show()

# %%
# What the hidden units look at
# -----------------------------
#
# Each hidden unit has one weight per pixel: drawn as an 8x8 image, red
# pixels push the unit on and blue ones push it off. Starting from positive
# weights everywhere, the units have learned strokes to look for and places
# where ink counts against them.
HiddenWeightsDisplay.from_estimator(notebook_net, image_shape=(8, 8))
plt.show()

# %%
# How the output units combine them: one row per digit, one column per hidden
# unit, the bias last.
OutputWeightsDisplay.from_estimator(notebook_net)
plt.show()

# %%
# One prediction
# --------------
#
# The notebook ends with test image 42, a "2" that its author found hard to
# recognise. Here are the image and the network's ten output values, divided
# by their sum so that they read as probabilities. After ten epochs this
# network hesitates between a few digits, and the true one is not its first
# choice.
PredictionDisplay.from_estimator(notebook_net, X_test[42], y_true=y_test[42])
plt.show()

# %%
# A stronger configuration
# ------------------------
#
# The same estimator with MLPClassifier's defaults (relu units, softmax output
# with the log loss, Glorot initial weights, Adam on mini-batches), more hidden
# units, pixels scaled to ``[0, 1]`` and early stopping on a held-out tenth of
# the training data. It trains in a fraction of the time and reaches a much
# higher test accuracy.
strong_net = ScratchMLPClassifier(
    hidden_layer_sizes=(32,),
    learning_rate_init=0.01,
    early_stopping=True,
    random_state=0,
)
strong_net.fit(X_train * 8, y_train)
print(
    f"{strong_net.n_iter_} epochs, "
    f"test accuracy {strong_net.score(X_test * 8, y_test):.3f} "
    f"(notebook network: {notebook_net.score(X_test, y_test):.3f})"
)

# %%
# Its training curves, where "valid" is now the held-out tenth of the training
# data that early stopping watches:
TrainingHistoryDisplay.from_estimator(strong_net)
plt.show()

# %%
# and its answer for test image 42, which it reads correctly:
PredictionDisplay.from_estimator(strong_net, X_test[42] * 8, y_true=y_test[42])
plt.show()
