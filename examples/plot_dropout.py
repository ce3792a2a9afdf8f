"""
Dropout against overfitting
===========================

A network much wider than its data learns the training set by heart: its
training loss goes to zero while its validation loss, after a minimum, climbs
again. Dropout (``dropout=0.5``: during training, each hidden unit is silenced
with probability 0.5 at every mini-batch, and the others are scaled up by 2)
makes that harder; prediction uses the whole network.

Both networks below have 512 hidden units for 500 training digits, no L2
penalty, and the same ``random_state``; the curves are their
``history_``, drawn by :class:`~skscratch.TrainingHistoryDisplay`.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skscratch import ScratchMLPClassifier, TrainingHistoryDisplay

X, y = load_digits(return_X_y=True)
X = X / 16
X_train, y_train, X_val, y_val = X[:500], y[:500], X[500:], y[500:]

params = dict(
    hidden_layer_sizes=(512,),
    solver="sgd",
    learning_rate_init=0.1,
    alpha=0.0,
    max_iter=150,
    n_iter_no_change=np.inf,  # train all 150 epochs, to see the curves
    random_state=0,
)
# The 150 epochs are on purpose: no stopping rule, hence no convergence.
warnings.simplefilter("ignore", ConvergenceWarning)
fitted = {}
for rate in (0.0, 0.5):
    clf = ScratchMLPClassifier(dropout=rate, **params)
    fitted[rate] = clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    valid_loss = clf.history_[:, "valid_loss"]
    print(
        f"dropout={rate}: train accuracy {clf.score(X_train, y_train):.3f}, "
        f"validation accuracy {clf.score(X_val, y_val):.3f}, validation loss "
        f"{min(valid_loss):.3f} at best, {valid_loss[-1]:.3f} at the end"
    )

# %%
# Training and validation curves
# ------------------------------
fig, axes = plt.subplots(2, 2, figsize=(9, 6), sharex=True, layout="constrained")
for row, rate in enumerate(fitted):
    TrainingHistoryDisplay.from_estimator(fitted[rate], ax=axes[row])
    axes[row, 0].set_title(f"loss, dropout={rate}")
    axes[row, 1].set_title(f"accuracy, dropout={rate}")
    axes[row, 0].set_yscale("log")
plt.show()

# %%
# The validation loss of both, on one plot
# ----------------------------------------
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
for rate, clf in fitted.items():
    ax.plot(clf.history_[:, "valid_loss"], label=f"dropout={rate}")
ax.set(xlabel="epoch", ylabel="validation loss")
ax.legend()
plt.show()
