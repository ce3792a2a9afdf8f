"""Model selection on a dask.distributed cluster gives the sequential results.

A two-process ``LocalCluster`` stands for a real cluster: the estimator, the
data and every fitted model cross process boundaries by pickling, exactly as
they would to remote workers.
"""

import dask.distributed as distributed
import joblib
import pytest
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV

from skscratch import ScratchMLPClassifier

from .test_parallel import assert_same_search

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = make_classification(
    n_samples=90, n_features=5, n_informative=3, n_classes=3, random_state=0
)
GRID = {"alpha": [1e-4, 1.0], "hidden_layer_sizes": [(4,), (8,)]}
PARAMS = {"max_iter": 15, "random_state": 0}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _search():
    return GridSearchCV(ScratchMLPClassifier(**PARAMS), GRID, cv=3, n_jobs=-1)


def test_grid_search_on_dask_cluster_equals_sequential(client):
    expected = GridSearchCV(ScratchMLPClassifier(**PARAMS), GRID, cv=3).fit(X, y)
    with (
        distributed.get_task_stream(client) as task_stream,
        joblib.parallel_config(backend="dask"),
    ):
        search = _search().fit(X, y)

    # The fits really ran as tasks on the cluster's worker processes.
    used_workers = {task["worker"] for task in task_stream.data}
    assert task_stream.data
    assert used_workers <= set(client.scheduler_info()["workers"])

    assert_same_search(search, expected, X)
    assert len(set(expected.cv_results_["mean_test_score"])) > 1
