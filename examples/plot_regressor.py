"""
A regressor twin of MLPRegressor
================================

:class:`~skscratch.ScratchMLPRegressor` shares its network, solvers and
optimizers with the classifier, and is a twin of
:class:`sklearn.neural_network.MLPRegressor`: with the same parameters and
``random_state`` it draws the same weights, sees the same mini-batches, holds
out the same early-stopping split and ends with the same weights. This example
fits both on scikit-learn's diabetes data (shipped with scikit-learn), compares
them, follows the per-epoch :math:`R^2` of ``history_``, and fits a Poisson
regression to counts.
"""

# %%
# Two fits with the same settings
# -------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skscratch import ScratchMLPRegressor, TrainingHistoryDisplay

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

params = dict(
    hidden_layer_sizes=(10,),
    learning_rate_init=0.01,
    max_iter=2000,
    early_stopping=True,
    random_state=0,
)
ours = ScratchMLPRegressor(**params).fit(X_train, y_train)
theirs = MLPRegressor(**params).fit(X_train, y_train)
for name, model in (("ScratchMLPRegressor", ours), ("MLPRegressor", theirs)):
    print(
        f"{name:>20}: {model.n_iter_} epochs, test R² {model.score(X_test, y_test):.4f}"
    )
difference = max(
    np.abs(a - b).max()
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    )
)
print(f"Largest difference between their weights: {difference:.1e}")

# %%
# Training and validation, epoch by epoch
# ---------------------------------------
#
# ``history_`` records the training loss and :math:`R^2` of every epoch, and
# the validation figures of the early-stopping split; early stopping kept the
# weights of the best validation epoch.
TrainingHistoryDisplay.from_estimator(ours)
plt.show()

# %%
# Predictions against the truth
# -----------------------------
fig, ax = plt.subplots(figsize=(4.5, 4.5), layout="constrained")
ax.scatter(y_test, ours.predict(X_test), s=12)
ax.axline((100, 100), slope=1, color="gray", linestyle="--")
ax.set(xlabel="disease progression", ylabel="predicted", title="Test set")
plt.show()

# %%
# Poisson regression of counts
# ----------------------------
#
# With ``loss="poisson"`` the outputs are exponentials, always positive, and
# the network minimises half the Poisson deviance: a natural choice for counts.
# Here the counts are drawn from a Poisson law whose rate depends on two
# features.
rng = np.random.RandomState(0)
X_counts = rng.normal(size=(1000, 2))
rate = np.exp(0.5 + X_counts[:, 0] - 0.5 * X_counts[:, 1] ** 2)
counts = rng.poisson(rate)
poisson = make_pipeline(
    StandardScaler(),
    ScratchMLPRegressor(
        hidden_layer_sizes=(16,),
        loss="poisson",
        solver="lbfgs",
        alpha=1.0,
        max_iter=1000,
        random_state=0,
    ),
).fit(X_counts[:800], counts[:800])
predicted_rate = poisson.predict(X_counts[800:])
print(f"Smallest predicted rate: {predicted_rate.min():.3f} (always positive)")
print(
    f"Mean absolute error of the rate: {np.abs(predicted_rate - rate[800:]).mean():.3f}"
)
