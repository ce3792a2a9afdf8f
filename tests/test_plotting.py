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
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

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
    """Every panel shows its own neuron: image, title and bias. No neuron is
    at its own position in the list, and the biases differ at two decimals,
    so a panel labelled by its position, or with another neuron's bias, fails."""
    neurons = [3, 0, 4]
    biases = clf.intercepts_[0][neurons]
    assert len({f"{bias:.2f}" for bias in clf.intercepts_[0]}) == N_HIDDEN
    display = HiddenWeightsDisplay.from_estimator(clf, neurons=neurons)

    assert len(display.axes_) == len(display.images_) == len(neurons)
    np.testing.assert_array_equal(display.neurons, neurons)
    np.testing.assert_array_equal(display.biases, biases)
    largest = np.abs(clf.coefs_[0][:, neurons]).max()
    for ax, image, neuron in zip(display.axes_, display.images_, neurons, strict=True):
        np.testing.assert_array_equal(
            image.get_array(), clf.coefs_[0][:, neuron].reshape(8, 8)
        )
        assert ax.get_title() == f"neuron {neuron}"
        assert ax.get_xlabel() == f"bias = {clf.intercepts_[0][neuron]:.2f}"
        assert image.get_clim() == pytest.approx((-largest, largest))


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

    display = TrainingHistoryDisplay.from_estimator(clf, ax=axes)

    assert list(display.axes_) == list(axes)
    assert display.figure_ is fig
    assert len(axes[0].get_lines()) == 2


def test_history_rejects_wrong_number_of_axes(clf):
    _, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="pass 2 matplotlib Axes"):
        TrainingHistoryDisplay.from_estimator(clf, ax=axes)


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

    display = PredictionDisplay.from_estimator(clf, X[5], ax=axes[1])

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


# ---------------------------------------------------------------------- pipelines


@pytest.fixture(scope="module")
def pipe(digits):
    """A scaler before the network: raw pixels 0..16 in, standardised inside."""
    X, y = digits
    model = ScratchMLPClassifier(hidden_layer_sizes=(6,), max_iter=5, random_state=0)
    pipeline = make_pipeline(StandardScaler(), model)
    return pipeline.fit(X[:1200] * 16, y[:1200])


def test_hidden_weights_of_a_pipeline_are_its_networks(pipe):
    display = HiddenWeightsDisplay.from_estimator(pipe)

    network = pipe[-1]
    for neuron, image in enumerate(display.images_):
        expected = network.coefs_[0][:, neuron].reshape(8, 8)
        np.testing.assert_array_equal(image.get_array(), expected)
    np.testing.assert_array_equal(display.biases, network.intercepts_[0])


def test_output_weights_of_a_pipeline_are_its_networks(pipe):
    display = OutputWeightsDisplay.from_estimator(pipe)

    network = pipe[-1]
    expected = np.column_stack([network.coefs_[-1].T, network.intercepts_[-1]])
    np.testing.assert_array_equal(display.image_.get_array(), expected)
    y_labels = [label.get_text() for label in display.ax_.get_yticklabels()]
    assert y_labels == [str(label) for label in network.classes_]


def test_history_of_a_pipeline_is_its_networks(pipe):
    display = TrainingHistoryDisplay.from_estimator(pipe)

    history = pipe[-1].history_
    np.testing.assert_array_equal(
        display.lines_["train_loss"].get_ydata(), history[:, "train_loss"]
    )
    np.testing.assert_array_equal(
        display.lines_["train_score"].get_ydata(), history[:, "train_score"]
    )
    assert display.alpha == pipe[-1].alpha


def test_prediction_of_a_pipeline_predicts_with_the_whole_pipeline(pipe, digits):
    X, y = digits
    raw = X[1300] * 16

    display = PredictionDisplay.from_estimator(pipe, raw, y_true=y[1300])

    heights = [bar.get_height() for bar in display.bars_]
    np.testing.assert_array_equal(heights, pipe.predict_proba(raw.reshape(1, -1))[0])
    unscaled = pipe[-1].predict_proba(raw.reshape(1, -1))[0]
    assert not np.allclose(heights, unscaled)  # the scaler was applied
    assert display.y_pred == pipe.predict(raw.reshape(1, -1))[0]
    np.testing.assert_array_equal(display.image_.get_array(), raw.reshape(8, 8))


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
def test_displays_reject_an_unfitted_pipeline(make_display):
    unfitted = make_pipeline(StandardScaler(), ScratchMLPClassifier())
    with pytest.raises(NotFittedError):
        make_display(unfitted)


def test_history_of_a_pipeline_without_history_names_the_attribute(digits):
    X, y = digits
    model = MLPClassifier(hidden_layer_sizes=(2,), max_iter=2, random_state=0)
    pipeline = make_pipeline(StandardScaler(), model).fit(X[:200], y[:200])
    with pytest.raises(TypeError, match="MLPClassifier has no attribute history_"):
        TrainingHistoryDisplay.from_estimator(pipeline)


def test_weight_displays_accept_a_regressor(digits):
    """Fitted attributes only: no classes_, so the output units are numbered."""
    X, y = digits
    targets = np.column_stack([y, y % 2])
    model = MLPRegressor(hidden_layer_sizes=(3,), max_iter=3, random_state=0)
    model.fit(X[:300], targets[:300])

    hidden = HiddenWeightsDisplay.from_estimator(make_pipeline(None, model))
    output = OutputWeightsDisplay.from_estimator(model)

    np.testing.assert_array_equal(
        hidden.images_[1].get_array(), model.coefs_[0][:, 1].reshape(8, 8)
    )
    y_labels = [label.get_text() for label in output.ax_.get_yticklabels()]
    assert y_labels == ["0", "1"]


# ------------------------------------------------------------ style pass-through


def test_imshow_kw_reaches_every_hidden_weight_image(clf):
    display = HiddenWeightsDisplay.from_estimator(
        clf,
        cmap="viridis",
        imshow_kw={"cmap": "PiYG", "interpolation": "bilinear", "vmin": -2, "vmax": 2},
    )

    for image in display.images_:
        assert image.get_cmap().name == "PiYG"
        assert image.get_interpolation() == "bilinear"
        assert image.get_clim() == (-2, 2)


def test_imshow_kw_reaches_the_output_weight_image(clf):
    display = OutputWeightsDisplay.from_estimator(
        clf, imshow_kw={"cmap": "PiYG", "alpha": 0.5}
    )

    assert display.image_.get_cmap().name == "PiYG"
    assert display.image_.get_alpha() == 0.5
    largest = np.abs(display.image_.get_array()).max()
    assert display.image_.get_clim() == pytest.approx((-largest, largest))


def test_line_kw_reaches_every_history_line(clf):
    display = TrainingHistoryDisplay.from_estimator(
        clf, line_kw={"lw": 4, "ls": "--", "marker": "s"}
    )

    assert len(display.lines_) == 4
    for line in display.lines_.values():
        assert line.get_linewidth() == 4
        assert line.get_linestyle() == "--"
        assert line.get_marker() == "s"
    assert display.lines_["valid_score"].get_label() == "valid"  # labels kept


def test_prediction_style_reaches_the_image_and_the_bars(clf, digits):
    X, _ = digits
    display = PredictionDisplay.from_estimator(
        clf,
        X[0],
        y_true=0,
        imshow_kw={"cmap": "magma"},
        bar_kw={"alpha": 0.4, "width": 0.5},
    )

    assert display.image_.get_cmap().name == "magma"
    assert all(bar.get_alpha() == 0.4 for bar in display.bars_)
    assert all(bar.get_width() == 0.5 for bar in display.bars_)
    assert display.bars_[0].get_edgecolor() == to_rgba("black", 0.4)  # the true class


def test_bar_kw_overrides_the_colours(clf, digits):
    X, _ = digits
    display = PredictionDisplay.from_estimator(clf, X[0], bar_kw={"color": "red"})
    assert set(_facecolors(display)) == {to_rgba("red")}


@pytest.mark.parametrize(
    "make_display, name",
    [
        (lambda m: HiddenWeightsDisplay.from_estimator(m, imshow_kw="PiYG"), "imshow"),
        (lambda m: OutputWeightsDisplay.from_estimator(m, imshow_kw=[1]), "imshow"),
        (lambda m: TrainingHistoryDisplay.from_estimator(m, line_kw=3), "line"),
        (lambda m: PredictionDisplay.from_estimator(m, np.zeros(64), bar_kw=1), "bar"),
    ],
)
def test_style_must_be_a_dict(clf, make_display, name):
    with pytest.raises(TypeError, match=f"{name}_kw must be a dict"):
        make_display(clf)


def test_hidden_weights_without_colorbar(clf):
    display = HiddenWeightsDisplay.from_estimator(clf, colorbar=False)

    assert display.colorbar_ is None
    assert len(display.figure_.axes) == N_HIDDEN


def test_output_weights_without_colorbar(clf):
    display = OutputWeightsDisplay.from_estimator(clf, colorbar=False)

    assert display.colorbar_ is None
    assert display.figure_.axes == [display.ax_]


def test_prediction_colorbar_is_off_unless_asked(clf, digits):
    X, _ = digits
    plain = PredictionDisplay.from_estimator(clf, X[0])
    with_bar = PredictionDisplay.from_estimator(clf, X[0], colorbar=True)

    assert plain.colorbar_ is None
    assert len(plain.figure_.axes) == 2
    assert with_bar.colorbar_.mappable is with_bar.image_
    assert len(with_bar.figure_.axes) == 3


# ----------------------------------------------------- images of non-square inputs


@pytest.fixture(scope="module")
def wide_clf(digits):
    """30 input features: not a perfect square."""
    X, y = digits
    model = ScratchMLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    return model.fit(X[:400, :30], y[:400])


def test_hidden_weights_of_non_square_inputs_are_strips(wide_clf):
    display = HiddenWeightsDisplay.from_estimator(wide_clf)

    assert display.weights.shape == (4, 1, 30)
    for neuron, image in enumerate(display.images_):
        np.testing.assert_array_equal(
            image.get_array(), wide_clf.coefs_[0][:, neuron].reshape(1, 30)
        )
        assert image.axes.get_aspect() == "auto"
    geometries = {ax.get_subplotspec().get_geometry()[:2] for ax in display.axes_}
    assert geometries == {(4, 1)}  # one strip per row


def test_explicit_image_shape_of_non_square_inputs(wide_clf):
    display = HiddenWeightsDisplay.from_estimator(wide_clf, image_shape=(5, 6))

    assert display.weights.shape == (4, 5, 6)
    assert display.images_[0].axes.get_aspect() == 1.0
    with pytest.raises(ValueError, match="holds 36 pixels"):
        HiddenWeightsDisplay.from_estimator(wide_clf, image_shape=(6, 6))


def test_prediction_of_non_square_inputs_is_a_strip(wide_clf, digits):
    X, _ = digits
    display = PredictionDisplay.from_estimator(wide_clf, X[0, :30])

    np.testing.assert_array_equal(display.image_.get_array(), X[:1, :30])
    assert display.axes_[0].get_aspect() == "auto"


# --------------------------------------------------------- ax and its former name


def test_history_axes_keyword_still_works_with_a_future_warning(clf):
    fig, axes = plt.subplots(1, 2)

    with pytest.warns(FutureWarning, match="'axes' parameter .* renamed 'ax'"):
        display = TrainingHistoryDisplay.from_estimator(clf, axes=axes)
    assert list(display.axes_) == list(axes)
    with pytest.warns(FutureWarning, match="renamed 'ax'"):
        display.plot(axes=axes)
    assert len(axes[0].get_lines()) == 4  # drawn twice


def test_prediction_axes_keyword_still_works_with_a_future_warning(clf, digits):
    X, _ = digits
    fig, axes = plt.subplots(1, 2)

    with pytest.warns(FutureWarning, match="'axes' parameter .* renamed 'ax'"):
        display = PredictionDisplay.from_estimator(clf, X[0], axes=axes)
    assert list(display.axes_) == list(axes)
    with pytest.warns(FutureWarning, match="renamed 'ax'"):
        display.plot(axes=axes)


def test_ax_and_axes_together_are_refused(clf, digits):
    _, axes = plt.subplots(1, 2)
    with pytest.warns(FutureWarning), pytest.raises(TypeError, match="both ax and"):
        TrainingHistoryDisplay.from_estimator(clf, ax=axes, axes=axes)
    with pytest.warns(FutureWarning), pytest.raises(TypeError, match="both ax and"):
        PredictionDisplay.from_estimator(clf, digits[0][0], ax=axes, axes=axes)


def test_ax_alone_gives_no_warning(clf, digits):
    _, axes = plt.subplots(1, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TrainingHistoryDisplay.from_estimator(clf, ax=axes)
        PredictionDisplay.from_estimator(clf, digits[0][0], ax=axes)


# ------------------------------------------------------------ history validation


def test_history_columns_of_different_lengths_are_refused():
    display = TrainingHistoryDisplay(
        epochs=[1, 2, 3, 4, 5],
        train_loss=[0.9, 0.8, 0.7, 0.6, 0.5],
        valid_loss=[0.9, 0.8, 0.7],
    )
    message = (
        r"valid_loss has 3 values but there are 5 epochs: give one value per "
        r"epoch \(lengths: epochs 5, train_loss 5, valid_loss 3\)"
    )
    with pytest.raises(ValueError, match=message):
        display.plot()


def test_history_train_loss_longer_than_epochs_is_refused():
    display = TrainingHistoryDisplay(epochs=[1, 2], train_loss=[0.9, 0.8, 0.7])
    with pytest.raises(ValueError, match="train_loss has 3 values but there are 2"):
        display.plot()


# ---------------------------------------------------------------- legend, titles


def test_history_legend_names_the_penalty_only_when_there_is_one(digits):
    X, y = digits
    labels = {}
    for alpha in (0.0, 1e-3):
        model = ScratchMLPClassifier(
            hidden_layer_sizes=(3,), alpha=alpha, max_iter=2, random_state=0
        ).fit(X[:300], y[:300])
        display = TrainingHistoryDisplay.from_estimator(model)
        labels[alpha] = display.lines_["train_loss"].get_label()
        legend = [text.get_text() for text in display.axes_[0].get_legend().get_texts()]
        assert legend == [labels[alpha]]
    assert labels == {0.0: "train", 1e-3: "train (with L2 penalty)"}


def test_history_built_directly_names_the_penalty_from_alpha():
    def label(**alpha):
        display = TrainingHistoryDisplay(epochs=[1], train_loss=[0.5], **alpha).plot()
        return display.lines_["train_loss"].get_label()

    assert label() == "train"
    assert label(alpha=0) == "train"
    assert label(alpha=0.5) == "train (with L2 penalty)"


@pytest.mark.parametrize(
    "n_neurons, grid",
    [(1, (1, 1)), (5, (1, 5)), (10, (2, 5)), (16, (2, 8)), (17, (3, 6))],
)
def test_hidden_weights_grid_is_balanced(n_neurons, grid):
    display = HiddenWeightsDisplay(
        np.arange(n_neurons * 4.0).reshape(n_neurons, 2, 2), np.zeros(n_neurons)
    ).plot()

    geometries = {ax.get_subplotspec().get_geometry()[:2] for ax in display.axes_}
    assert geometries == {grid}
    assert len(display.figure_.axes) == n_neurons + 1  # no empty panel left


def test_hidden_weights_title(clf):
    created = HiddenWeightsDisplay.from_estimator(clf)
    assert created.title_ is created.figure_._suptitle
    assert created.title_.get_text() == "Weights of the first hidden layer"

    fig, (left, _) = plt.subplots(1, 2)
    divided = HiddenWeightsDisplay.from_estimator(clf, ax=left)
    assert divided.title_ is left.title
    assert left.get_title() == "Weights of the first hidden layer"

    _, axes = plt.subplots(1, N_HIDDEN)
    assert HiddenWeightsDisplay.from_estimator(clf, ax=axes).title_ is None


def _prediction(probabilities, y_pred, y_true=None, ax=None):
    return PredictionDisplay(
        np.zeros((2, 2)), probabilities, np.array([0, 1, 2]), y_pred, y_true=y_true
    ).plot(ax=ax)


def test_prediction_caption_says_predicted_and_true():
    misclassified = _prediction([0.2, 0.5, 0.3], y_pred=1, y_true=2)
    correct = _prediction([0.2, 0.5, 0.3], y_pred=1, y_true=1)
    unknown = _prediction([0.2, 0.5, 0.3], y_pred=1)

    assert misclassified.caption_.get_text() == "Misclassified: predicted 1, true 2"
    assert misclassified.caption_ is misclassified.figure_._suptitle
    assert correct.caption_.get_text() == "Correctly classified: 1"
    assert unknown.caption_.get_text() == "Predicted: 1"


def test_prediction_in_given_axes_has_no_figure_caption():
    fig, axes = plt.subplots(1, 2)
    display = _prediction([0.2, 0.5, 0.3], y_pred=1, y_true=2, ax=axes)
    assert display.caption_ is None
    assert fig._suptitle is None
    assert axes[0].get_title() == "predicted: 1, true: 2"
