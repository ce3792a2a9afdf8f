"""
Deploying with ONNX
===================

:func:`~skscratch.to_onnx` converts a fitted network, or a pipeline holding
one, into an ONNX model that onnxruntime runs without numpy or skscratch. This
example converts the teaching notebook's network and a Poisson regression
pipeline, runs both in onnxruntime and compares the results with the
estimators' own. It needs the ``onnx`` extra: ``pip install "skscratch[onnx]"``.
"""

# %%
# The notebook's network
# ----------------------
#
# Ten logistic hidden units and ten logistic outputs trained on the squared
# error, fitted on the notebook's digits (see :ref:`examples`). Its
# probabilities are the logistic outputs divided by their sum: the graph
# computes them the same way.
import warnings

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as rt
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skscratch import ScratchMLPRegressor, notebook_network, notebook_split, to_onnx

digits_train, digits_test, digits_y_train, _ = notebook_split()
with warnings.catch_warnings():  # ten epochs do not reach convergence
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf = notebook_network().fit(digits_train, digits_y_train)

# %%
# Converting it
# -------------
#
# A float64 sample row makes a float64 graph; ``zipmap=False`` returns the
# probabilities as a table (ONNX's ``ZipMap``, which makes a dictionary per
# row, takes float32 only).
onx = to_onnx(clf, digits_train[:1], options={"zipmap": False})
print(
    f"{len(onx.graph.node)} nodes:", sorted({node.op_type for node in onx.graph.node})
)


def onnxruntime_outputs(onx, X):
    """Every output of the ONNX model ``onx`` on ``X``, computed by onnxruntime."""
    runtime = rt.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return runtime.run(None, {runtime.get_inputs()[0].name: X})


labels, proba = onnxruntime_outputs(onx, digits_test)
expected_proba = clf.predict_proba(digits_test)
print("same labels as predict:", bool((labels == clf.predict(digits_test)).all()))
print(
    f"largest difference from predict_proba: {np.abs(proba - expected_proba).max():.1e}"
)

# %%
# The same network in float32
# ---------------------------
#
# A float32 sample row makes a float32 graph, smaller, with the weights
# rounded to float32; the probabilities then differ from the float64
# estimator's in the seventh digit or so.
digits_test32 = digits_test.astype(np.float32)
onx32 = to_onnx(clf, digits_test32[:1], options={"zipmap": False})
labels32, proba32 = onnxruntime_outputs(onx32, digits_test32)
print(f"model size: {onx.ByteSize()} bytes in float64, {onx32.ByteSize()} in float32")
print("same labels as predict:", bool((labels32 == clf.predict(digits_test)).all()))
difference = np.abs(proba32 - expected_proba).max()
print(f"largest difference from predict_proba: {difference:.1e}")

# %%
# A pipeline: Poisson regression on the diabetes data
# ---------------------------------------------------
#
# A scaler and a regressor with exponential outputs trained on the Poisson
# deviance, which skl2onnx's own converter of MLPRegressor cannot express.
X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
reg = make_pipeline(
    StandardScaler(),
    ScratchMLPRegressor(
        hidden_layer_sizes=(16, 8),
        activation="gelu",
        loss="poisson",
        learning_rate_init=0.01,
        max_iter=500,
        early_stopping=True,
        random_state=0,
    ),
).fit(X_train, y_train)

X_test32 = X_test.astype(np.float32)
(predicted,) = onnxruntime_outputs(to_onnx(reg, X_test32[:1]), X_test32)
expected = reg.predict(X_test)
print(f"largest relative difference: {np.abs(predicted / expected - 1).max():.1e}")

# %%
# The two side by side
# --------------------
#
# Each point is a test sample: what onnxruntime computes against what the
# estimator predicts. They lie on the diagonal.
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
left.scatter(expected_proba.max(axis=1), proba.max(axis=1), s=8)
left.set(
    title="Notebook network (float64)",
    xlabel="predict_proba, largest",
    ylabel="onnxruntime",
)
right.scatter(expected, predicted, s=8)
right.set(title="Poisson pipeline (float32)", xlabel="predict", ylabel="onnxruntime")
for ax in (left, right):
    ax.axline((0, 0), slope=1, color="gray", linewidth=0.8)
plt.show()
