"""Per-epoch training records."""


class History(list):
    """One dict per epoch (or per L-BFGS iteration), in training order.

    A plain list of dicts that can also be indexed by ``[rows, key]`` to read a
    column, in the manner of skorch's history.

    Keys of each record:

    - ``epoch``: 1-based epoch (or L-BFGS iteration) number, counted over every
      call to ``fit``/``partial_fit`` that kept the model;
    - ``train_loss``: training objective (mean loss plus L2 penalty), the value
      appended to ``loss_curve_``;
    - ``train_score``: accuracy on the training data, weighted by the sample
      weights: for the stochastic solvers measured on each mini-batch just
      before its update, for L-BFGS on the whole training set (``None`` when
      the iteration's point was not the last one evaluated);
    - ``valid_loss``, ``valid_score``: mean loss (no penalty) and accuracy on
      the validation data, present only when there is validation data;
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
    """

    def __getitem__(self, index):
        if isinstance(index, tuple):
            rows, key = index
            selected = list.__getitem__(self, rows)
            if isinstance(rows, slice):
                return [record.get(key) for record in selected]
            return selected.get(key)
        selected = list.__getitem__(self, index)
        return History(selected) if isinstance(index, slice) else selected
