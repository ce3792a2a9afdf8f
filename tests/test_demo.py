"""``python -m skscratch``: what the demo trains, prints and writes, and its errors."""

import re
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from skscratch import ScratchMLPClassifier, notebook_network, notebook_split
from skscratch import __main__ as demo
from skscratch.__main__ import main, parse_args

from .assertions import assert_same_weights

PICTURES = [
    "digits.png",
    "hidden_weights.png",
    "output_weights.png",
    "prediction.png",
    "training_history.png",
]
# A comparison small enough for the tests (the demo's fits 200 epochs of each).
SMALL_COMPARISON = {"hidden_layer_sizes": (5,), "max_iter": 3}


@pytest.fixture
def small_comparison(monkeypatch):
    monkeypatch.setattr(demo, "COMPARISON_PARAMS", SMALL_COMPARISON)


@pytest.fixture
def no_training(monkeypatch):
    """Make any fit fail the test: for errors that must come before training."""

    def fit(self, *args, **kwargs):
        raise AssertionError("training started")

    for cls in (ScratchMLPClassifier, MLPClassifier):
        monkeypatch.setattr(cls, "fit", fit)


def test_demo_prints_each_epoch_and_writes_the_pictures(tmp_path, capsys):
    main(["--epochs", "2", "--seed", "1", "--out", str(tmp_path), "--no-compare"])

    printed = capsys.readouterr().out
    assert "Epoch  1: accuracy (train, during the epoch): " in printed
    assert "Epoch  2: accuracy (train, during the epoch): " in printed
    assert "Epoch  3" not in printed
    assert "MLPClassifier " not in printed
    assert sorted(path.name for path in tmp_path.iterdir()) == PICTURES
    assert all((tmp_path / name).stat().st_size > 1000 for name in PICTURES)


def test_default_demo_trains_the_documented_network(capsys):
    """Same configuration and data as notebook_network's docstring: test 0.850."""
    fitted = main(["--no-plots", "--no-compare"])

    assert fitted["notebook"].get_params() == notebook_network().get_params()
    assert ", test 0.850, in " in capsys.readouterr().out


def test_demo_network_is_one_fit_bit_for_bit(capsys):
    fitted = main(["--epochs", "3", "--seed", "4", "--no-plots", "--no-compare"])

    X_train, X_test, y_train, y_test = notebook_split()
    reference = notebook_network(max_iter=3, random_state=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(X_train, y_train, X_val=X_test, y_val=y_test)
    network = fitted["notebook"]
    assert_same_weights(network, reference)
    assert network.get_params() == reference.get_params()
    assert network.loss_curve_ == reference.loss_curve_
    columns = ("epoch", "train_loss", "train_score", "valid_loss", "valid_score")
    assert network.history_[:, columns] == reference.history_[:, columns]
    printed = capsys.readouterr().out
    for record in reference.history_:
        assert (
            f"Epoch {record['epoch']:2d}: accuracy (train, during the epoch): "
            f"{record['train_score']:.3f}, accuracy (test): "
            f"{record['valid_score']:.3f}"
        ) in printed


def test_epochs_are_printed_while_training_runs(monkeypatch):
    """Each epoch's line is written before the fit has returned."""
    pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
    events = []

    class Recorder:
        def write(self, text):
            events.extend(("printed", line) for line in text.splitlines() if line)

        def flush(self):
            pass

    fit = ScratchMLPClassifier.fit

    def recorded_fit(self, *args, **kwargs):
        result = fit(self, *args, **kwargs)
        events.append(("fit returned", time.perf_counter()))
        return result

    monkeypatch.setattr(ScratchMLPClassifier, "fit", recorded_fit)
    monkeypatch.setattr(sys, "stdout", Recorder())
    main(["--epochs", "8", "--no-plots", "--no-compare"])

    kinds = [kind for kind, _ in events]
    fit_end = kinds.index("fit returned")
    epoch_lines = [
        index
        for index, (kind, text) in enumerate(events)
        if kind == "printed" and text.startswith("Epoch ")
    ]
    assert len(epoch_lines) == 8
    assert epoch_lines[0] < fit_end  # the first epoch was printed during the fit
    assert events[-1][1].startswith("Final accuracy")


def test_quiet_prints_only_the_results(tmp_path, capsys, small_comparison):
    main(["--epochs", "2", "--quiet", "--out", str(tmp_path)])

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Final accuracy of the notebook's network after 2 ")
    assert lines[1].split() == ["test", "accuracy", "fit", "time", "(s)", "epochs"]
    assert lines[2].startswith("ScratchMLPClassifier ")
    assert lines[3].startswith("MLPClassifier ")
    assert lines[4].startswith("Largest difference between their weights: ")
    assert lines[5] == f"Pictures written to {tmp_path.resolve()}"
    assert len(lines) == 6
    assert sorted(path.name for path in tmp_path.iterdir()) == PICTURES


def test_no_compare_fits_no_other_network(capsys):
    fitted = main(["--epochs", "1", "--no-plots", "--no-compare", "--quiet"])

    assert list(fitted) == ["notebook"]
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Final accuracy")


def test_seed_reaches_both_compared_networks(capsys, small_comparison):
    X_train, X_test, y_train, y_test = notebook_split()

    fitted = main(["--epochs", "1", "--seed", "7", "--no-plots"])

    assert fitted["notebook"].get_params()["random_state"] == 7
    for name in ("ScratchMLPClassifier", "MLPClassifier"):
        assert fitted[name].get_params()["random_state"] == 7
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        seed_7 = MLPClassifier(**SMALL_COMPARISON, random_state=7)
        seed_7.fit(X_train * 8, y_train)
        seed_0 = MLPClassifier(**SMALL_COMPARISON, random_state=0)
        seed_0.fit(X_train * 8, y_train)
    assert_same_weights(fitted["MLPClassifier"], seed_7)
    assert not np.array_equal(fitted["MLPClassifier"].coefs_[0], seed_0.coefs_[0])
    assert_same_weights(fitted["ScratchMLPClassifier"], seed_7)
    printed = capsys.readouterr().out
    difference = re.search(r"Largest difference between their weights: (\S+)", printed)
    assert float(difference.group(1)) == 0.0


def test_no_plots_writes_nothing_and_ignores_out(tmp_path, capsys):
    main(["--epochs", "1", "--no-plots", "--no-compare", "--out", str(tmp_path / "o")])
    assert "Epoch  1" in capsys.readouterr().out
    assert not (tmp_path / "o").exists()
    parse_args(["--no-plots", "--out", "/dev/null/x"])  # not used, so not checked


def test_out_folder_is_created_by_parse_args(tmp_path):
    out = tmp_path / "new" / "folder"
    args = parse_args(["--out", str(out)])
    assert args.out == out
    assert out.is_dir()
    assert list(out.iterdir()) == []


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder where no file can be written (``/sys`` where permissions do not
    bind, as for root)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        (folder / "probe").touch()
    except PermissionError:
        yield folder
    else:
        yield "/sys"
    folder.chmod(0o700)


def _bad_arguments(tmp_path, read_only_folder):
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("not a folder")
    return [
        (["--seed", "-1"], "argument --seed: must be an integer in [0, 2**32 - 1]"),
        (["--seed", str(2**32)], "argument --seed: must be an integer in [0, 2**32"),
        (["--seed", "one"], "argument --seed: must be an integer in [0, 2**32 - 1]"),
        (["--epochs", "0"], "argument --epochs: must be a positive integer"),
        (["--epochs", "-3"], "argument --epochs: must be a positive integer"),
        (["--epochs", "two"], "argument --epochs: must be a positive integer"),
        (["--out", str(a_file)], f"argument --out: {a_file} exists and is not a"),
        (["--out", "/dev/null/x"], "argument --out: cannot write in /dev/null/x"),
        (["--out", str(read_only_folder)], "argument --out: cannot write in"),
        (["--out", f"{read_only_folder}/sub"], "argument --out: cannot write in"),
    ]


def test_bad_arguments_exit_with_usage_before_training(
    tmp_path, read_only_folder, no_training, capsys
):
    for argv, message in _bad_arguments(tmp_path, read_only_folder):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith("usage: python -m skscratch")
        assert message in captured.err, argv


def test_seed_bounds_are_accepted():
    assert parse_args(["--seed", "0", "--no-plots"]).seed == 0
    assert parse_args(["--seed", str(2**32 - 1), "--no-plots"]).seed == 2**32 - 1


def test_bad_argument_from_the_command_line_has_no_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "skscratch", "--seed", "-1"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "error: argument --seed: must be an integer in [0, 2**32 - 1], got '-1'" in (
        result.stderr
    )


@pytest.mark.parametrize("flag", [None, "--no-progress", "--quiet"])
def test_progress_bar_while_the_comparison_trains(flag, capsys, small_comparison):
    pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
    pytest.importorskip("rich")
    main(["--epochs", "1", "--no-plots", *([flag] if flag else [])])
    shown = "ScratchMLPClassifier - fit" in capsys.readouterr().out
    assert shown == (flag is None)
