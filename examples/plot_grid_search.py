"""
Tuning with a grid search
=========================

:class:`~skscratch.ScratchMLPClassifier` is a scikit-learn estimator, so it
can be tuned like one. Here :class:`~sklearn.model_selection.GridSearchCV`
looks for a good learning rate and hidden layer size for a
:class:`~sklearn.pipeline.Pipeline` that scales the digits' pixels to
``[0, 1]`` before the network, and a heat map shows the mean cross-validated
accuracy of every pair.
"""

# %%
# The search
# ----------
#
# The step name ``mlp`` prefixes the network's parameters in the grid. Each
# candidate trains for at most 30 epochs: enough to rank the settings, and
# the reason for silencing the warning that training has not converged.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from skscratch import ScratchMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

pipeline = Pipeline(
    [
        ("scale", MinMaxScaler()),
        ("mlp", ScratchMLPClassifier(max_iter=30, random_state=0)),
    ]
)
learning_rates = [0.0003, 0.003, 0.03]
hidden_layer_sizes = [(8,), (32,), (128,)]
search = GridSearchCV(
    pipeline,
    param_grid={
        "mlp__learning_rate_init": learning_rates,
        "mlp__hidden_layer_sizes": hidden_layer_sizes,
    },
    cv=3,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    search.fit(X_train, y_train)

print("best parameters:", search.best_params_)
print(f"best mean cross-validated accuracy: {search.best_score_:.3f}")
print(f"test accuracy of the refitted pipeline: {search.score(X_test, y_test):.3f}")

# %%
# The scores as a heat map
# ------------------------
#
# ``cv_results_`` lists the candidates in the order of the grid, the last
# parameter (in alphabetical order) varying fastest: here one row per hidden
# layer size and one column per learning rate.
scores = np.asarray(search.cv_results_["mean_test_score"]).reshape(
    len(hidden_layer_sizes), len(learning_rates)
)

fig, ax = plt.subplots(figsize=(6, 4.5))
image = ax.imshow(scores, cmap="viridis", vmin=scores.min(), vmax=1.0)
ax.set_xticks(range(len(learning_rates)), labels=[str(lr) for lr in learning_rates])
ax.set_yticks(
    range(len(hidden_layer_sizes)), labels=[str(h) for h in hidden_layer_sizes]
)
ax.set_xlabel("learning_rate_init")
ax.set_ylabel("hidden_layer_sizes")
ax.set_title("Mean cross-validated accuracy")
middle = (scores.min() + 1.0) / 2
for row in range(scores.shape[0]):
    for column in range(scores.shape[1]):
        ax.text(
            column,
            row,
            f"{scores[row, column]:.3f}",
            ha="center",
            va="center",
            color="black" if scores[row, column] > middle else "white",
        )
fig.colorbar(image, ax=ax)
plt.show()

# %%
# Too small a learning rate leaves the network far from trained after 30
# epochs, and a hidden layer of 8 units is too narrow for ten classes; wide
# layers do best with any but the smallest step.
