"""
Grid search on a dask cluster
=============================

A grid search fits one network per candidate and fold; those fits are
independent, so they can run on many machines at once. scikit-learn hands
them to :mod:`joblib`, and joblib can hand them to a `dask.distributed
<https://distributed.dask.org>`_ cluster: the search code does not change,
only the backend it runs under.

This example runs a :class:`~sklearn.model_selection.GridSearchCV` over
:class:`~skscratch.ScratchMLPClassifier` on a local cluster of two worker
processes, checks that it finds exactly the scores of the sequential search,
and shows how to point the same code at a real cluster.

It starts worker processes, so the documentation build shows it without
running it. Run it with ``python examples/dask_grid_search.py``; set the
environment variable ``DASK_SCHEDULER_ADDRESS`` (for example
``tcp://scheduler:8786``) to run it on an existing cluster instead.
"""

# %%
# The search
# ----------
#
# An ordinary grid search: a scaler and the network in a pipeline, a grid of
# learning rates and hidden layer sizes, 3-fold cross-validation. Nothing in
# it knows about dask. ``n_jobs=-1`` asks joblib for as many parallel fits as
# the backend offers: with dask, as many as the cluster has worker threads.
import os
import time
import warnings

import joblib
import numpy as np
from dask.distributed import Client, LocalCluster
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from skscratch import ScratchMLPClassifier

X, y = load_digits(return_X_y=True)

pipeline = Pipeline(
    [
        ("scale", MinMaxScaler()),
        ("mlp", ScratchMLPClassifier(max_iter=30, random_state=0)),
    ]
)
grid = {
    "mlp__learning_rate_init": [1e-3, 1e-2],
    "mlp__hidden_layer_sizes": [(16,), (32,)],
}


def make_search():
    """A fresh grid search (the same for every run below)."""
    return GridSearchCV(pipeline, grid, cv=3, n_jobs=-1)


# %%
# A cluster to run on
# -------------------
#
# :class:`~dask.distributed.LocalCluster` starts a scheduler and worker
# processes on this machine; it is the way to try things out, and to use every
# core of one large machine. For a real cluster, start ``dask scheduler`` on
# one machine and ``dask worker tcp://scheduler:8786`` on the others (or let
# a deployment tool such as dask-jobqueue or dask-kubernetes do it), and
# connect with ``Client("tcp://scheduler:8786")``. Every worker needs the same
# Python environment as the client: numpy, scikit-learn and skscratch
# installed, at the same versions.
#
# Worker processes import this script again when they start, so everything
# that starts processes runs under ``if __name__ == "__main__":`` (at the end);
# above it the script only defines things.


def connect():
    """A client of the cluster at ``DASK_SCHEDULER_ADDRESS``, or of a local one.

    Returns the client and the local cluster (``None`` for a remote one).
    """
    scheduler_address = os.environ.get("DASK_SCHEDULER_ADDRESS")
    if scheduler_address:
        return Client(scheduler_address), None
    cluster = LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    )
    return Client(cluster), cluster


# %%
# Running the search on the cluster
# ---------------------------------
#
# Under ``joblib.parallel_config(backend="dask")`` every fit of the search
# becomes a dask task. What travels to the workers is pickled: for each task,
# a clone of the pipeline with its unfitted network (its parameters only) and
# the indices of the fold; the training data ``X`` and ``y`` once per search
# (joblib scatters arguments larger than 1 kB to the cluster and the tasks
# share them). What comes back is each fit's scores and timings, not the
# fitted networks; the search then refits the best candidate on the whole data
# in this process. The workers import skscratch to unpickle the estimator,
# which is why they need it installed.


def search_on_cluster():
    """Fit the grid search with every fit running as a dask task."""
    with warnings.catch_warnings(), joblib.parallel_config(backend="dask"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        search = make_search().fit(X, y)
    print(f"On the cluster: {time.perf_counter() - start:.1f} s")
    return search


# %%
# The same scores as a sequential search
# --------------------------------------
#
# Each fit draws its randomness from ``random_state``, not from the process it
# runs in, so where a fit runs changes nothing: the cluster finds exactly the
# scores of the search run in this process.


def search_in_this_process():
    """The same grid search, one fit after the other."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        search = make_search().set_params(n_jobs=None).fit(X, y)
    print(f"In this process: {time.perf_counter() - start:.1f} s")
    return search


# %%
# Putting it together
# -------------------
#
# Connect, search on the cluster, compare with the sequential search, then
# close the client, and the local cluster if this script started one (a
# shared cluster keeps running for its other users).
if __name__ == "__main__":
    client, cluster = connect()
    print(client)
    try:
        distributed_search = search_on_cluster()
        sequential_search = search_in_this_process()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    results = distributed_search.cv_results_
    for params, score in zip(
        results["params"], results["mean_test_score"], strict=True
    ):
        print(f"{params}: {score:.4f}")
    print("best:", distributed_search.best_params_)
    assert np.array_equal(
        results["mean_test_score"],
        sequential_search.cv_results_["mean_test_score"],
    )
    print("The cluster found exactly the sequential scores.")
