"""
A validation set in a pipeline
==============================

``fit(X, y, X_val=..., y_val=...)`` scores the network on a validation set of
your own after every epoch, and with ``early_stopping=True`` stops training
when that score stops improving. In a :class:`~sklearn.pipeline.Pipeline`,
the steps before the network transform ``X``, but by default they pass
``X_val`` on as it is: the network is then trained on scaled data and
validated on raw data. This example shows the trap on the breast cancer data,
the recipe that transforms ``X_val`` (scikit-learn's metadata routing with
``transform_input``), and the alternative of the network's own validation
split.
"""

# %%
# The data
# --------
#
# A test set for the final accuracy, and out of the rest a validation set
# for early stopping. The 30 features are on very different scales (from
# about 0.001 to 1000), so the network needs them standardised.
import matplotlib.pyplot as plt
import sklearn
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skscratch import ScratchMLPClassifier, TrainingHistoryDisplay

X, y = load_breast_cancer(return_X_y=True)
X_rest, X_test, y_rest, y_test = train_test_split(X, y, random_state=0, stratify=y)
X_train, X_val, y_train, y_val = train_test_split(
    X_rest, y_rest, random_state=0, stratify=y_rest
)
print(f"train {len(X_train)}, validation {len(X_val)}, test {len(X_test)} samples")
print(f"feature means from {X.mean(axis=0).min():.3g} to {X.mean(axis=0).max():.3g}")


def network():
    return ScratchMLPClassifier(early_stopping=True, random_state=0)


def report(name, model):
    net = model[-1]
    print(
        f"{name}: {net.n_iter_} epochs, best validation accuracy "
        f"{net.best_validation_score_:.3f}, test accuracy "
        f"{model.score(X_test, y_test):.3f}"
    )


# %%
# The trap: X_val passes the scaler untransformed
# -----------------------------------------------
#
# Passed as a fit parameter of the network's step, ``X_val`` reaches the
# network exactly as given. The network learns on standardised features and
# is validated on raw ones: early stopping watches the wrong data and ends
# training early, with a poor network.
trap = make_pipeline(StandardScaler(), network())
trap.fit(
    X_train,
    y_train,
    scratchmlpclassifier__X_val=X_val,
    scratchmlpclassifier__y_val=y_val,
)
report("X_val untransformed", trap)

# %%
# The recipe: ``transform_input=["X_val"]``
# -----------------------------------------
#
# With metadata routing enabled, a pipeline built with
# ``transform_input=["X_val"]`` transforms ``X_val`` through its fitted
# steps before handing it to the network, which asks for ``X_val`` and
# ``y_val`` with ``set_fit_request``. Then ``X_val`` and ``y_val`` are plain
# fit parameters of the pipeline. (In a script,
# ``sklearn.set_config(enable_metadata_routing=True)`` enables routing for
# the whole Python process.)
with sklearn.config_context(enable_metadata_routing=True):
    recipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("net", network().set_fit_request(X_val=True, y_val=True)),
        ],
        transform_input=["X_val"],
    )
    recipe.fit(X_train, y_train, X_val=X_val, y_val=y_val)
report("X_val transformed", recipe)

# %%
# The network of the recipe is the one trained directly on the scaled data
# with the scaled validation set: the same epochs and validation scores.
scaler = recipe["scale"]
direct = network().fit(
    scaler.transform(X_train),
    y_train,
    X_val=scaler.transform(X_val),
    y_val=y_val,
)
print(
    "same validation scores:",
    direct.validation_scores_ == recipe[-1].validation_scores_,
)

# %%
# The alternative: the network's own validation split
# ---------------------------------------------------
#
# Without ``X_val``, ``early_stopping=True`` holds out ``validation_fraction``
# (10%) of the data the network receives, which the scaler has already
# transformed. It needs no routing, and each fit of a cross-validation or a
# grid search holds out part of its own training fold.
internal = make_pipeline(StandardScaler(), network()).fit(X_train, y_train)
report("internal split", internal)

# %%
# The training curves
# -------------------
#
# Untransformed, the validation loss lies far above the training loss and
# the validation accuracy never moves: on raw features the network calls
# every tumour malignant, the smaller class. Early stopping sees no
# improvement after the first epoch and ends training at epoch 12, after
# more than ``n_iter_no_change`` (10) epochs without one. Transformed, the
# validation curves follow the training curves, training ends in the same way
# once the validation accuracy stops improving, and the network keeps the
# weights of its best epoch.
fig, axes = plt.subplots(2, 2, figsize=(10, 7), layout="constrained")
TrainingHistoryDisplay.from_estimator(trap, ax=axes[0])
TrainingHistoryDisplay.from_estimator(recipe, ax=axes[1])
axes[0, 0].set_title("X_val untransformed: loss")
axes[0, 1].set_title("X_val untransformed: accuracy")
axes[1, 0].set_title("X_val transformed: loss")
axes[1, 1].set_title("X_val transformed: accuracy")
plt.show()
