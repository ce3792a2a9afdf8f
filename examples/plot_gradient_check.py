"""
Checking the gradients
======================

Backpropagation is easy to get almost right: a missing factor or a transposed
matrix rarely stops a network from training, it only makes it train worse.
:func:`~skscratch.check_gradients` compares the gradient that
backpropagation computes with central finite differences of the training
objective, parameter by parameter. This example runs it for every hidden
activation with every loss, then shows what a classic mistake looks like.
"""

# %%
# Every activation with every loss
# --------------------------------
#
# A small random problem is enough: the check costs two evaluations of the
# objective per weight. Two hidden layers make backpropagation go through a
# hidden layer twice (equation BP2), and ``alpha > 0`` includes the L2 term.
# The loss is set by ``loss`` and by the kind of target: the categorical
# cross-entropy with a softmax output for multiclass targets, the binary
# cross-entropy with logistic outputs for binary and multilabel targets, and
# half the squared error with logistic outputs for ``loss="squared_error"``.
import matplotlib.pyplot as plt
import numpy as np

from skscratch import ScratchMLPClassifier, check_gradients

rng = np.random.RandomState(0)
X = rng.normal(size=(30, 5))
targets = {
    "log_loss, multiclass": ("log_loss", rng.randint(3, size=30)),
    "log_loss, binary": ("log_loss", rng.randint(2, size=30)),
    "log_loss, multilabel": ("log_loss", rng.randint(2, size=(30, 3))),
    "squared_error": ("squared_error", rng.randint(3, size=30)),
}
activations = ["identity", "logistic", "tanh", "relu"]


def largest_error(errors):
    """The largest relative error over the layers' weights and biases."""
    return max(max(errors["coefs_"]), max(errors["intercepts_"]))


relative_errors = np.empty((len(activations), len(targets)))
for row, activation in enumerate(activations):
    for column, (loss, y) in enumerate(targets.values()):
        clf = ScratchMLPClassifier(
            hidden_layer_sizes=(6, 4),
            activation=activation,
            loss=loss,
            alpha=0.1,
            random_state=0,
        )
        relative_errors[row, column] = largest_error(check_gradients(clf, X, y))

print(f"largest relative error: {relative_errors.max():.1e}")

# %%
# The base-10 logarithm of each error. Central differences with a step of
# ``1e-6`` are themselves only accurate to about ``1e-10`` in absolute terms
# (rounding in the objective divided by the step), so relative errors between
# ``1e-9`` and ``1e-6`` mean the analytic and numerical gradients agree as
# well as they can. They are a little larger with logistic hidden units, whose
# smaller gradients make the same absolute rounding a larger relative one.
log_errors = np.log10(np.maximum(relative_errors, np.finfo(float).tiny))

fig, ax = plt.subplots(figsize=(6.5, 4))
image = ax.imshow(log_errors, cmap="viridis_r", vmin=-12, vmax=0)
ax.set_xticks(range(len(targets)), labels=list(targets), rotation=20, ha="right")
ax.set_yticks(range(len(activations)), labels=activations)
ax.set_ylabel("hidden activation")
for row in range(log_errors.shape[0]):
    for column in range(log_errors.shape[1]):
        ax.text(column, row, f"{log_errors[row, column]:.1f}", ha="center", va="center")
fig.colorbar(image, ax=ax, label="log10 relative error")
ax.set_title("Backpropagation against finite differences")
fig.tight_layout()
plt.show()

# %%
# What a mistake looks like
# -------------------------
#
# With half the squared error and logistic outputs, the output delta is
# :math:`(a - y)\,a\,(1 - a)`. Forgetting the sigmoid's derivative
# :math:`a\,(1 - a)`, and so using the cross-entropy's :math:`a - y`, is a
# classic slip. Swapping that wrong delta into the package's table of losses
# for a moment shows how the check reports it.
from skscratch import _losses

correct_loss = _losses.LOSSES["half_squared_error"]
_losses.LOSSES["half_squared_error"] = correct_loss._replace(
    output_delta=_losses.canonical_delta
)
try:
    clf = ScratchMLPClassifier(
        hidden_layer_sizes=(6, 4), loss="squared_error", random_state=0
    )
    wrong = check_gradients(clf, X, targets["squared_error"][1])
finally:
    _losses.LOSSES["half_squared_error"] = correct_loss

for name, errors in wrong.items():
    print(name, [f"{error:.1e}" for error in errors])

# %%
# Errors of order 0.1 to 1 instead of 1e-8: every layer's gradient is off,
# because the wrong output delta flows back through all of them. A network
# trained with this gradient would still learn something, which is exactly
# why the check is worth running.
