"""Unit tests of ``_targets``: encoding, predictions, probabilities and scores."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import LabelBinarizer, LabelEncoder
from sklearn.utils.class_weight import compute_sample_weight

from skscratch._losses import LOSSES
from skscratch._targets import ClassTargets, RealTargets

RNG = np.random.RandomState(0)
LABELS = {
    "single": np.array(["b"] * 12),
    "binary": np.array(["no", "yes"])[RNG.randint(2, size=12)],
    "multiclass": np.array([3, 1, 7, 1, 3, 7, 7, 1, 3, 3, 1, 7]),
    "multilabel": RNG.randint(2, size=(12, 4)),
}
WEIGHTS = RNG.uniform(0.1, 2.0, 12)


def _targets(kind, loss="log_loss", sparse=False):
    return ClassTargets.from_labels(LABELS[kind], None, loss, sparse)


def _outputs(targets, y, seed=1):
    """Outputs of the network's output activation, mostly right about ``y``."""
    Y = targets.encode(y)
    z = np.random.RandomState(seed).normal(size=Y.shape) + 2.0 * (Y - 0.5)
    softmax_output = LOSSES[targets.loss_name].output_activation == "softmax"
    return softmax(z, axis=1) if softmax_output else expit(z)


@pytest.mark.parametrize("kind", sorted(LABELS))
def test_log_loss_network_is_mlpclassifiers(kind):
    """The same number of output units and output activation."""
    y = LABELS[kind]
    X = np.arange(24.0).reshape(12, 2)
    mlp = MLPClassifier(hidden_layer_sizes=(2,), max_iter=1, random_state=0)
    with pytest.warns(ConvergenceWarning):
        mlp.fit(X, y)
    targets = _targets(kind)
    assert targets.n_outputs == mlp.n_outputs_
    assert LOSSES[targets.loss_name].output_activation == mlp.out_activation_
    np.testing.assert_array_equal(targets.classes, mlp.classes_)


@pytest.mark.parametrize(
    ("kind", "n_outputs"),
    [("single", 1), ("binary", 2), ("multiclass", 3), ("multilabel", 4)],
)
def test_squared_error_has_one_logistic_unit_per_class(kind, n_outputs):
    targets = _targets(kind, "squared_error")
    assert targets.loss_name == "half_squared_error"
    assert targets.n_outputs == n_outputs


@pytest.mark.parametrize("kind", sorted(LABELS))
def test_log_loss_encoding_is_the_label_binarizers(kind):
    y = LABELS[kind]
    encoded = _targets(kind).encode(y)
    assert encoded.dtype == bool
    np.testing.assert_array_equal(encoded, LabelBinarizer().fit(y).transform(y))


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_squared_error_encoding_is_one_hot(kind):
    y = LABELS[kind]
    targets = _targets(kind, "squared_error")
    one_hot = np.eye(targets.n_outputs, dtype=bool)[LabelEncoder().fit_transform(y)]
    np.testing.assert_array_equal(targets.encode(y), one_hot)


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_indices_are_the_label_encoders(kind):
    y = LABELS[kind]
    expected = LabelEncoder().fit(y).transform(y)
    np.testing.assert_array_equal(_targets(kind).indices(y), expected)


@pytest.mark.parametrize(
    ("kind", "y", "name", "message"),
    [
        (
            "binary",
            np.array(["no", "maybe", "yes", "perhaps", "maybe"]),
            "y",
            r"^y contains labels not in classes_ \['no', 'yes'\]: "
            r"\['maybe', 'perhaps'\]\.$",
        ),
        (
            "multiclass",
            np.array([1, 2, 3, 9]),
            "y_val",
            r"^y_val contains labels not in classes_ \[1, 3, 7\]: \[2, 9\]\.$",
        ),
        (
            "multilabel",
            np.zeros((2, 3), dtype=int),
            "y_val",
            r"^y_val has 3 labels per sample; the model was fitted with 4\.$",
        ),
        (
            "multilabel",
            np.zeros(2, dtype=int),
            "y",
            r"^y has 1 labels per sample; the model was fitted with 4\.$",
        ),
        (
            "multiclass",
            np.zeros((2, 3), dtype=int),
            "y",
            r"^y is a label indicator matrix but the model was fitted on "
            r"multiclass targets\.$",
        ),
    ],
)
def test_encode_refuses_targets_that_do_not_fit(kind, y, name, message):
    with pytest.raises(ValueError, match=message):
        _targets(kind).encode(y, name=name)


def test_multilabel_classes_must_be_the_label_indices():
    with pytest.raises(ValueError, match=r"classes=\[0, 1\] does not match y"):
        ClassTargets.from_labels(LABELS["multilabel"], [0, 1], "log_loss", False)


def test_classes_given_for_partial_fit_are_taken_sorted():
    targets = ClassTargets.from_labels(np.array([2, 2]), [5, 2, 0], "log_loss", False)
    np.testing.assert_array_equal(targets.classes, [0, 2, 5])
    assert targets.kind == "multiclass"


def test_check_same_classes_accepts_any_order_and_names_a_difference():
    targets = _targets("multiclass")
    targets.check_same_classes(np.array([7, 3, 1]))
    with pytest.raises(ValueError, match="Previously got .*1 3 7.*`y` has .*1 3 9"):
        targets.check_same_classes(np.array([9, 3, 1]))


def _with_ties(outputs):
    """Outputs with rows exactly at 0.5 and rows of equal units."""
    outputs = outputs.copy()
    outputs[0] = 0.5
    outputs[1] = outputs[1, 0]
    return outputs


@pytest.mark.parametrize("kind", sorted(LABELS))
def test_log_loss_predictions_are_the_label_binarizers(kind):
    """MLPClassifier predicts with its label binarizer's ``inverse_transform``."""
    targets = _targets(kind)
    outputs = _with_ties(_outputs(targets, LABELS[kind]))
    binarizer = LabelBinarizer().fit(LABELS[kind])
    np.testing.assert_array_equal(
        targets.predict(outputs), binarizer.inverse_transform(outputs)
    )


def test_squared_error_predicts_the_largest_output():
    targets = _targets("binary", "squared_error")
    outputs = np.array([[0.2, 0.3], [0.9, 0.1], [0.4, 0.4]])
    np.testing.assert_array_equal(targets.predict(outputs), ["yes", "no", "no"])


def test_sparse_multilabel_targets_are_predicted_as_csr():
    targets = _targets("multilabel", sparse=True)
    outputs = _outputs(targets, LABELS["multilabel"])
    predicted = targets.predict(outputs)
    assert sp.issparse(predicted) and predicted.format == "csr"
    np.testing.assert_array_equal(predicted.toarray(), outputs > 0.5)


@pytest.mark.parametrize(
    ("kind", "loss", "outputs", "expected"),
    [
        ("binary", "log_loss", [[0.25], [1.0]], [[0.75, 0.25], [0.0, 1.0]]),
        ("multiclass", "log_loss", [[0.2, 0.3, 0.5]], [[0.2, 0.3, 0.5]]),
        ("single", "log_loss", [[0.3], [0.9]], [[1.0], [1.0]]),
        (
            "binary",
            "squared_error",
            [[0.125, 0.375], [0.0, 0.0]],
            [[0.25, 0.75], [0.5, 0.5]],
        ),
        (
            "multiclass",
            "squared_error",
            [[0.5, 0.25, 0.25], [0.0, 0.0, 0.0]],
            [[0.5, 0.25, 0.25], [1 / 3, 1 / 3, 1 / 3]],
        ),
        (
            "multilabel",
            "log_loss",
            [[0.0, 1.0, 0.5, 0.25]],
            [[2.0**-52, 1 - 2.0**-52, 0.5, 0.25]],
        ),
    ],
)
def test_probabilities(kind, loss, outputs, expected):
    proba = _targets(kind, loss).proba(np.array(outputs))
    np.testing.assert_array_equal(proba, expected)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
@pytest.mark.parametrize("kind", sorted(LABELS))
def test_score_is_the_accuracy_of_the_predictions(kind, loss, weighted):
    targets, y = _targets(kind, loss), LABELS[kind]
    outputs = _outputs(targets, LABELS[kind])
    weights = WEIGHTS if weighted else None
    expected = accuracy_score(y, targets.predict(outputs), sample_weight=weights)
    score = targets.score(outputs, targets.encode(y), weights)
    assert score == pytest.approx(expected, rel=1e-15)
    assert 0.0 < expected < 1.0 or kind == "single"


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", sorted(LABELS))
def test_running_accuracy_over_batches_is_that_of_all_rows(kind, weighted):
    targets, y = _targets(kind), LABELS[kind]
    Y, outputs = targets.encode(y), _outputs(targets, LABELS[kind])
    weights = WEIGHTS if weighted else None
    running = targets.running_score(Y, weights)
    for batch in (slice(0, 5), slice(5, 10), slice(10, 12)):
        running.add(
            outputs[batch], Y[batch], None if weights is None else weights[batch]
        )
    expected = accuracy_score(y, targets.predict(outputs), sample_weight=weights)
    assert running.value() == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_balanced_class_weights_are_sklearns_and_count_sample_weights(kind):
    targets, y = _targets(kind), LABELS[kind]
    balanced = targets.class_sample_weight(y, None, "balanced")
    np.testing.assert_allclose(
        balanced, compute_sample_weight("balanced", y), rtol=1e-15
    )
    counts = np.arange(12) % 3 + 1  # weighing a sample by k is repeating it k times
    weighted = targets.class_sample_weight(y, counts.astype(float), "balanced")
    repeated = targets.class_sample_weight(np.repeat(y, counts), None, "balanced")
    np.testing.assert_allclose(weighted, repeated[np.cumsum(counts) - 1], rtol=1e-15)


def test_class_weight_dict_weighs_each_sample_by_its_class():
    targets, y = _targets("multiclass"), LABELS["multiclass"]
    weights = targets.class_sample_weight(y, None, {3: 2.0, 7: 0.5})
    np.testing.assert_array_equal(weights, np.select([y == 3, y == 7], [2.0, 0.5], 1.0))


def test_only_binary_targets_stratify_the_early_stopping_split():
    for kind in ("binary", "multiclass", "multilabel"):
        targets = _targets(kind)
        Y = targets.encode(LABELS[kind])
        stratify = targets.stratify(Y)
        if kind == "binary":
            np.testing.assert_array_equal(stratify, Y[:, -1:])
        else:
            assert stratify is None
    assert RealTargets(1, "squared_error").stratify(np.zeros((3, 1))) is None


# ------------------------------------------------------------------ regression


@pytest.mark.parametrize(
    ("loss", "name", "activation"),
    [
        ("squared_error", "half_mean_squared_error", "identity"),
        ("poisson", "half_poisson_deviance", "exp"),
    ],
)
def test_real_losses_and_their_output_activation(loss, name, activation):
    assert RealTargets(1, loss).loss_name == name
    assert LOSSES[name].output_activation == activation


@pytest.mark.parametrize(
    ("y", "dtype"),
    [
        (np.array([1, 2, 3]), np.float64),
        (np.array([1.0, 2.0, 3.0], dtype=np.float32), np.float32),
        (np.array([0.5, 2.0, 3.0]), np.float64),
    ],
)
def test_one_target_is_encoded_as_a_float_column(y, dtype):
    targets = RealTargets.from_values(y, "poisson")
    assert targets.n_outputs == 1
    Y = targets.encode(y)
    assert Y.shape == (3, 1) and Y.dtype == dtype
    np.testing.assert_array_equal(Y[:, 0], y)


def test_several_targets_are_encoded_as_they_are():
    y = np.arange(6.0).reshape(3, 2)
    targets = RealTargets.from_values(y, "squared_error")
    assert targets.n_outputs == 2
    np.testing.assert_array_equal(targets.encode(y), y)
    with pytest.raises(
        ValueError,
        match=r"^y_val has 1 target\(s\) per sample; the model was fitted with 2\.$",
    ):
        targets.encode(np.arange(3.0), name="y_val")


def test_poisson_refuses_negative_targets_in_sklearns_words():
    with pytest.raises(
        ValueError,
        match=r"^Some value\(s\) of y are negative which is not allowed for "
        r"Poisson regression\.$",
    ):
        RealTargets(1, "poisson").encode(np.array([0.0, 1.0, -0.5]))
    RealTargets(1, "squared_error").encode(np.array([0.0, 1.0, -0.5]))


def test_predictions_are_a_vector_for_one_target():
    outputs = np.arange(4.0).reshape(4, 1)
    np.testing.assert_array_equal(
        RealTargets(1, "squared_error").predict(outputs), [0, 1, 2, 3]
    )
    outputs = np.arange(4.0).reshape(2, 2)
    assert RealTargets(2, "squared_error").predict(outputs) is outputs


def _regression_problem(n_targets=3):
    """Targets, outputs and weights; the second target is constant and predicted
    exactly, the third constant and not predicted exactly."""
    rng = np.random.RandomState(3)
    Y = rng.normal(size=(13, n_targets))
    outputs = Y + rng.normal(scale=0.5, size=Y.shape)
    if n_targets == 3:
        Y[:, 1:] = 2.0
        outputs[:, 1] = 2.0
    return Y, outputs, rng.uniform(0.1, 2.0, 13)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_targets", [1, 3])
def test_score_is_r2(n_targets, weighted):
    Y, outputs, weights = _regression_problem(n_targets)
    weights = weights if weighted else None
    score = RealTargets(n_targets, "squared_error").score(outputs, Y, weights)
    assert score == pytest.approx(
        r2_score(Y, outputs, sample_weight=weights), rel=1e-14
    )


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_score_of_non_finite_outputs_is_nan(bad):
    Y, outputs, _ = _regression_problem(1)
    outputs[4, 0] = bad
    assert np.isnan(RealTargets(1, "squared_error").score(outputs, Y, None))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_targets", [1, 3])
def test_running_r2_over_batches_is_r2_of_all_rows(n_targets, weighted):
    """Each batch is predicted before its update: the R² of those outputs."""
    Y, outputs, weights = _regression_problem(n_targets)
    weights = weights if weighted else None
    running = RealTargets(n_targets, "squared_error").running_score(Y, weights)
    for batch in (slice(0, 4), slice(4, 8), slice(8, 13)):
        running.add(
            outputs[batch], Y[batch], None if weights is None else weights[batch]
        )
    expected = r2_score(Y, outputs, sample_weight=weights)
    assert running.value() == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize(("error", "expected"), [(0.0, 1.0), (0.1, 0.0)])
def test_running_r2_of_a_constant_target_is_r2_scores_finite_value(error, expected):
    Y = np.full((6, 1), 4.0)
    running = RealTargets(1, "squared_error").running_score(Y, None)
    running.add(Y[:3] + error, Y[:3], None)
    running.add(Y[3:], Y[3:], None)
    assert running.value() == expected == r2_score(Y, np.r_[Y[:3] + error, Y[3:]])
