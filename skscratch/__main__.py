"""``python -m skscratch``: the teaching notebook, retold by the package.

Trains the notebook's network (:func:`skscratch.notebook_network`: 10 logistic
hidden units, squared error, U[0, 1) weights, per-sample SGD with learning rate
1, samples in a new random order at every epoch) on the notebook's data
(:func:`skscratch.notebook_split`: digits scaled by 1/128, first 70% for
training and last 30% for testing), printing the accuracy after each epoch as
the epochs run, as the notebook did; then fits a strong default configuration
beside scikit-learn's ``MLPClassifier``; and writes the notebook's pictures as
PNG files. Every argument is checked, and the output folder created, before
any training starts. The BLAS library runs on one thread, which suits these
small networks best.
"""

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from . import (
    HiddenWeightsDisplay,
    OutputWeightsDisplay,
    PredictionDisplay,
    ScratchMLPClassifier,
    TrainingHistoryDisplay,
    notebook_network,
    notebook_split,
)
from ._callbacks import CALLBACKS_AVAILABLE
from ._notebook import NOTEBOOK_PARAMS

# The configuration fitted by both ScratchMLPClassifier and MLPClassifier (with
# the demo's --seed as random_state), on the pixels scaled to [0, 1].
COMPARISON_PARAMS = {"hidden_layer_sizes": (100,), "max_iter": 200}
# The test image the notebook ends with, shown in prediction.png.
PREDICTED_TEST_IMAGE = 42
LARGEST_SEED = 2**32 - 1


def _positive_int(text):
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _seed(text):
    """argparse type: a random_state seed, an integer in [0, 2**32 - 1]."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= LARGEST_SEED:
        raise argparse.ArgumentTypeError(
            f"must be an integer in [0, 2**32 - 1], got {text!r}"
        )
    return value


def _make_parser():
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
        help="folder for the PNG files, created if needed (default: ./skscratch-demo)",
    )
    parser.add_argument(
        "--epochs",
        type=_positive_int,
        default=NOTEBOOK_PARAMS["max_iter"],
        help="epochs of the notebook's network (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=NOTEBOOK_PARAMS["random_state"],
        help="random_state of every network, in [0, 2**32 - 1] (default: %(default)s)",
    )
    parser.add_argument(
        "--no-compare",
        action="store_true",
        help=(
            "skip the comparison with MLPClassifier "
            f"({COMPARISON_PARAMS['max_iter']} epochs of each)"
        ),
    )
    parser.add_argument(
        "--no-plots", action="store_true", help="only train and print, write no files"
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help=(
            "no progress bar while the compared ScratchMLPClassifier trains (the "
            "bar needs scikit-learn 1.9 or newer and rich)"
        ),
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="print only the final results, not each epoch",
    )
    return parser


def parse_args(argv=None):
    """Parse and check the command line; exit with status 2 on a bad argument.

    Unless ``--no-plots`` is given, this creates the ``--out`` folder and checks
    that files can be written there, so that a bad folder is reported before
    any training rather than after it.
    """
    parser = _make_parser()
    args = parser.parse_args(argv)
    if not args.no_plots:
        problem = _prepare_output_folder(args.out)
        if problem is not None:
            parser.error(f"argument --out: {problem}")
    return args


def _prepare_output_folder(out):
    """Create ``out`` and write a file there; return what went wrong, or None."""
    if out.exists() and not out.is_dir():
        return f"{out} exists and is not a folder"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        return f"cannot write in {out}: {error.strerror or error}"
    return None


class EpochReporter:
    """A callback that hands each epoch's ``history_`` record to ``report``.

    It follows scikit-learn's callback protocol (``sklearn.callback``,
    scikit-learn 1.9 and newer), so the demo prints each epoch as it ends.
    """

    def __init__(self, report):
        self.report = report

    def setup(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.task_name == "epoch":
            self.report(fitted_estimator.history_[-1])
        return False

    def teardown(self, estimator, context):
        pass


def fit_reporting_epochs(clf, X_train, y_train, X_val, y_val, report_epoch):
    """Fit ``clf`` once, passing each epoch's record to ``report_epoch``.

    With scikit-learn 1.9 or newer each record is passed as its epoch ends,
    through an :class:`EpochReporter` callback; with an older scikit-learn,
    all of them once the fit is done. Either way the network is the one a
    plain ``clf.fit`` trains, bit for bit.
    """
    if not CALLBACKS_AVAILABLE:
        _fit_quietly(clf, X_train, y_train, X_val, y_val)
        for record in clf.history_:
            report_epoch(record)
        return clf
    clf.set_callbacks(EpochReporter(report_epoch))
    try:
        return _fit_quietly(clf, X_train, y_train, X_val, y_val)
    finally:
        clf.set_callbacks()


def _fit_quietly(clf, X_train, y_train, X_val, y_val):
    """Fit without the warning that the fixed number of epochs did not converge."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)


def train_notebook_network(X_train, y_train, X_test, y_test, epochs, seed, say):
    """Train the notebook's network, ``say``-ing each epoch's accuracy as it runs."""
    clf = notebook_network(max_iter=epochs, random_state=seed)
    say(f"The notebook's network: {clf!r}")
    start = time.perf_counter()
    fit_reporting_epochs(
        clf,
        X_train,
        y_train,
        X_test,
        y_test,
        lambda record: say(
            f"Epoch {record['epoch']:2d}: accuracy (train, during the epoch): "
            f"{record['train_score']:.3f}, accuracy (test): {record['valid_score']:.3f}"
        ),
    )
    elapsed = time.perf_counter() - start
    print(
        f"Final accuracy of the notebook's network after {clf.n_iter_} epochs: "
        f"train {clf.score(X_train, y_train):.3f}, test {clf.score(X_test, y_test):.3f}"
        f", in {elapsed:.2f} s ({elapsed / (clf.n_iter_ * len(y_train)) * 1e6:.1f} µs "
        "per training sample, scoring the test set after each epoch included)",
        flush=True,
    )
    say()
    return clf


def progress_bar():
    """scikit-learn's ``ProgressBar`` callback, or None where it is unavailable
    (scikit-learn older than 1.9, or rich not installed)."""
    try:
        from sklearn.callback import ProgressBar

        return ProgressBar()
    except ImportError:
        return None


def compare_with_mlpclassifier(
    X_train, y_train, X_test, y_test, seed, say, progress=None
):
    """Fit ``COMPARISON_PARAMS`` with both estimators; return them by name.

    ``progress``, a callback, is set on the ScratchMLPClassifier (MLPClassifier
    takes no callbacks).
    """
    params = {**COMPARISON_PARAMS, "random_state": seed}
    say(f"A default configuration, {_describe(params)}, on the same split:")
    print(f"{'':24s}{'test accuracy':>15s}{'fit time (s)':>15s}{'epochs':>8s}")
    fitted = {}
    for cls in (ScratchMLPClassifier, MLPClassifier):
        clf = cls(**params)
        if progress is not None and cls is ScratchMLPClassifier:
            clf.set_callbacks(progress)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_train * 8, y_train)
        elapsed = time.perf_counter() - start
        print(
            f"{cls.__name__:24s}{clf.score(X_test * 8, y_test):15.3f}"
            f"{elapsed:15.2f}{clf.n_iter_:8d}",
            flush=True,
        )
        fitted[cls.__name__] = clf
    difference = max(
        np.abs(a - b).max()
        for a, b in zip(
            fitted["ScratchMLPClassifier"].coefs_,
            fitted["MLPClassifier"].coefs_,
            strict=True,
        )
    )
    print(f"Largest difference between their weights: {difference:.2e}", flush=True)
    say()
    return fitted


def write_pictures(out, clf, X_train, y_train, X_test, y_test, say):
    """Draw the notebook's pictures of ``clf`` and save them as PNG files in ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(5, 10, figsize=(10, 5.5), layout="constrained")
    for ax, image, label in zip(axes.ravel(), X_train[:50], y_train[:50], strict=True):
        ax.imshow(image.reshape(8, 8), cmap="gray_r")
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
        clf,
        X_test[PREDICTED_TEST_IMAGE],
        y_true=y_test[PREDICTED_TEST_IMAGE],
    ).figure_
    for name, figure in pictures.items():
        figure.savefig(out / name, dpi=100)
        plt.close(figure)
    print(f"Pictures written to {out.resolve()}", flush=True)
    for name in pictures:
        say(f"  {name}")


def _describe(params):
    return ", ".join(f"{key}={value!r}" for key, value in params.items())


def _print_now(*lines):
    print(*lines, flush=True)


def _say_nothing(*lines):
    pass


def main(argv=None):
    """Run the demo with the command line ``argv``; return the fitted networks.

    Returns
    -------
    fitted : dict of str to estimator
        The notebook's network under ``"notebook"`` and, unless
        ``--no-compare`` is given, the compared networks under
        ``"ScratchMLPClassifier"`` and ``"MLPClassifier"``.
    """
    args = parse_args(argv)
    # Small networks train fastest with one BLAS thread (see Performance).
    with threadpool_limits(limits=1, user_api="blas"):
        return _run(args)


def _run(args):
    """The demo's steps, for the checked arguments ``args``."""
    say = _say_nothing if args.quiet else _print_now
    X_train, X_test, y_train, y_test = notebook_split()
    say(f"Digits: {len(y_train)} training and {len(y_test)} test images.\n")
    notebook_net = train_notebook_network(
        X_train, y_train, X_test, y_test, args.epochs, args.seed, say
    )
    fitted = {"notebook": notebook_net}
    if not args.no_compare:
        fitted.update(
            compare_with_mlpclassifier(
                X_train,
                y_train,
                X_test,
                y_test,
                args.seed,
                say,
                None if args.quiet or args.no_progress else progress_bar(),
            )
        )
    if not args.no_plots:
        write_pictures(args.out, notebook_net, X_train, y_train, X_test, y_test, say)
    return fitted


if __name__ == "__main__":
    main()
