"""Sample and class weights: arithmetic that neither overflows nor warns.

The training objective is the weighted mean loss plus ``alpha / 2 * ||W||^2``
divided by the sum of the sample weights, so the weights' common scale sets the
strength of the L2 penalty: weights are never rescaled behind the user's back.
These functions compute the class weights exactly whatever the scale of the
sample weights, combine them with the sample weights in the training dtype,
and refuse weights that cannot be trained on with a ``ValueError`` that names
the weights and asks to rescale them, rather than letting numpy overflow (a
``RuntimeWarning``, an infinite or NaN weight) or letting training diverge
with an error that blames the data.

Only numpy is used; the estimator validates the arrays (shape, sign,
finiteness) with scikit-learn first.
"""

import math

import numpy as np

_SUM_OUT_OF_RANGE = (
    "The sample weights (times the class weights) sum to {total}, too close to "
    "zero or infinity to train on{data}: rescale them."
)


def balanced_class_weights(class_indices, n_classes, sample_weight=None):
    """Weights that give every class present the same total weight.

    Class ``c`` weighs ``sum(w) / (n_present * sum(w[y == c]))``, with ``w``
    the sample weights (ones by default) and ``n_present`` the number of
    classes whose samples weigh more than zero. Weighting a sample by ``k`` is
    the same as repeating it ``k`` times. Classes absent from ``class_indices``
    (or whose samples all weigh zero) weigh 0.

    The sample weights are first multiplied by a power of two that puts their
    sum near the top of the float64 range. That is exact, and the balanced
    weights do not depend on a common scale, so the result is bit for bit the
    formula above as numpy computes it on ordinary weights, and as it would
    with an unbounded exponent where the sums overflow (every weight
    ``1e307``) or fall below the smallest normal float.

    Parameters
    ----------
    class_indices : array-like of int of shape (n_samples,)
        Index of each sample's class, in ``range(n_classes)``.
    n_classes : int
        Number of classes (``len(classes_)``); classes beyond those in
        ``class_indices`` weigh 0.
    sample_weight : array-like of shape (n_samples,), default=None
        Finite, non-negative sample weights; ``None`` means all ones.

    Returns
    -------
    weights : ndarray of shape (n_classes,)
        The weight of each class.

    Raises
    ------
    ValueError
        If a class present is so light against all the classes together that
        its weight exceeds the largest float64.

    Examples
    --------
    Three samples of class 0, one of class 1 and none of class 2:

    >>> balanced_class_weights([0, 0, 0, 1], n_classes=3)
    array([0.66666667, 2.        , 0.        ])

    A sample of weight 2 counts as two samples, at any scale:

    >>> balanced_class_weights([0, 0, 1], 2, sample_weight=[2e307, 1e307, 1e307])
    array([0.66666667, 2.        ])
    """
    class_indices = np.asarray(class_indices, dtype=np.intp)
    if sample_weight is None:
        totals = np.bincount(class_indices, minlength=n_classes)
        present = totals > 0
    else:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        totals = np.bincount(
            class_indices,
            weights=_scaled_to_top(sample_weight, n_classes),
            minlength=n_classes,
        )
        present = np.bincount(class_indices[sample_weight > 0], minlength=n_classes) > 0
    weights = np.zeros(n_classes)
    # A class whose weight is beyond the float range divides by zero or
    # overflows here; it is refused just below.
    with np.errstate(over="ignore", divide="ignore"):
        weights[present] = totals.sum() / (present.sum() * totals[present])
    if not np.isfinite(weights).all():
        heavy = np.flatnonzero(~np.isfinite(weights)).tolist()
        raise ValueError(
            f"class_weight='balanced' cannot weigh class indices {heavy}: their "
            "samples weigh so little against all samples together that their "
            "class weight exceeds the largest float. Give them larger sample "
            "weights."
        )
    return weights


def _scaled_to_top(sample_weight, n_classes):
    """The weights times the power of two that puts their sum just below the top.

    The largest weight becomes less than ``2**1023 / (n_samples * n_classes)``,
    so that neither the sum nor ``n_classes`` times any class total can
    overflow, and the class totals of a representable balanced weight stay
    normal floats. Multiplying by a power of two is exact, short of a weight
    about ``2**2000`` times smaller than the largest (a subnormal weight beside
    a huge one), which becomes subnormal or zero.
    """
    largest = sample_weight.max(initial=0.0)
    if largest == 0:
        return sample_weight
    _, exponent = np.frexp(largest)
    headroom = math.ceil(math.log2(sample_weight.shape[0] * max(n_classes, 1)))
    shift = np.finfo(np.float64).maxexp - 1 - int(exponent) - headroom
    return np.ldexp(sample_weight, shift)


def explicit_class_weights(class_weight, classes):
    """Checked weights of ``classes`` from a ``{label: weight}`` dict.

    Parameters
    ----------
    class_weight : dict
        Weight of some classes; the others weigh 1.
    classes : ndarray of shape (n_classes,)
        The labels, sorted.

    Returns
    -------
    weights : ndarray of shape (n_classes,)
        The weight of each class, in the order of ``classes``.

    Raises
    ------
    ValueError
        If a weight is negative or not finite, or a label is not in ``classes``.

    Examples
    --------
    >>> import numpy as np
    >>> explicit_class_weights({"b": 3.0}, np.array(["a", "b"]))
    array([1., 3.])
    """
    weights = np.array(list(class_weight.values()), dtype=float)
    if not (np.isfinite(weights) & (weights >= 0)).all():
        raise ValueError(
            "class_weight must give each class a finite, non-negative "
            f"weight; got {class_weight}."
        )
    unknown = set(class_weight) - set(classes.tolist())
    if unknown:
        raise ValueError(
            f"class_weight names classes that are not in classes_ "
            f"{classes.tolist()}: {sorted(unknown, key=str)}."
        )
    return np.array(
        [class_weight.get(c, 1.0) for c in classes.tolist()], dtype=np.float64
    )


def multilabel_balanced_weights(Y):
    """Per-sample weights balancing each label's 0s against its 1s.

    A sample weighs the product over the labels of the balanced weight (see
    :func:`balanced_class_weights`) of its 0 or 1 for that label: scikit-learn's
    ``compute_sample_weight("balanced", Y)``, bit for bit. Sample weights are
    not counted.

    Parameters
    ----------
    Y : array-like of shape (n_samples, n_labels)
        Label indicator matrix of 0 and 1.

    Returns
    -------
    weights : ndarray of shape (n_samples,)
        The weight of each sample.

    Examples
    --------
    The first label is 1 once in four samples, the second twice:

    >>> multilabel_balanced_weights([[1, 1], [0, 1], [0, 0], [0, 0]])
    array([2.        , 0.66666667, 0.66666667, 0.66666667])
    """
    columns = np.asarray(Y).astype(np.intp).T
    return np.prod(
        [balanced_class_weights(column, 2)[column] for column in columns],
        axis=0,
        dtype=np.float64,
    )


def per_sample_class_weights(class_weight, y, classes, target_type, sample_weight=None):
    """The class weight of each sample's class: what ``class_weight`` means.

    Parameters
    ----------
    class_weight : dict or "balanced"
        A ``{label: weight}`` dict (other classes weigh 1), or ``"balanced"``
        (see :func:`balanced_class_weights`, computed over the classes present
        in ``y``, with ``sample_weight`` counted in).
    y : ndarray of shape (n_samples,) or (n_samples, n_labels)
        Class labels, or a label indicator matrix.
    classes : ndarray of shape (n_classes,)
        Every label the model knows, sorted (``classes_``); ``y`` may lack some.
    target_type : str
        ``type_of_target(y)``; ``"multilabel-indicator"`` takes only
        ``"balanced"`` (see :func:`multilabel_balanced_weights`).
    sample_weight : ndarray of shape (n_samples,), default=None
        Finite, non-negative sample weights, for ``"balanced"``.

    Returns
    -------
    weights : ndarray of shape (n_samples,)
        The class weight of each sample.

    Raises
    ------
    ValueError
        If ``class_weight`` is a dict for multilabel targets, or is refused by
        :func:`explicit_class_weights` or :func:`balanced_class_weights`.

    Examples
    --------
    >>> import numpy as np
    >>> classes = np.array([0, 1, 2])
    >>> per_sample_class_weights("balanced", np.array([0, 0, 1]), classes, "binary")
    array([0.75, 0.75, 1.5 ])
    >>> per_sample_class_weights({2: 5.0}, np.array([0, 2]), classes, "multiclass")
    array([1., 5.])
    """
    if target_type == "multilabel-indicator":
        if class_weight != "balanced":
            raise ValueError(
                "class_weight must be 'balanced' or None for multilabel targets; "
                "weigh samples with sample_weight instead."
            )
        return multilabel_balanced_weights(y)
    indices = np.searchsorted(classes, y)
    if class_weight == "balanced":
        weights = balanced_class_weights(indices, classes.shape[0], sample_weight)
    else:
        weights = explicit_class_weights(class_weight, classes)
    return weights[indices]


def combined_sample_weight(sample_weight, class_sample_weight, dtype):
    """Sample weights times class weights, in the training dtype, checked.

    The product is computed in float64, then cast to ``dtype``: float32 data
    trains with float32 weights, so that every array of the fit stays float32.
    Weights that ``dtype`` cannot hold (float32 weights summing beyond about
    ``3.4e38``, or below its smallest normal ``1.2e-38``, where they flush to
    zero) are refused, like products or sums that overflow float64, with the
    error below rather than a ``RuntimeWarning``.

    Parameters
    ----------
    sample_weight : ndarray of shape (n_samples,) or None
        Finite, non-negative sample weights, validated; ``None`` means ones.
    class_sample_weight : ndarray of shape (n_samples,) or None
        Finite, non-negative class weight of each sample; ``None`` means ones.
    dtype : numpy dtype
        The dtype of the training data, float64 or float32.

    Returns
    -------
    weights : ndarray of shape (n_samples,) of ``dtype``, or None
        The weight of each sample; ``None`` when both inputs are ``None``.

    Raises
    ------
    ValueError
        If the weights sum to zero, or their sum is not a normal, finite
        number of ``dtype`` (the message says to rescale them).

    Examples
    --------
    >>> import numpy as np
    >>> combined_sample_weight(np.array([1.0, 2.0]), np.array([0.5, 4.0]), np.float32)
    array([0.5, 8. ], dtype=float32)

    Forty weights of ``1e37`` are too many for float32:

    >>> combined_sample_weight(np.full(40, 1e37), None, np.float32)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: The sample weights (times the class weights) sum to 4e+38, ...
    """
    weights = _product(sample_weight, class_sample_weight)
    if weights is None:
        return None
    # A sum beyond float64, or a weight beyond float32, is refused just below.
    with np.errstate(over="ignore"):
        total = weights.sum()
        weights = weights.astype(dtype, copy=False)
        trained_total = weights.sum(dtype=np.float64)
    if not total > 0:
        raise ValueError(
            "The sample weights (times the class weights) sum to zero: at "
            "least one sample must have a positive weight."
        )
    limits = np.finfo(dtype)
    if not limits.tiny <= trained_total <= limits.max:
        data = "" if limits.dtype == np.float64 else f" (in {limits.dtype})"
        raise ValueError(_SUM_OUT_OF_RANGE.format(total=f"{total:.6g}", data=data))
    return weights


def _product(sample_weight, class_sample_weight):
    """``sample_weight * class_sample_weight``, either of which may be None."""
    if class_sample_weight is None:
        return sample_weight
    if sample_weight is None:
        return class_sample_weight
    with np.errstate(over="ignore"):  # an infinite product makes an infinite sum
        return sample_weight * class_sample_weight


def check_penalty_scale(sample_weight, alpha):
    """Refuse sample weights so small that the L2 penalty swamps the data.

    The penalty ``alpha / 2 * ||W||^2`` is divided by the sum of the sample
    weights. Once ``alpha / sum`` reaches ``1 / eps`` of the weights' dtype
    (about ``4.5e15`` in float64, ``8.4e6`` in float32), the best network
    weights are within rounding of zero: training can only give a model that
    ignores its input, or diverge with an overflow that seems to blame the
    data. When weights of mean 1 would not do that, the weights' scale is the
    cause, and this names it.

    Parameters
    ----------
    sample_weight : ndarray of shape (n_samples,) or None
        The combined sample weights (see :func:`combined_sample_weight`);
        ``None`` means ones, which are left to ``alpha`` alone.
    alpha : float
        Strength of the L2 penalty.

    Raises
    ------
    ValueError
        If ``alpha / sum(sample_weight)`` reaches ``1 / eps`` while
        ``alpha / n_samples`` does not.

    Examples
    --------
    >>> import numpy as np
    >>> check_penalty_scale(np.full(10, 1e-3), alpha=1e-4)  # alpha / sum = 0.01
    >>> check_penalty_scale(np.full(10, 1e-300), alpha=1e-4)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: The sample weights (times the class weights) sum to 1e-299, ...
    """
    if sample_weight is None or not alpha:
        return
    limit = 1 / float(np.finfo(sample_weight.dtype).eps)  # Python floats: no warning
    total = float(sample_weight.sum(dtype=np.float64))
    if limit * total <= alpha < limit * sample_weight.shape[0]:
        raise ValueError(
            f"The sample weights (times the class weights) sum to {total:.6g}, so "
            f"little that the L2 penalty, alpha / sum = {alpha / total:.3g}, "
            f"reaches 1 / eps = {limit:.3g} of {sample_weight.dtype}: the "
            "network's weights could not move from zero. Rescale the sample "
            "weights, for example to a mean of 1."
        )
