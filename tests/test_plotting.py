"""Tests of the Display objects: what they draw, and how they reject bad input."""

import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

from skscratch import (  # noqa: E402
    HiddenWeightsDisplay,
    OutputWeightsDisplay,
    PredictionDisplay,
    ScratchMLPClassifier,
    TrainingHistoryDisplay,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

DIGIT_NAMES = np.array(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
)
N_HIDDEN = 5


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


@pytest.fixture(scope="module")
def clf(digits):
    """Ten classes, a validation set, two hidden layers."""
    X, y = digits
    model = ScratchMLPClassifier(
        hidden_layer_sizes=(N_HIDDEN, 3), max_iter=6, random_state=0
    )
    return model.fit(X[:1200], y[:1200], X_val=X[1200:], y_val=y[1200:])


@pytest.fixture(scope="module")
def string_clf(digits):
    """Ten classes named by strings, no validation data."""
    X, y = digits
    model = ScratchMLPClassifier(hidden_layer_sizes=(4,), max_iter=4, random_state=0)
    return model.fit(X[:600], DIGIT_NAMES[y[:600]])


@pytest.fixture(scope="module")
def binary_clf(digits):
    """Two string classes with the log loss: a single output unit."""
    X, y = digits
    rows = y < 2
    model = ScratchMLPClassifier(hidden_layer_sizes=(3,), max_iter=4, random_state=0)
    return model.fit(X[rows], DIGIT_NAMES[y[rows]])


@pytest.fixture(scope="module")
def lbfgs_clf(digits):
    X, y = digits
    model = ScratchMLPClassifier(
        hidden_layer_sizes=(4,), solver="lbfgs", max_iter=8, random_state=0
    )
    return model.fit(X[:500], y[:500])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_import_does_not_import_matplotlib():
    code = "import sys, skscratch; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------ hidden weights


def test_hidden_weights_images_are_the_reshaped_first_layer_weights(clf):
    display = HiddenWeightsDisplay.from_estimator(clf, image_shape=(8, 8))

    assert display.axes_.shape == (N_HIDDEN,)
    assert display.weights.shape == (N_HIDDEN, 8, 8)
    for neuron, (ax, image) in enumerate(
        zip(display.axes_, display.images_, strict=True)
    ):
        assert ax.get_images() == [image]
        expected = clf.coefs_[0][:, neuron].reshape(8, 8)
        np.testing.assert_array_equal(image.get_array(), expected)
        assert ax.get_title() == f"neuron {neuron}"
        assert ax.get_xlabel() == f"bias = {clf.intercepts_[0][neuron]:.2f}"
    np.testing.assert_array_equal(display.biases, clf.intercepts_[0])


def test_hidden_weights_share_one_symmetric_colour_scale_and_one_colour_bar(clf):
    display = HiddenWeightsDisplay.from_estimator(clf)

    largest = np.abs(clf.coefs_[0]).max()
    for image in display.images_:
        assert image.get_clim() == pytest.approx((-largest, largest))
    assert display.colorbar_.mappable is display.images_[0]
    assert display.colorbar_.ax in display.figure_.axes
    assert len(display.figure_.axes) == N_HIDDEN + 1


def test_hidden_weights_of_chosen_neurons(clf):
    display = HiddenWeightsDisplay.from_estimator(clf, neurons=[3, 1])

    assert len(display.axes_) == 2
    np.testing.assert_array_equal(
        display.images_[0].get_array(), clf.coefs_[0][:, 3].reshape(8, 8)
    )
    assert display.axes_[1].get_title() == "neuron 1"
    assert display.axes_[1].get_xlabel() == f"bias = {clf.intercepts_[0][1]:.2f}"
    largest = np.abs(clf.coefs_[0][:, [3, 1]]).max()
    assert display.images_[1].get_clim() == pytest.approx((-largest, largest))


def test_hidden_weights_grid_has_ncols_columns(clf):
    display = HiddenWeightsDisplay.from_estimator(clf, ncols=2)

    geometries = [ax.get_subplotspec().get_geometry()[:2] for ax in display.axes_]
    assert geometries == [(3, 2)] * N_HIDDEN
    assert len(display.figure_.axes) == N_HIDDEN + 1


def test_hidden_weights_draws_into_given_axes(clf):
    fig, axes = plt.subplots(1, N_HIDDEN)

    display = HiddenWeightsDisplay.from_estimator(clf, ax=axes)

    assert list(display.axes_) == list(axes)
    assert display.figure_ is fig
    assert all(len(ax.get_images()) == 1 for ax in axes)


def test_hidden_weights_divides_a_single_given_axes(clf):
    fig, (left, right) = plt.subplots(1, 2)

    display = HiddenWeightsDisplay.from_estimator(clf, ax=left, ncols=3)

    assert not left.axison
    assert not right.get_images()
    left_box = left.get_position()
    for ax in display.axes_:
        assert ax.figure is fig
        assert left_box.x0 <= ax.get_position().x0 < left_box.x1
    assert len(display.axes_) == N_HIDDEN


@pytest.mark.parametrize(
    "image_shape, message",
    [((4, 4), "holds 16 pixels"), ((8,), "pair of positive"), ((0, 64), "pair")],
)
def test_hidden_weights_rejects_wrong_image_shape(clf, image_shape, message):
    with pytest.raises(ValueError, match=message):
        HiddenWeightsDisplay.from_estimator(clf, image_shape=image_shape)


@pytest.mark.parametrize(
    "neurons, error",
    [([N_HIDDEN], ValueError), ([-1], ValueError), ([], ValueError)]
    + [(2, TypeError), ([0.5], TypeError), ("0", TypeError)],
)
def test_hidden_weights_rejects_bad_neurons(clf, neurons, error):
    with pytest.raises(error, match="neurons"):
        HiddenWeightsDisplay.from_estimator(clf, neurons=neurons)


def test_hidden_weights_rejects_wrong_number_of_axes(clf):
    _, axes = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="pass 5 matplotlib Axes"):
        HiddenWeightsDisplay.from_estimator(clf, ax=axes)


def test_hidden_weights_rejects_bad_ncols(clf):
    with pytest.raises(ValueError, match="ncols"):
        HiddenWeightsDisplay.from_estimator(clf, ncols=0)


# ------------------------------------------------------------------ output weights


def test_output_weights_image_is_last_layer_with_bias_column(clf):
    display = OutputWeightsDisplay.from_estimator(clf)

    expected = np.column_stack([clf.coefs_[-1].T, clf.intercepts_[-1]])
    np.testing.assert_array_equal(display.image_.get_array(), expected)
    largest = np.abs(expected).max()
    assert display.image_.get_clim() == pytest.approx((-largest, largest))
    y_labels = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert y_labels == [str(label) for label in clf.classes_]
    x_labels = [label.get_text() for label in display.ax_.get_xticklabels()]
    assert x_labels == ["0", "1", "2", "bias"]
    assert display.colorbar_.mappable is display.image_
    assert display.ax_.get_images() == [display.image_]


def test_output_weights_without_bias(clf):
    display = OutputWeightsDisplay.from_estimator(clf, include_bias=False)

    np.testing.assert_array_equal(display.image_.get_array(), clf.coefs_[-1].T)
    x_labels = [label.get_text() for label in display.ax_.get_xticklabels()]
    assert x_labels == ["0", "1", "2"]


def test_output_weights_string_classes(string_clf):
    display = OutputWeightsDisplay.from_estimator(string_clf)

    y_labels = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert y_labels == sorted(DIGIT_NAMES)


def test_output_weights_binary_log_loss_has_one_row_for_positive_class(binary_clf):
    display = OutputWeightsDisplay.from_estimator(binary_clf)

    assert display.image_.get_array().shape == (1, 4)
    y_labels = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert y_labels == [binary_clf.classes_[1]] == ["zero"]


def test_output_weights_binary_squared_error_has_one_row_per_class(digits):
    X, y = digits
    rows = y < 2
    model = ScratchMLPClassifier(
        hidden_layer_sizes=(2,), loss="squared_error", max_iter=2, random_state=0
    ).fit(X[rows], DIGIT_NAMES[y[rows]])

    display = OutputWeightsDisplay.from_estimator(model)

    y_labels = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert y_labels == ["one", "zero"]


def test_output_weights_draws_into_given_axes(clf):
    fig, (left, right) = plt.subplots(1, 2)

    display = OutputWeightsDisplay.from_estimator(clf, ax=right)

    assert display.ax_ is right
    assert display.figure_ is fig
    assert right.get_images() == [display.image_]
    assert not left.get_images()


def test_weight_displays_accept_sklearn_mlp(digits):
    X, y = digits
    model = MLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0)
    model.fit(X[:300], y[:300])

    hidden = HiddenWeightsDisplay.from_estimator(model)
    output = OutputWeightsDisplay.from_estimator(model)

    np.testing.assert_array_equal(
        hidden.images_[2].get_array(), model.coefs_[0][:, 2].reshape(8, 8)
    )
    y_labels = [label.get_text() for label in output.ax_.get_yticklabels()]
    assert y_labels == [str(label) for label in model.classes_]


# ---------------------------------------------------------------- training history


def test_history_lines_are_the_history_columns(clf):
    display = TrainingHistoryDisplay.from_estimator(clf)

    loss_ax, score_ax = display.axes_
    epochs = clf.history_[:, "epoch"]
    for column, ax in [
        ("train_loss", loss_ax),
        ("valid_loss", loss_ax),
        ("train_score", score_ax),
        ("valid_score", score_ax),
    ]:
        line = display.lines_[column]
        assert line.axes is ax
        np.testing.assert_array_equal(line.get_xdata(), epochs)
        np.testing.assert_array_equal(line.get_ydata(), clf.history_[:, column])
    for ax, train_label in zip(
        display.axes_, ["train (with L2 penalty)", "train"], strict=True
    ):
        assert ax.get_xlabel() == "epoch"
        legend_texts = [text.get_text() for text in ax.get_legend().get_texts()]
        assert legend_texts == [train_label, "valid"]
    assert len(loss_ax.get_lines()) == len(score_ax.get_lines()) == 2


def test_history_without_validation_has_training_lines_only(string_clf):
    display = TrainingHistoryDisplay.from_estimator(string_clf)

    assert sorted(display.lines_) == ["train_loss", "train_score"]
    np.testing.assert_array_equal(
        display.lines_["train_score"].get_ydata(), string_clf.history_[:, "train_score"]
    )
    assert display.valid_loss is None and display.valid_score is None


def test_history_of_lbfgs(lbfgs_clf):
    display = TrainingHistoryDisplay.from_estimator(lbfgs_clf)

    np.testing.assert_array_equal(
        display.lines_["train_loss"].get_ydata(), lbfgs_clf.loss_curve_
    )
    records = [r for r in lbfgs_clf.history_ if r["train_score"] is not None]
    assert records
    line = display.lines_["train_score"]
    np.testing.assert_array_equal(line.get_xdata(), [r["epoch"] for r in records])
    np.testing.assert_array_equal(line.get_ydata(), [r["train_score"] for r in records])


def test_history_skips_missing_scores():
    display = TrainingHistoryDisplay(
        epochs=[1, 2, 3, 4],
        train_loss=[0.9, 0.7, 0.6, 0.5],
        train_score=[0.5, None, 0.7, float("nan")],
    ).plot()

    np.testing.assert_array_equal(display.lines_["train_score"].get_xdata(), [1, 3])
    np.testing.assert_array_equal(display.lines_["train_score"].get_ydata(), [0.5, 0.7])
    np.testing.assert_array_equal(
        display.lines_["train_loss"].get_xdata(), [1, 2, 3, 4]
    )


def test_history_with_no_score_at_all_draws_no_score_legend():
    display = TrainingHistoryDisplay(
        epochs=[1, 2], train_loss=[0.9, 0.7], train_score=[None, None]
    ).plot()

    assert sorted(display.lines_) == ["train_loss"]
    assert display.axes_[1].get_legend() is None


def test_history_draws_into_given_axes(clf):
    fig, axes = plt.subplots(2, 1)

    display = TrainingHistoryDisplay.from_estimator(clf, axes=axes)

    assert list(display.axes_) == list(axes)
    assert display.figure_ is fig
    assert len(axes[0].get_lines()) == 2


def test_history_rejects_wrong_number_of_axes(clf):
    _, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="pass 2 matplotlib Axes"):
        TrainingHistoryDisplay.from_estimator(clf, axes=axes)


def test_history_needs_history_attribute(digits):
    X, y = digits
    model = MLPClassifier(hidden_layer_sizes=(2,), max_iter=2, random_state=0)
    model.fit(X[:200], y[:200])
    with pytest.raises(TypeError, match="history_"):
        TrainingHistoryDisplay.from_estimator(model)


# ---------------------------------------------------------------------- prediction


def _facecolors(display):
    return [bar.get_facecolor() for bar in display.bars_]


def test_prediction_bars_are_the_probabilities(clf, digits):
    X, y = digits
    sample = X[1300]
    display = PredictionDisplay.from_estimator(clf, sample)

    expected = clf.predict_proba(sample.reshape(1, -1))[0]
    heights = [bar.get_height() for bar in display.bars_]
    np.testing.assert_array_equal(heights, expected)
    predicted = clf.predict(sample.reshape(1, -1))[0]
    predicted_index = int(np.flatnonzero(clf.classes_ == predicted)[0])
    expected_colors = [to_rgba("tab:gray")] * len(clf.classes_)
    expected_colors[predicted_index] = to_rgba("tab:orange")
    assert _facecolors(display) == expected_colors
    assert all(bar.get_linewidth() == 0 for bar in display.bars_)
    np.testing.assert_array_equal(display.image_.get_array(), sample.reshape(8, 8))
    image_ax, bar_ax = display.axes_
    assert image_ax.get_title() == f"predicted: {predicted}"
    tick_labels = [label.get_text() for label in bar_ax.get_xticklabels()]
    assert tick_labels == [str(label) for label in clf.classes_]


def test_prediction_marks_the_true_class(clf, digits):
    X, _ = digits
    sample = X[1300:1301]
    predicted = clf.predict(sample)[0]
    true_label = (predicted + 1) % 10

    display = PredictionDisplay.from_estimator(clf, sample, y_true=true_label)

    edges = [bar.get_linewidth() > 0 for bar in display.bars_]
    assert edges == [label == true_label for label in clf.classes_]
    assert display.bars_[true_label].get_edgecolor() == to_rgba("black")
    assert display.bars_[predicted].get_facecolor() == to_rgba("tab:orange")
    assert display.axes_[0].get_title() == (
        f"predicted: {predicted}, true: {true_label}"
    )
    legend_texts = [t.get_text() for t in display.axes_[1].get_legend().get_texts()]
    assert legend_texts == ["predicted", "true"]


def test_prediction_with_string_labels(string_clf, digits):
    X, y = digits
    sample = X[700]
    true_label = DIGIT_NAMES[y[700]]

    display = PredictionDisplay.from_estimator(string_clf, sample, y_true=[true_label])

    predicted = string_clf.predict(sample.reshape(1, -1))[0]
    classes = list(string_clf.classes_)
    tick_labels = [label.get_text() for label in display.axes_[1].get_xticklabels()]
    assert tick_labels == classes
    assert display.bars_[classes.index(predicted)].get_facecolor() == to_rgba(
        "tab:orange"
    )
    assert display.bars_[classes.index(true_label)].get_linewidth() > 0
    assert display.axes_[0].get_title() == (
        f"predicted: {predicted}, true: {true_label}"
    )


def test_prediction_binary_log_loss_shows_both_classes(binary_clf, digits):
    X, _ = digits
    display = PredictionDisplay.from_estimator(binary_clf, X[0])

    heights = [bar.get_height() for bar in display.bars_]
    np.testing.assert_allclose(heights, binary_clf.predict_proba(X[:1])[0])
    assert len(heights) == 2


def test_prediction_of_a_dataframe_row_keeps_the_feature_names(digits):
    pd = pytest.importorskip("pandas")
    X, y = digits
    frame = pd.DataFrame(X[:600], columns=[f"pixel_{i}" for i in range(64)])
    model = ScratchMLPClassifier(hidden_layer_sizes=(4,), max_iter=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(frame, y[:600])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names"
        display = PredictionDisplay.from_estimator(model, frame.iloc[7], y_true=y[7])
    np.testing.assert_array_equal(display.image_.get_array(), X[7].reshape(8, 8))
    np.testing.assert_allclose(
        [bar.get_height() for bar in display.bars_],
        model.predict_proba(frame.iloc[[7]])[0],
    )


def test_prediction_of_a_sparse_row_with_an_array_image_shape(clf, digits):
    X, _ = digits
    display = PredictionDisplay.from_estimator(
        clf, sp.csr_matrix(X[3:4]), image_shape=np.array([8, 8])
    )
    np.testing.assert_array_equal(display.image_.get_array(), X[3].reshape(8, 8))
    np.testing.assert_allclose(
        [bar.get_height() for bar in display.bars_], clf.predict_proba(X[3:4])[0]
    )


def test_prediction_draws_into_given_axes(clf, digits):
    X, _ = digits
    fig, axes = plt.subplots(2, 2)

    display = PredictionDisplay.from_estimator(clf, X[5], axes=axes[1])

    assert list(display.axes_) == list(axes[1])
    assert display.figure_ is fig
    assert axes[1, 0].get_images() == [display.image_]
    assert len(axes[1, 1].patches) == len(clf.classes_)
    assert not axes[0, 0].get_images() and not axes[0, 1].patches


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"x": np.zeros((2, 64))}, "one sample"),
        ({"x": np.zeros((1, 1, 64))}, "one sample"),
        ({"x": np.zeros(64), "image_shape": (4, 4)}, "holds 16 pixels"),
        ({"x": np.zeros(64), "y_true": 11}, "not one of the estimator's classes"),
        ({"x": np.zeros(64), "y_true": [1, 2]}, "one label"),
    ],
)
def test_prediction_rejects_bad_arguments(clf, kwargs, message):
    with pytest.raises(ValueError, match=message):
        PredictionDisplay.from_estimator(clf, **kwargs)


def test_prediction_rejects_multilabel(digits):
    X, y = digits
    Y = np.column_stack([y[:200] % 2, y[:200] > 4]).astype(int)
    model = ScratchMLPClassifier(hidden_layer_sizes=(2,), max_iter=2, random_state=0)
    model.fit(X[:200], Y)
    with pytest.raises(ValueError, match="multilabel"):
        PredictionDisplay.from_estimator(model, X[0])


# ------------------------------------------------------------- estimator checking


@pytest.mark.parametrize(
    "make_display",
    [
        lambda model: HiddenWeightsDisplay.from_estimator(model),
        lambda model: OutputWeightsDisplay.from_estimator(model),
        lambda model: TrainingHistoryDisplay.from_estimator(model),
        lambda model: PredictionDisplay.from_estimator(model, np.zeros(64)),
    ],
    ids=["hidden", "output", "history", "prediction"],
)
def test_displays_reject_unfitted_and_non_estimators(make_display):
    with pytest.raises(NotFittedError):
        make_display(ScratchMLPClassifier())
    with pytest.raises(TypeError):
        make_display(np.zeros((3, 3)))
