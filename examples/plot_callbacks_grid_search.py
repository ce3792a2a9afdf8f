"""
Watching validation loss through a grid search
==============================================

With scikit-learn 1.9 or newer, a callback set on the network sees every epoch
of every fit, even inside a pipeline in a grid search.
:class:`~skscratch.callbacks.HistoryRecorder` keeps the ``history_`` of each
fit, so the validation loss of every candidate and fold can be drawn after the
search; :class:`~skscratch.callbacks.EarlyStopping` stops each fit when its
validation loss has not improved for a few epochs.
"""

# %%
# A grid search over the L2 penalty
# ---------------------------------
#
# Each fit holds out 10% of its training data (``early_stopping=True`` with a
# very large ``n_iter_no_change``, so that the internal split is used for
# validation figures while the callback decides when to stop).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skscratch import ScratchMLPClassifier
from skscratch.callbacks import EarlyStopping, HistoryRecorder

X, y = load_digits(return_X_y=True)
recorder = HistoryRecorder()
network = ScratchMLPClassifier(
    hidden_layer_sizes=(64,),
    learning_rate_init=0.01,
    max_iter=300,
    early_stopping=True,
    n_iter_no_change=np.inf,
    random_state=0,
).set_callbacks(recorder, EarlyStopping(monitor="valid_loss", patience=8))
search = GridSearchCV(
    make_pipeline(StandardScaler(), network),
    {"scratchmlpclassifier__alpha": [1e-4, 1e-1, 1.0]},
    cv=3,
).fit(X, y)
print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")
print(f"{len(recorder.histories_)} fits recorded")

# %%
# The validation loss of every fit
# --------------------------------
#
# The recorder lists the fits in the order they ran: for each of the three
# values of ``alpha``, its three folds, then the refit on all the data.
alphas = search.cv_results_["param_scratchmlpclassifier__alpha"]
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
colors = {alpha: f"C{index}" for index, alpha in enumerate(alphas)}
for index, (_, history) in enumerate(recorder.histories_[:-1]):
    alpha = alphas[index // 3]
    ax.plot(
        history[:, "epoch"],
        history[:, "valid_loss"],
        color=colors[alpha],
        label=f"alpha={alpha:g}" if index % 3 == 0 else None,
    )
ax.set(xlabel="epoch", ylabel="validation loss", yscale="log")
ax.legend()
plt.show()
