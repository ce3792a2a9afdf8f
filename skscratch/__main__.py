"""``python -m skscratch``: the teaching notebook, retold by the package.

Trains the notebook's network (10 logistic hidden units, squared error, U[0, 1)
weights, per-sample SGD with learning rate 1) on sklearn's digits scaled by 1/128,
first 70% for training and last 30% for testing, printing the accuracy after each
epoch as the notebook did; then a strong default configuration beside
scikit-learn's ``MLPClassifier``; and writes the notebook's pictures as PNG files.
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from . import (
    HiddenWeightsDisplay,
    OutputWeightsDisplay,
    PredictionDisplay,
    ScratchMLPClassifier,
    TrainingHistoryDisplay,
)

NOTEBOOK_CONFIG = dict(
    hidden_layer_sizes=(10,),
    activation="logistic",
    loss="squared_error",
    init="uniform",
    solver="sgd",
    learning_rate_init=1.0,
    momentum=0.0,
    alpha=0.0,
    batch_size=1,
)


def _positive_int(text):
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skscratch",
        description=(
            "Reproduce the teaching notebook with ScratchMLPClassifier: train its "
            "network on the digits, print train/test accuracy per epoch, compare a "
            "default configuration with scikit-learn's MLPClassifier, and save the "
            "notebook's pictures as PNG files."
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("skscratch-demo"),
        help="folder for the PNG files (default: ./skscratch-demo)",
    )
    parser.add_argument(
        "--epochs",
        type=_positive_int,
        default=10,
        help="epochs of the notebook's network (default: 10)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random_state")
    parser.add_argument(
        "--no-plots", action="store_true", help="only train and print, write no files"
    )
    return parser.parse_args(argv)


def notebook_split():
    """The notebook's data: images / 16 / 8, first 70% train, last 30% test."""
    digits = load_digits()
    X = digits.data / 16 / 8
    n_train = int(len(X) * 0.7)
    return (
        digits,
        X[:n_train],
        digits.target[:n_train],
        X[n_train:],
        digits.target[n_train:],
    )


def train_notebook_network(X_train, y_train, X_test, y_test, epochs, seed):
    clf = ScratchMLPClassifier(**NOTEBOOK_CONFIG, max_iter=epochs, random_state=seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train, X_val=X_test, y_val=y_test)
    elapsed = time.perf_counter() - start
    print("The notebook's network:", _describe(NOTEBOOK_CONFIG))
    for record in clf.history_:
        print(
            f"Epoch {record['epoch']:2d}: accuracy (train, during the epoch): "
            f"{record['train_score']:.3f}, accuracy (test): {record['valid_score']:.3f}"
        )
    print(
        f"Final accuracy: train {clf.score(X_train, y_train):.3f}, "
        f"test {clf.score(X_test, y_test):.3f}, in {elapsed:.2f} s "
        f"({elapsed / (clf.n_iter_ * len(y_train)) * 1e6:.1f} µs per training "
        "sample, scoring the test set after each epoch included)\n"
    )
    return clf


def compare_with_mlpclassifier(X_train, y_train, X_test, y_test, seed):
    params = dict(hidden_layer_sizes=(100,), max_iter=200, random_state=seed)
    print("A default configuration,", _describe(params), "on the same split:")
    print(f"{'':24s}{'test accuracy':>15s}{'fit time (s)':>15s}{'epochs':>8s}")
    fitted = {}
    for name, cls in (
        ("ScratchMLPClassifier", ScratchMLPClassifier),
        ("MLPClassifier", MLPClassifier),
    ):
        clf = cls(**params)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_train * 8, y_train)
        elapsed = time.perf_counter() - start
        print(
            f"{name:24s}{clf.score(X_test * 8, y_test):15.3f}{elapsed:15.2f}"
            f"{clf.n_iter_:8d}"
        )
        fitted[name] = clf
    difference = max(
        np.abs(a - b).max()
        for a, b in zip(
            fitted["ScratchMLPClassifier"].coefs_,
            fitted["MLPClassifier"].coefs_,
            strict=True,
        )
    )
    print(f"Largest difference between their weights: {difference:.2e}\n")


def write_pictures(out, digits, clf, X_test, y_test):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(5, 10, figsize=(10, 5.5), layout="constrained")
    for ax, image, label in zip(
        axes.ravel(), digits.images[:50], digits.target[:50], strict=True
    ):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(str(label), fontsize=8)
        ax.set_axis_off()
    fig.suptitle("The first 50 digits")
    pictures = {"digits.png": fig}
    pictures["hidden_weights.png"] = HiddenWeightsDisplay.from_estimator(clf).figure_
    pictures["output_weights.png"] = OutputWeightsDisplay.from_estimator(clf).figure_
    pictures["training_history.png"] = TrainingHistoryDisplay.from_estimator(
        clf
    ).figure_
    pictures["prediction.png"] = PredictionDisplay.from_estimator(
        clf, X_test[42], y_true=y_test[42]
    ).figure_
    for name, figure in pictures.items():
        figure.savefig(out / name, dpi=100)
        plt.close(figure)
    print(f"Pictures written to {out.resolve()}:")
    for name in pictures:
        print(f"  {name}")


def _describe(params):
    return ", ".join(f"{key}={value!r}" for key, value in params.items())


def main(argv=None):
    args = parse_args(argv)
    digits, X_train, y_train, X_test, y_test = notebook_split()
    print(f"Digits: {len(y_train)} training and {len(y_test)} test images.\n")
    clf = train_notebook_network(
        X_train, y_train, X_test, y_test, args.epochs, args.seed
    )
    compare_with_mlpclassifier(X_train, y_train, X_test, y_test, args.seed)
    if not args.no_plots:
        write_pictures(args.out, digits, clf, X_test, y_test)


if __name__ == "__main__":
    main()
