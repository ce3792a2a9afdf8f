"""
In a pipeline, cross-validated
==============================

Neural networks want scaled inputs, so :class:`~skscratch.ScratchMLPClassifier`
usually sits at the end of a pipeline after a scaler.
:func:`~sklearn.model_selection.cross_val_score` then refits the scaler and the
network on each training fold, so the held-out fold never leaks into the
scaling. This example does it on the breast cancer data, first with integer
labels and then with the class names as string labels.
"""

# %%
# Five-fold cross-validation
# --------------------------
#
# For a classifier, ``cv=5`` means
# :class:`~sklearn.model_selection.StratifiedKFold`: each fold keeps the
# proportion of malignant and benign tumours of the whole data. Passing the
# splitter explicitly lets us shuffle the samples first.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skscratch import ScratchMLPClassifier

data = load_breast_cancer()
X, y = data.data, data.target
print(f"{X.shape[0]} samples, {X.shape[1]} features")
for name, count in zip(data.target_names, np.bincount(y), strict=True):
    print(f"{name}: {count} samples")

model = make_pipeline(
    StandardScaler(),
    ScratchMLPClassifier(
        hidden_layer_sizes=(16,),
        learning_rate_init=0.01,
        early_stopping=True,
        random_state=0,
    ),
)
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
scores = cross_val_score(model, X, y, cv=cv)
print("accuracy per fold:", np.round(scores, 3))
print(f"mean accuracy: {scores.mean():.3f} +/- {scores.std():.3f}")

# %%
# String labels
# -------------
#
# Labels do not have to be integers: the estimator keeps them in ``classes_``
# and predicts them back. The folds are the same as above (they depend only
# on the class of each sample), but the network is not quite the same one:
# the classes are sorted, so ``"benign"`` comes first and the single logistic
# output unit now stands for ``"malignant"``, the other class. The scores
# are close, not equal.
y_named = data.target_names[y]
scores_named = cross_val_score(model, X, y_named, cv=cv)
print("accuracy per fold:", np.round(scores_named, 3))
print(f"mean accuracy: {scores_named.mean():.3f} +/- {scores_named.std():.3f}")

model.fit(X, y_named)
print("classes_:", model[-1].classes_)
print("predictions for samples 18 to 21:", model.predict(X[18:22]))

# %%
# The fold scores
# ---------------
fig, ax = plt.subplots(figsize=(6, 3.5))
for position, fold_scores in enumerate([scores, scores_named]):
    ax.scatter(np.full(fold_scores.shape, position), fold_scores, alpha=0.7)
    ax.hlines(fold_scores.mean(), position - 0.2, position + 0.2, color="k")
ax.set_xticks([0, 1], labels=["integer labels", "string labels"])
ax.set_xlim(-0.5, 1.5)
ax.set_ylabel("accuracy per fold")
ax.set_title("5-fold stratified cross-validation (line: mean)")
fig.tight_layout()
plt.show()
