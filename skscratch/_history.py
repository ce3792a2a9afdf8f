"""Per-epoch training records."""


class History(list):
    """One dict per epoch (or per L-BFGS iteration), in training order.

    A plain list of dicts that can also be indexed by ``[rows, key]`` to read a
    column, in the manner of skorch's history: ``rows`` is an index or a
    slice, ``key`` a key or a tuple of keys (one tuple of values per record).
    A record without the key gives ``None``; a key that no selected record
    has raises ``KeyError``.

    Keys of each record:

    - ``epoch``: 1-based epoch (or L-BFGS iteration) number, counted over every
      call to ``fit``/``partial_fit`` that kept the model;
    - ``train_loss``: training objective (mean loss plus L2 penalty), the value
      appended to ``loss_curve_``;
    - ``train_score``: accuracy (:math:`R^2` for the regressor) on the
      training data, weighted by the sample weights: for the stochastic
      solvers measured on each mini-batch just before its update, for
      L-BFGS on the whole training set (``None`` when the iteration's point
      was not the last one evaluated);
    - ``valid_loss``, ``valid_score``: mean loss (no penalty) and accuracy
      (:math:`R^2`) on the validation data, present only when there is
      validation data;
    - ``learning_rate``: the step size used during the epoch (for Adam, the
      bias-corrected step size of its last step; ``None`` for L-BFGS);
    - ``duration``: seconds spent on the epoch.

    Examples
    --------
    >>> from skscratch._history import History
    >>> h = History([{"epoch": 1, "train_loss": 0.9}, {"epoch": 2, "train_loss": 0.5}])
    >>> h[:, "train_loss"]
    [0.9, 0.5]
    >>> h[-1, "epoch"]
    2
    >>> h[-1]["train_loss"]
    0.5
    >>> h[:, ("epoch", "train_loss")]
    [(1, 0.9), (2, 0.5)]
    """

    def __getitem__(self, index):
        if not isinstance(index, tuple):
            selected = list.__getitem__(self, index)
            return History(selected) if isinstance(index, slice) else selected
        rows, key = index
        selected = list.__getitem__(self, rows)
        records = selected if isinstance(rows, slice) else [selected]
        keys = key if isinstance(key, tuple) else (key,)
        missing = [k for k in keys if records and all(k not in r for r in records)]
        if missing:
            raise KeyError(
                f"No record has the key {missing[0]!r}; the keys are "
                f"{sorted(set().union(*records))}."
            )
        if isinstance(key, tuple):
            values = [tuple(record.get(k) for k in key) for record in records]
        else:
            values = [record.get(key) for record in records]
        return values if isinstance(rows, slice) else values[0]

    def copy(self):
        """A shallow copy, still a History."""
        return History(self)
