"""scikit-learn's callback API (1.9 and newer) on both estimators."""

import threading
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skscratch import ScratchMLPClassifier, ScratchMLPRegressor, load_model

callback = pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
from skscratch.callbacks import Checkpoint, EarlyStopping, HistoryRecorder  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_IRIS, y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
X_DIABETES, y_DIABETES = load_diabetes(return_X_y=True)
y_DIABETES = (y_DIABETES - y_DIABETES.mean()) / y_DIABETES.std()
DATA = {
    ScratchMLPClassifier: (X_IRIS, y_IRIS),
    ScratchMLPRegressor: (X_DIABETES, y_DIABETES),
}
ESTIMATORS = [ScratchMLPClassifier, ScratchMLPRegressor]
EPOCH_TASKS = ("epoch", "lbfgs-iteration")


class Spy:
    """Records every hook; stops training after epoch ``stop_after``."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.events = []
        self.fitted = {}

    def setup(self, estimator, context):
        self.events.append(("setup", context.task_name))

    def teardown(self, estimator, context):
        self.events.append(("teardown", context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self.events.append(("begin", context.task_name, context.task_id))
        self.hook_data = (X, y, metadata)

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.events.append(("end", context.task_name, context.task_id))
        if context.task_name in EPOCH_TASKS:
            self.fitted[context.task_id + 1] = fitted_estimator
            return context.task_id + 1 == self.stop_after
        return False


def small(estimator_class, **params):
    return estimator_class(
        **{"hidden_layer_sizes": (6,), "random_state": 0, "max_iter": 8, **params}
    )


def epoch_events(spy):
    return [event for event in spy.events if event[1] in EPOCH_TASKS]


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_hooks_for_the_fit_and_every_epoch(estimator_class, solver):
    X, y = DATA[estimator_class]
    spy = Spy()
    weights = np.linspace(0.5, 1.5, y.shape[0])
    est = small(estimator_class, solver=solver).set_callbacks(spy)
    est.fit(X, y, sample_weight=weights)
    assert spy.events[:2] == [("setup", "fit"), ("begin", "fit", 0)]
    assert spy.events[-2:] == [("end", "fit", 0), ("teardown", "fit")]
    epochs = epoch_events(spy)
    assert [e[0] for e in epochs] == ["begin", "end"] * est.n_iter_
    assert [e[2] for e in epochs[1::2]] == list(range(est.n_iter_))
    X_seen, y_seen, metadata = spy.hook_data
    np.testing.assert_array_equal(X_seen, X)
    np.testing.assert_array_equal(y_seen, y)
    np.testing.assert_array_equal(metadata["sample_weight"], weights)


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_partial_fit_is_a_task_with_one_epoch(estimator_class):
    X, y = DATA[estimator_class]
    spy = Spy()
    est = small(estimator_class).set_callbacks(spy)
    kwargs = (
        {"classes": np.unique(y)} if estimator_class is ScratchMLPClassifier else {}
    )
    est.partial_fit(X, y, **kwargs)
    assert spy.events == [
        ("setup", "partial_fit"),
        ("begin", "partial_fit", 0),
        ("begin", "epoch", 0),
        ("end", "epoch", 0),
        ("end", "partial_fit", 0),
        ("teardown", "partial_fit"),
    ]


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_fitted_estimator_predicts_as_of_its_epoch(estimator_class, solver):
    X, y = DATA[estimator_class]
    spy = Spy()
    small(estimator_class, solver=solver).set_callbacks(spy).fit(X, y)
    for epoch in (1, 3):
        reference = small(estimator_class, solver=solver, max_iter=epoch).fit(X, y)
        np.testing.assert_array_equal(
            spy.fitted[epoch].predict(X), reference.predict(X)
        )
        assert len(spy.fitted[epoch].history_) == epoch


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_a_callback_stops_training_after_an_epoch(estimator_class, solver):
    X, y = DATA[estimator_class]
    est = small(estimator_class, solver=solver, max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopping is no failure
        est.set_callbacks(Spy(stop_after=3)).fit(X, y)
    reference = small(estimator_class, solver=solver, max_iter=3).fit(X, y)
    assert est.n_iter_ == 3 and len(est.history_) == 3
    for got, expected in zip(est.coefs_, reference.coefs_, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_a_stopped_fit_with_early_stopping_keeps_the_best_epoch():
    X, y = DATA[ScratchMLPClassifier]
    est = small(ScratchMLPClassifier, early_stopping=True, max_iter=50)
    est.set_callbacks(Spy(stop_after=6)).fit(X, y)
    assert est.n_iter_ == 6
    assert est.best_validation_score_ == max(est.validation_scores_)


def test_callbacks_reach_the_network_in_a_grid_search_over_a_pipeline():
    class PropagatedSpy(Spy):
        max_propagation_depth = None

    spy = PropagatedSpy()
    pipe = make_pipeline(StandardScaler(), small(ScratchMLPClassifier, max_iter=3))
    search = GridSearchCV(pipe, {"scratchmlpclassifier__alpha": [1e-4, 1e-2]}, cv=2)
    search.set_callbacks(spy).fit(X_IRIS, y_IRIS)
    n_fits = 2 * 2 + 1  # candidates x folds, and the refit
    assert len(epoch_events(spy)) == 2 * 3 * n_fits


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_progress_bar_and_scoring_monitor(estimator_class, capsys):
    pytest.importorskip("rich")
    X, y = DATA[estimator_class]
    scoring = "accuracy" if estimator_class is ScratchMLPClassifier else "r2"
    monitor = callback.ScoringMonitor(scoring=scoring)
    est = small(estimator_class).set_callbacks(callback.ProgressBar(), monitor)
    est.fit(X, y)
    log = monitor.get_logs()
    epochs = [row for row in log.data if row["task_name"] == "epoch"]
    assert len(epochs) == est.n_iter_
    assert epochs[-1][scoring] == pytest.approx(est.score(X, y))
    assert estimator_class.__name__ in capsys.readouterr().out


def test_estimators_in_parallel_threads_do_not_mix_events():
    spies = [Spy(), Spy()]
    models = [
        small(ScratchMLPClassifier, max_iter=20).set_callbacks(spies[0]),
        small(ScratchMLPRegressor, max_iter=30).set_callbacks(spies[1]),
    ]
    threads = [
        threading.Thread(target=model.fit, args=DATA[type(model)]) for model in models
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for spy, model in zip(spies, models, strict=True):
        assert len(epoch_events(spy)) == 2 * model.n_iter_
        assert spy.events.count(("setup", "fit")) == 1


def test_a_failed_fit_tears_down_and_leaves_the_model():
    spy = Spy()
    est = small(ScratchMLPClassifier).set_callbacks(spy).fit(X_IRIS, y_IRIS)
    coefs = [c.copy() for c in est.coefs_]
    spy.events.clear()
    with pytest.raises(ValueError, match="X has 3 features"):
        est.fit(X_IRIS, y_IRIS, X_val=X_IRIS[:, :3], y_val=y_IRIS)
    assert spy.events == [("setup", "fit"), ("begin", "fit", 0), ("teardown", "fit")]
    for got, expected in zip(est.coefs_, coefs, strict=True):
        np.testing.assert_array_equal(got, expected)


# ------------------------------------------------------------ skscratch's own


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_early_stopping_callback_stops_and_restores_the_best_epoch(estimator_class):
    X, y = DATA[estimator_class]
    stopper = EarlyStopping(monitor="valid_loss", patience=4)
    est = small(estimator_class, max_iter=500, learning_rate_init=0.05)
    est.set_callbacks(stopper).fit(X[::2], y[::2], X_val=X[1::2], y_val=y[1::2])
    losses = est.history_[:, "valid_loss"]
    best = int(np.argmin(losses))
    assert stopper.best_epoch_ == best + 1 and stopper.best_value_ == losses[best]
    assert est.n_iter_ == stopper.stopped_epoch_ == best + 1 + 4
    reference = small(estimator_class, max_iter=best + 1, learning_rate_init=0.05)
    reference.fit(X[::2], y[::2], X_val=X[1::2], y_val=y[1::2])
    np.testing.assert_array_equal(est.predict(X), reference.predict(X))


def test_early_stopping_callback_refuses_an_unrecorded_figure():
    est = small(ScratchMLPClassifier).set_callbacks(EarlyStopping("valid_loss"))
    with pytest.raises(ValueError, match="'valid_loss', which the history has not"):
        est.fit(X_IRIS, y_IRIS)


def test_checkpoints_load_back_and_train_on(tmp_path):
    pytest.importorskip("skops")
    saver = Checkpoint(tmp_path / "epoch-{epoch}.skops", every=2)
    est = small(ScratchMLPClassifier, solver="sgd", max_iter=6)
    est.set_callbacks(saver).fit(X_IRIS, y_IRIS)
    assert [p.rsplit("/", 1)[-1] for p in saver.saved_] == [
        "epoch-2.skops",
        "epoch-4.skops",
        "epoch-6.skops",
    ]
    at_4 = load_model(saver.saved_[1])
    reference = small(ScratchMLPClassifier, solver="sgd", max_iter=4).fit(
        X_IRIS, y_IRIS
    )
    np.testing.assert_array_equal(
        at_4.predict_proba(X_IRIS), reference.predict_proba(X_IRIS)
    )
    # Trained on from the checkpoint as from the model it saved.
    at_4.set_params(warm_start=True, max_iter=2).fit(X_IRIS, y_IRIS)
    reference.set_params(warm_start=True, max_iter=2).fit(X_IRIS, y_IRIS)
    assert len(at_4.history_) == 6 and at_4.t_ == reference.t_
    np.testing.assert_array_equal(
        at_4.predict_proba(X_IRIS), reference.predict_proba(X_IRIS)
    )


def test_checkpoint_on_improvement(tmp_path):
    pytest.importorskip("skops")
    saver = Checkpoint(tmp_path / "best.skops", monitor="train_loss")
    est = small(ScratchMLPRegressor, max_iter=5).set_callbacks(saver)
    est.fit(X_DIABETES, y_DIABETES)
    losses = est.history_[:, "train_loss"]
    improving = [i for i in range(5) if losses[i] == min(losses[: i + 1])]
    assert len(saver.saved_) == len(improving)


def test_history_recorder_in_a_grid_search():
    recorder = HistoryRecorder()
    network = small(ScratchMLPClassifier, max_iter=4).set_callbacks(recorder)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), network),
        {"scratchmlpclassifier__alpha": [1e-4, 1e-1]},
        cv=3,
    ).fit(X_IRIS, y_IRIS)
    assert len(recorder.histories_) == 2 * 3 + 1
    where, refit_history = recorder.histories_[-1]
    assert where.startswith("GridSearchCV") and where.endswith(
        "ScratchMLPClassifier fit"
    )
    assert list(refit_history) == list(search.best_estimator_[-1].history_)


@pytest.mark.parametrize(
    ("callback", "error", "match"),
    [
        (EarlyStopping(patience=0), ValueError, "patience must be a positive"),
        (EarlyStopping(patience="3"), ValueError, "patience must be a positive"),
        (EarlyStopping(min_delta=np.nan), ValueError, "min_delta must be a finite"),
        (EarlyStopping(monitor=None), TypeError, "monitor must be a key"),
        (EarlyStopping("train_loss", mode="up"), ValueError, "mode must be"),
        (Checkpoint(None), TypeError, "path must be a str or a path"),
        (Checkpoint("m.skops", every=0), ValueError, "every must be a positive"),
        (Checkpoint("m.skops", monitor="nope"), ValueError, "'nope', which the"),
    ],
)
def test_callbacks_check_their_arguments_when_the_fit_starts(callback, error, match):
    pytest.importorskip("skops")
    est = small(ScratchMLPClassifier).set_callbacks(callback)
    with pytest.raises(error, match=match):
        est.fit(X_IRIS, y_IRIS)
    assert not hasattr(est, "coefs_")


def test_progress_bar_through_a_grid_search_with_loky_workers(capsys):
    pytest.importorskip("rich")
    pipe = make_pipeline(StandardScaler(), small(ScratchMLPClassifier, max_iter=3))
    search = GridSearchCV(
        pipe, {"scratchmlpclassifier__alpha": [1e-4, 1e-2]}, cv=2, n_jobs=2
    )
    search.set_callbacks(callback.ProgressBar(max_propagation_depth=None))
    search.fit(X_IRIS, y_IRIS)
    shown = capsys.readouterr().out
    assert shown.count("ScratchMLPClassifier - fit") == 2 * 2 + 1  # and the refit
