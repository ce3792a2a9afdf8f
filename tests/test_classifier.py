"""Behaviour of ScratchMLPClassifier beyond MLPClassifier's: history, validation
data, the notebook's loss, class weights, sparse input, partial_fit rules."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.metrics import log_loss

from skscratch import ScratchMLPClassifier, ScratchMLPRegressor, check_gradients
from skscratch._history import History
from skscratch._losses import LOSSES, mean_loss
from skscratch._network import predict_outputs

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def small_clf(**params):
    return ScratchMLPClassifier(
        hidden_layer_sizes=(12,), learning_rate_init=0.01, max_iter=8, random_state=0
    ).set_params(**params)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_history_has_one_record_per_epoch(digits, solver):
    X, y = digits
    clf = small_clf(solver=solver).fit(X, y)
    assert isinstance(clf.history_, History)
    assert len(clf.history_) == clf.n_iter_ == len(clf.loss_curve_)
    assert clf.history_[:, "train_loss"] == clf.loss_curve_
    assert clf.history_[:, "epoch"] == list(range(1, clf.n_iter_ + 1))
    for record in clf.history_:
        assert {"train_loss", "train_score", "learning_rate", "duration"} <= set(record)
        assert "valid_score" not in record
        assert record["duration"] >= 0
    if solver == "sgd":
        assert clf.history_[:, "learning_rate"] == [0.01] * clf.n_iter_
    if solver == "lbfgs":
        # The last record's training accuracy is that of the final weights.
        assert clf.history_[-1, "train_score"] == pytest.approx(clf.score(X, y))


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_validation_data_is_scored_every_epoch(digits, solver):
    X, y = digits
    X_train, y_train, X_val, y_val = X[:1200], y[:1200], X[1200:], y[1200:]
    clf = small_clf(solver=solver).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    assert clf.validation_scores_ == clf.history_[:, "valid_score"]
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.history_[-1, "valid_score"] == pytest.approx(clf.score(X_val, y_val))
    # The last record scores the final weights: scikit-learn's log-loss of them.
    assert clf.history_[-1, "valid_loss"] == pytest.approx(
        log_loss(y_val, clf.predict_proba(X_val), labels=clf.classes_), rel=1e-12
    )
    # Without early stopping, validation data does not change the training.
    plain = small_clf(solver=solver).fit(X_train, y_train)
    for a, b in zip(clf.coefs_, plain.coefs_, strict=True):
        assert_array_equal(a, b)


def test_early_stopping_uses_the_given_validation_set(digits):
    X, y = digits
    clf = small_clf(early_stopping=True, n_iter_no_change=2, max_iter=60)
    clf.fit(X[:1200], y[:1200], X_val=X[1200:], y_val=y[1200:])
    assert clf.t_ == 1200 * clf.n_iter_  # no rows held out of the training data
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.n_iter_ < 60
    # The kept weights are those of the best epoch.
    assert clf.score(X[1200:], y[1200:]) == pytest.approx(clf.best_validation_score_)


def test_verbose_prints_one_line_per_epoch(digits, capsys):
    X, y = digits
    small_clf(verbose=True, max_iter=3).fit(
        X[:300], y[:300], X_val=X[300:400], y_val=y[300:400]
    )
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert len(lines) == 3
    assert lines[0].startswith("Iteration 1, loss = ")
    assert "validation score = " in lines[0]


def test_squared_error_probabilities_are_normalised_outputs(digits):
    X, y = digits
    clf = small_clf(loss="squared_error", activation="logistic").fit(X, y)
    assert clf.out_activation_ == "logistic"
    proba = clf.predict_proba(X)
    outputs = predict_outputs(
        clf.coefs_, clf.intercepts_, X, clf.activation, clf.out_activation_
    )
    assert_allclose(proba, outputs / outputs.sum(axis=1, keepdims=True))
    assert_allclose(proba.sum(axis=1), 1)
    assert_array_equal(clf.predict(X), clf.classes_[outputs.argmax(axis=1)])


def test_squared_error_binary_has_one_output_unit_per_class(binary):
    X, y = binary
    clf = small_clf(loss="squared_error").fit(X, y)
    assert clf.n_outputs_ == 2
    assert clf.predict_proba(X).shape == (len(y), 2)
    assert clf.score(X, y) > 0.8


def test_multilabel_predictions_are_an_indicator_matrix(multilabel):
    X, Y = multilabel
    clf = small_clf(max_iter=30).fit(X, Y)
    predicted = clf.predict(X)
    assert predicted.shape == Y.shape
    assert set(np.unique(predicted)) <= {0, 1}
    assert_array_equal(predicted, (clf.predict_proba(X) > 0.5).astype(int))


def test_class_weight_dict_equals_sample_weight(digits):
    X, y = digits
    by_class = small_clf(class_weight={3: 5.0, 8: 0.5}).fit(X, y)
    weights = np.where(y == 3, 5.0, np.where(y == 8, 0.5, 1.0))
    by_sample = small_clf().fit(X, y, sample_weight=weights)
    for a, b in zip(by_class.coefs_, by_sample.coefs_, strict=True):
        assert_array_equal(a, b)


def test_balanced_class_weight_formula(digits):
    X, y = digits
    keep = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:40]])
    X, y = X[keep], y[keep]
    counts = np.bincount(y)
    expected = (len(y) / (2 * counts))[y]
    balanced = small_clf(class_weight="balanced").fit(X, y)
    manual = small_clf().fit(X, y, sample_weight=expected)
    for a, b in zip(balanced.coefs_, manual.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_trains_the_same_model(digits, fmt):
    X, y = digits
    dense = small_clf().fit(X, y)
    sparse = small_clf().fit(sp.csr_matrix(X).asformat(fmt), y)
    for a, b in zip(dense.coefs_, sparse.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert_allclose(
        sparse.predict_proba(sp.csr_array(X)), dense.predict_proba(X), atol=1e-12
    )


def test_predict_in_chunks_equals_one_pass(digits, monkeypatch):
    from skscratch import _network

    X, y = digits
    clf = small_clf().fit(X, y)
    whole = clf.predict_proba(X)
    monkeypatch.setattr(_network, "_PREDICT_CHUNK_ROWS", 7)
    rows = []
    original_forward = _network.forward

    def counting_forward(coefs, intercepts, X_chunk, *args):
        rows.append(X_chunk.shape[0])
        return original_forward(coefs, intercepts, X_chunk, *args)

    monkeypatch.setattr(_network, "forward", counting_forward)
    assert_allclose(clf.predict_proba(X), whole, rtol=1e-13)
    assert rows == [7] * (X.shape[0] // 7) + [X.shape[0] % 7]


def test_partial_fit_rules(digits):
    X, y = digits
    clf = small_clf()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[:100], y[:100], classes=np.arange(10))
    with pytest.raises(ValueError, match="is not the same as on the last call"):
        clf.partial_fit(X, y, classes=np.arange(11))
    with pytest.raises(ValueError, match=r"labels not in classes_.*\[10\]"):
        clf.partial_fit(X[:3], [1, 2, 10])
    assert not hasattr(small_clf(solver="lbfgs"), "partial_fit")


def test_partial_fit_continues_history_and_counts(digits):
    X, y = digits
    clf = small_clf()
    for _ in range(3):
        clf.partial_fit(X, y, classes=np.arange(10))
    assert clf.history_[:, "epoch"] == [1, 2, 3]
    assert clf.t_ == 3 * len(y)
    assert len(clf.loss_curve_) == 3


def test_warm_start_with_other_layer_sizes_is_refused(digits):
    X, y = digits
    clf = small_clf(warm_start=True).fit(X, y)
    clf.set_params(hidden_layer_sizes=(5,))
    with pytest.raises(ValueError, match="layer sizes"):
        clf.fit(X, y)


def test_init_callable_sets_the_starting_weights(digits):
    X, y = digits
    rng = np.random.RandomState(7)
    drawn = []

    def init(fan_in, fan_out, random_state):
        drawn.append((fan_in, fan_out))
        return rng.normal(size=(fan_in, fan_out)), np.zeros(fan_out)

    small_clf(init=init, hidden_layer_sizes=(6, 5)).fit(X, y)
    assert drawn == [(64, 6), (6, 5), (5, 10)]


def test_train_score_is_measured_on_each_batch_before_its_update(digits):
    X, y = digits
    # With one batch per epoch, epoch k is scored with the weights of epoch k - 1.
    params = dict(
        batch_size=len(y), shuffle=False, solver="sgd", learning_rate_init=0.5
    )
    three = small_clf(max_iter=3, **params).fit(X, y)
    for epochs in (1, 2):
        earlier = small_clf(max_iter=epochs, **params).fit(X, y)
        assert three.history_[epochs, "train_score"] == earlier.score(X, y)


def test_changing_loss_after_fit_does_not_change_predictions(binary):
    X, y = binary
    clf = small_clf().fit(X, y)
    proba = clf.predict_proba(X)
    clf.set_params(loss="squared_error")
    assert_array_equal(clf.predict_proba(X), proba)
    with pytest.raises(ValueError, match="differs from loss='log_loss'"):
        clf.set_params(warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="partial_fit cannot change it"):
        clf.partial_fit(X, y)
    assert_array_equal(clf.predict_proba(X), proba)


def test_warm_start_may_turn_early_stopping_off_and_on(digits):
    """Each call's best_* attributes are those of its own stopping rule."""
    X, y = digits
    clf = small_clf(early_stopping=True, warm_start=True).fit(X, y)
    assert clf.best_loss_ is None
    clf.set_params(early_stopping=False).fit(X, y)
    assert clf.best_validation_score_ is None
    assert clf.best_loss_ == min(clf.loss_curve_[-clf.n_iter_ :])
    clf.set_params(early_stopping=True).fit(X, y)
    assert clf.best_loss_ is None
    assert clf.best_validation_score_ == max(clf.validation_scores_[-clf.n_iter_ :])


def test_warm_start_keeps_the_best_weights_of_all_calls(digits):
    """A warm-started call that finds no better epoch ends on the earlier best."""
    X, y = digits
    clf = small_clf(early_stopping=True, warm_start=True, max_iter=20).fit(X, y)
    best_coefs = [W.copy() for W in clf.coefs_]
    best_intercepts = [b.copy() for b in clf.intercepts_]
    best_score = clf.best_validation_score_
    clf.set_params(learning_rate_init=1.0, max_iter=3).fit(X, y)
    assert max(clf.validation_scores_[-3:]) < best_score  # no better epoch
    assert clf.best_validation_score_ == best_score
    for got, expected in zip(
        clf.coefs_ + clf.intercepts_, best_coefs + best_intercepts, strict=True
    ):
        assert_array_equal(got, expected)


def test_lbfgs_float32_records_the_validation_of_its_float32_weights(digits):
    X, y = digits
    X = X.astype(np.float32)
    clf = small_clf(solver="lbfgs", max_iter=5).fit(
        X[:1000], y[:1000], X_val=X[1000:], y_val=y[1000:]
    )
    assert all(c.dtype == np.float32 for c in clf.coefs_ + clf.intercepts_)
    outputs = predict_outputs(
        clf.coefs_, clf.intercepts_, X[1000:], clf.activation, clf.out_activation_
    )
    one_hot = y[1000:, np.newaxis] == clf.classes_
    assert clf.history_[-1]["valid_loss"] == mean_loss(
        LOSSES["categorical_cross_entropy"], one_hot, outputs
    )
    assert clf.validation_scores_[-1] == clf.score(X[1000:], y[1000:])


def test_multilabel_partial_fit_takes_its_labels_in_any_order(multilabel):
    X, Y = multilabel
    labels = np.arange(Y.shape[1])
    clf = small_clf().partial_fit(X, Y, classes=labels[::-1])  # as MLPClassifier
    clf.partial_fit(X, Y, classes=labels[::-1])
    np.testing.assert_array_equal(clf.classes_, labels)


def test_lbfgs_ignores_early_stopping(digits):
    X, y = digits
    clf = small_clf(solver="lbfgs", early_stopping=True).fit(X, y)
    assert clf.best_validation_score_ is None
    assert clf.validation_scores_ is None
    assert clf.best_loss_ == min(clf.loss_curve_)


def test_partial_fit_cannot_change_layer_sizes(digits):
    X, y = digits
    clf = small_clf().partial_fit(X, y, classes=np.arange(10))
    with pytest.raises(ValueError, match="partial_fit cannot change them"):
        clf.set_params(hidden_layer_sizes=(6,)).partial_fit(X, y)


def test_multilabel_class_weight_dict_is_refused(multilabel):
    X, Y = multilabel
    with pytest.raises(ValueError, match="'balanced' or None for multilabel"):
        small_clf(class_weight={0: 2.0}).fit(X, Y)


def test_train_score_is_weighted_like_lbfgs(digits):
    X, y = digits
    weights = np.where(y == 0, 50.0, 1.0)
    params = dict(
        batch_size=len(y), shuffle=False, solver="sgd", learning_rate_init=0.5
    )
    two = small_clf(max_iter=2, **params).fit(X, y, sample_weight=weights)
    one = small_clf(max_iter=1, **params).fit(X, y, sample_weight=weights)
    assert two.history_[1, "train_score"] == pytest.approx(
        one.score(X, y, sample_weight=weights)
    )


def test_batches_of_zero_weight_are_skipped(digits):
    X, y = digits
    X, y = X[:400], y[:400]
    weights = np.r_[np.zeros(200), np.ones(200)]
    params = dict(batch_size=200, shuffle=False)
    skipping = small_clf(**params).fit(X, y, sample_weight=weights)
    second_half = small_clf(**params).fit(X[200:], y[200:])
    for a, b in zip(skipping.coefs_, second_half.coefs_, strict=True):
        assert_array_equal(a, b)


def test_check_gradients_counts_class_weights():
    """The gradient checked is that of the class-weighted objective: the same
    as with the class weights given as sample weights, and not the unweighted one."""
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(12, 3)), np.arange(12) % 3
    weighted = small_clf(hidden_layer_sizes=(2,), class_weight={0: 4.0}).fit(X, y)
    errors = check_gradients(weighted, X, y)
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6
    as_sample_weight = check_gradients(
        weighted.set_params(class_weight=None), X, y, np.where(y == 0, 4.0, 1.0)
    )
    assert errors == as_sample_weight
    assert check_gradients(weighted, X, y) != errors


@pytest.mark.parametrize("estimator_class", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_partial_fit_with_early_stopping_trains_on_all_the_data(estimator_class):
    """As SGDClassifier's partial_fit: no held-out split, no early stopping."""
    X, y = load_iris(return_X_y=True)
    kwargs = (
        {"classes": np.unique(y)} if estimator_class is ScratchMLPClassifier else {}
    )
    params = dict(hidden_layer_sizes=(5,), random_state=0)
    stopping = estimator_class(early_stopping=True, **params)
    plain = estimator_class(**params)
    for _ in range(3):
        stopping.partial_fit(X, y, **kwargs)
        plain.partial_fit(X, y, **kwargs)
    for a, b in zip(stopping.coefs_, plain.coefs_, strict=True):
        assert_array_equal(a, b)
    assert stopping.t_ == 3 * X.shape[0]
    assert stopping.best_validation_score_ is None
    assert stopping.validation_scores_ is None


@pytest.mark.parametrize("estimator_class", [ScratchMLPClassifier, ScratchMLPRegressor])
def test_early_stopping_on_too_few_samples_warns_and_trains_without(estimator_class):
    X, y = load_iris(return_X_y=True)
    X, y = X[45:57], y[45:57]  # 12 samples: 10% holds out 2, 5% only 1
    params = dict(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    with pytest.warns(UserWarning, match="less than 2 of its 12 samples: training"):
        stopping = estimator_class(
            early_stopping=True, validation_fraction=0.05, **params
        ).fit(X, y)
    plain = estimator_class(**params).fit(X, y)
    for a, b in zip(stopping.coefs_, plain.coefs_, strict=True):
        assert_array_equal(a, b)
    assert stopping.best_validation_score_ is None
    estimator_class(early_stopping=True, validation_fraction=0.1, **params).fit(X, y)
