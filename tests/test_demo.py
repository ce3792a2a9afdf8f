"""``python -m skscratch``: the demo runs, prints the notebook's epochs, writes PNGs."""

import re

import pytest

from skscratch.__main__ import main, parse_args

PICTURES = [
    "digits.png",
    "hidden_weights.png",
    "output_weights.png",
    "prediction.png",
    "training_history.png",
]


def test_demo_prints_each_epoch_and_writes_the_pictures(tmp_path, capsys):
    main(["--epochs", "2", "--seed", "1", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert "Epoch  1: accuracy (train, during the epoch): " in printed
    assert "Epoch  2: accuracy (train, during the epoch): " in printed
    assert "Epoch  3" not in printed
    difference = re.search(r"Largest difference between their weights: (\S+)", printed)
    assert float(difference.group(1)) < 1e-10  # the twins agree
    assert sorted(path.name for path in tmp_path.iterdir()) == PICTURES
    assert all((tmp_path / name).stat().st_size > 1000 for name in PICTURES)


def test_no_plots_writes_nothing(tmp_path, capsys):
    main(["--epochs", "1", "--no-plots", "--out", str(tmp_path / "out")])
    assert "Epoch  1" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("epochs", ["0", "-3", "two"])
def test_epochs_must_be_a_positive_integer(epochs, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--epochs", epochs])
    assert exit_info.value.code == 2
    assert "--epochs: must be a positive integer" in capsys.readouterr().err
