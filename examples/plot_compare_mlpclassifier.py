"""
Side by side with MLPClassifier
===============================

:class:`~skscratch.ScratchMLPClassifier` is written as a twin of
:class:`sklearn.neural_network.MLPClassifier`: with the same parameters and
``random_state`` it starts from the same weights, sees the same mini-batches
and stops at the same epoch. This example fits both on the digits and compares
their accuracy, their fit time, their loss curves and their weights.
"""

# %%
# Two fits with the same settings
# -------------------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

from skscratch import ScratchMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16, y, stratify=y, random_state=0
)

params = dict(
    hidden_layer_sizes=(32,),
    activation="relu",
    solver="adam",
    learning_rate_init=0.01,
    alpha=1e-4,
    random_state=0,
)
results = {}
for estimator in (ScratchMLPClassifier(**params), MLPClassifier(**params)):
    start = time.perf_counter()
    estimator.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    results[type(estimator).__name__] = (estimator, fit_time)
    print(
        f"{type(estimator).__name__:>20}: {estimator.n_iter_} epochs, "
        f"test accuracy {estimator.score(X_test, y_test):.4f}, "
        f"fit in {fit_time:.2f} s"
    )

scratch, _ = results["ScratchMLPClassifier"]
reference, _ = results["MLPClassifier"]

# %%
# The same weights
# ----------------
#
# After training, the largest difference between the weights of the two
# networks is printed next to the largest weight. The two compute the same
# sums in nearly the same order: on this run the weights are equal to the
# last bit, and in general they agree to about ``1e-10`` relative, the
# rounding of operations written in a different order.
for layer, (ours, theirs) in enumerate(
    zip(scratch.coefs_, reference.coefs_, strict=True)
):
    difference = np.max(np.abs(ours - theirs))
    print(
        f"coefs_[{layer}]: max |difference| = {difference:.1e}, "
        f"largest weight {np.max(np.abs(theirs)):.2f}"
    )
same_predictions = np.array_equal(scratch.predict(X_test), reference.predict(X_test))
print("same predictions on the test set:", same_predictions)

# %%
# The same loss curves
# --------------------
#
# The curves are drawn on top of each other: the dashed line of MLPClassifier
# runs exactly along the line of ScratchMLPClassifier.
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(
    np.arange(1, scratch.n_iter_ + 1),
    scratch.loss_curve_,
    linewidth=4,
    alpha=0.5,
    label="ScratchMLPClassifier",
)
ax.plot(
    np.arange(1, reference.n_iter_ + 1),
    reference.loss_curve_,
    "k--",
    linewidth=1.5,
    label="MLPClassifier",
)
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.legend()
plt.show()

# %%
# Fit time
# --------
#
# Both run the same amount of numpy work per epoch, so their fit times are
# of the same order; which one is faster on a given run depends mostly on
# the machine's load. The from-scratch version is not written for speed but
# for reading: see :ref:`backpropagation`.
fig, ax = plt.subplots(figsize=(5, 2.5))
names = list(results)
ax.barh(names, [results[name][1] for name in names], color=["C0", "0.4"])
ax.set_xlabel("fit time (s)")
fig.tight_layout()
plt.show()
