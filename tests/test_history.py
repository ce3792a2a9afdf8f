"""History: a list of per-epoch dicts, read by column as ``history[rows, key]``."""

import pickle

import pytest

from skscratch._history import History

RECORDS = [
    {"epoch": 1, "train_loss": 0.9, "valid_score": 0.5},
    {"epoch": 2, "train_loss": 0.5},
    {"epoch": 3, "train_loss": 0.4, "valid_score": 0.7},
]


def test_columns_rows_and_tuples_of_keys():
    history = History(RECORDS)
    assert history[:, "train_loss"] == [0.9, 0.5, 0.4]
    assert history[1:, "epoch"] == [2, 3]
    assert history[-1, "train_loss"] == 0.4
    assert history[:, ("epoch", "train_loss")] == [(1, 0.9), (2, 0.5), (3, 0.4)]
    assert history[0, ("epoch", "valid_score")] == (1, 0.5)
    assert history[-1] == RECORDS[-1]


def test_a_record_without_the_key_gives_none():
    assert History(RECORDS)[:, "valid_score"] == [0.5, None, 0.7]
    assert History(RECORDS)[1:, ("epoch", "valid_score")] == [(2, None), (3, 0.7)]


@pytest.mark.parametrize(
    "index",
    [
        (slice(None), "val_loss"),
        (-1, "nokey"),
        (1, "valid_score"),  # the one record selected lacks it
        (slice(None), ("epoch", "x")),
    ],
)
def test_a_key_no_record_has_raises(index):
    with pytest.raises(KeyError, match="No record has the key"):
        History(RECORDS)[index]


def test_empty_selection_reads_an_empty_column():
    assert History(RECORDS)[5:, "anything"] == []


def test_slices_copies_and_pickles_stay_histories():
    history = History(RECORDS)
    for other in (history[1:], history.copy(), pickle.loads(pickle.dumps(history))):
        assert type(other) is History
        assert other[:, "epoch"] == history[:, "epoch"][-len(other) :]
    copied = history.copy()
    copied.append({"epoch": 4})
    assert len(history) == 3
