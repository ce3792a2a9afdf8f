"""
The hidden activations and their derivatives
============================================

``ScratchMLPClassifier(activation=...)`` accepts MLPClassifier's four hidden
activations (``"identity"``, ``"logistic"``, ``"tanh"``, ``"relu"``) and five
more: ``"leaky_relu"``, ``"elu"``, ``"softplus"``, ``"gelu"`` and ``"silu"``.
Each is stored in a registry with the derivative that backpropagation uses
and the factor of its initial weights. This example draws every activation
next to its derivative, straight from that registry, and checks each
derivative against finite differences of the function.
"""

# %%
# Every activation next to its derivative
# ---------------------------------------
#
# ``Activation.derivative(z)`` multiplies together the factors that
# backpropagation multiplies into the delta, so the dashed curves are exactly
# what training uses. The dots are central differences
# ``(f(z + h) - f(z - h)) / 2h`` of the function itself.
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import brentq

from skscratch._activations import HIDDEN_ACTIVATIONS

z = np.linspace(-4, 4, 401)
z_dots = np.linspace(-3.9, 3.9, 14)  # away from relu's kink at 0
step = 1e-5

fig, axes = plt.subplots(3, 6, figsize=(12, 6), sharex=True)
for (name, activation), (ax_f, ax_slope) in zip(
    HIDDEN_ACTIVATIONS.items(), axes.reshape(-1, 2), strict=True
):
    f = activation.function
    ax_f.plot(z, f(z), color="C0")
    ax_f.set_title(f"{name}: f", fontsize=10)
    ax_slope.plot(z, activation.derivative(z), color="C1", linestyle="--")
    central = (f(z_dots + step) - f(z_dots - step)) / (2 * step)
    ax_slope.plot(z_dots, central, "o", color="black", markersize=3)
    ax_slope.set_title(f"{name}: f'", fontsize=10)
    ax_slope.set_ylim(-0.3, 1.3)
    for ax in (ax_f, ax_slope):
        ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
        ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
for ax in axes[-1]:
    ax.set_xlabel("z")
fig.tight_layout()
plt.show()

# %%
# The largest gap between each derivative and the central differences, on a
# finer grid (kinks aside, as in the tests):
z_check = np.linspace(-8, 8, 1000)  # no point at 0
for name, activation in HIDDEN_ACTIVATIONS.items():
    f = activation.function
    central = (f(z_check + step) - f(z_check - step)) / (2 * step)
    gap = np.abs(activation.derivative(z_check) - central).max()
    print(f"{name:>10}: {gap:.1e}")

# %%
# Why gelu and silu need ``z``
# ----------------------------
#
# Backpropagation writes most derivatives with the activation's output
# ``a = f(z)``, which the forward pass keeps anyway: ``a (1 - a)`` for the
# logistic function, ``1 - a**2`` for tanh. That needs ``f`` to be
# invertible. ``gelu`` and ``silu`` dip below zero and come back: two inputs
# give the same output with different slopes, so the slope cannot be told from
# ``a``. Their entries say ``needs_z=True`` and, for them only, the forward
# pass of training keeps ``z``.
silu = HIDDEN_ACTIVATIONS["silu"]


def silu_at(value):
    return silu.function(np.array([value]))[0]


# silu decreases down to its minimum near z = -1.28, then increases: find the
# input left of the minimum with the same output as z = -0.5.
twin = brentq(lambda value: silu_at(value) - silu_at(-0.5), -6.0, -1.28)
two_inputs = np.array([-0.5, twin])
print("z     :", two_inputs)
print("f(z)  :", silu.function(two_inputs))
print("f'(z) :", silu.derivative(two_inputs))
print("needs z:", [name for name, act in HIDDEN_ACTIVATIONS.items() if act.needs_z])

# %%
# Initial weights
# ---------------
#
# ``init="glorot_uniform"`` draws each layer's weights from ``U(-r, r)`` with
# ``r = sqrt(k / (fan_in + fan_out))``. ``k`` is 2 for the logistic function
# and 6 for the others, as in MLPClassifier; the five additions take relu's
# factor, so with the same ``random_state`` they start from the same weights
# as relu.
for name, activation in HIDDEN_ACTIVATIONS.items():
    bound = np.sqrt(activation.glorot_factor / (64 + 100))
    print(f"{name:>10}: k = {activation.glorot_factor:g}, r = {bound:.3f} (64 -> 100)")
