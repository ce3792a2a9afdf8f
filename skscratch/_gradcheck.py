"""Numerical check of the from-scratch gradients."""

import warnings
from numbers import Real

import numpy as np
from sklearn import config_context
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._base import BaseScratchMLP
from ._losses import LOSSES, mean_loss
from ._network import forward, l2_penalty
from ._xp import to_numpy


def check_gradients(
    estimator, X, y, sample_weight=None, *, epsilon=1e-6, random_state=0
):
    r"""Compare backpropagation's gradients with central differences.

    For every parameter :math:`\theta_j` of the network, the numerical
    derivative of the training objective :math:`J` (mean loss plus L2 penalty,
    the quantity the solvers minimise) is

    .. math::

        \frac{\partial J}{\partial \theta_j} \approx
        \frac{J(\theta + \epsilon e_j) - J(\theta - \epsilon e_j)}{2 \epsilon},

    with an error of order :math:`\epsilon^2`. The analytic gradient from
    ``skscratch._network.backward`` is compared with it array by array.

    Parameters
    ----------
    estimator : ScratchMLPClassifier or ScratchMLPRegressor
        A fitted estimator, whose current weights are checked; an unfitted one
        is first fitted (on a clone) for one epoch, or one L-BFGS iteration, on
        ``X`` and ``y`` to set up its layers.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Input data, validated as :meth:`ScratchMLPClassifier.predict` validates
        it. Keep it small: the check costs two forward passes per parameter.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets: class labels or label indicators for a classifier, real
        values (one or several per sample) for a regressor.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights; the estimator's ``class_weight`` multiplies them, as in
        ``fit``.
    random_state : int, RandomState instance or None, default=0
        For a model with ``dropout``: draws the one set of dropout masks at
        which the gradient is checked (training draws new ones for every
        mini-batch; with the masks fixed, the objective is a smooth function
        of the weights). Ignored without dropout.
    epsilon : float, default=1e-6
        Step of the central differences. A much smaller step loses the
        differences to rounding (a step that does not change a weight at all
        gives a numerical derivative of 0).

    Returns
    -------
    errors : dict
        ``{"coefs_": [...], "intercepts_": [...]}``: for each layer, the relative
        error ``||g_analytic - g_numeric|| / (||g_analytic|| + ||g_numeric||)``
        (0 where both are 0), computed so that no norm overflows, even for
        huge gradients. Values below about ``1e-6`` mean backpropagation is
        right.

    Raises
    ------
    TypeError
        If ``estimator`` is not a skscratch estimator.
    ValueError
        If ``epsilon`` is not a positive, finite number; if ``X``, ``y`` or
        ``sample_weight`` are invalid (with the messages of ``fit``, or of
        ``predict`` for ``X`` of a fitted estimator); if the objective
        overflows at these inputs: not finite, or with a gradient that is not
        finite, at the estimator's weights or at the weights moved by
        ``epsilon``. The overflow raises no ``RuntimeWarning``: gradients
        that do not exist cannot be compared, so the check says so rather
        than returning NaN errors. (Inputs so large that the objective is
        finite but not smooth at the scale of ``epsilon``, with saturated
        units, give large errors, as they should.)

    Notes
    -----
    An unfitted estimator is fitted on a clone with ``max_iter=1``,
    ``early_stopping=False`` and ``verbose=False``: the validation data that
    early stopping would hold out play no part in the gradient, and that
    one-epoch fit gives no warning of not having converged.

    Examples
    --------
    >>> import numpy as np
    >>> from skscratch import ScratchMLPClassifier, check_gradients
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(20, 4)), rng.randint(3, size=20)
    >>> clf = ScratchMLPClassifier(hidden_layer_sizes=(5,), activation="tanh",
    ...                            alpha=0.1, random_state=0)
    >>> errors = check_gradients(clf, X, y)
    >>> max(max(errors["coefs_"]), max(errors["intercepts_"])) < 1e-6
    True

    A regressor with two targets and the Poisson loss:

    >>> from skscratch import ScratchMLPRegressor
    >>> counts = rng.poisson(3.0, size=(20, 2))
    >>> reg = ScratchMLPRegressor(hidden_layer_sizes=(5,), loss="poisson",
    ...                           random_state=0)
    >>> errors = check_gradients(reg, X, counts)
    >>> [len(errors["coefs_"]), max(errors["coefs_"] + errors["intercepts_"]) < 1e-6]
    [2, True]
    """
    _check_arguments(estimator, epsilon)
    if not _is_fitted(estimator):
        estimator = _fitted_for_one_epoch(estimator, X, y, sample_weight)
    with config_context(array_api_dispatch=False):  # in float64, on the host
        problem = estimator._gradient_problem(
            to_numpy(X), to_numpy(y), to_numpy(sample_weight)
        )
    coefs = [to_numpy(c).astype(np.float64) for c in estimator.coefs_]
    intercepts = [to_numpy(b).astype(np.float64) for b in estimator.intercepts_]
    masks = problem.dropout_masks(
        check_random_state(random_state),
        problem.Y.shape[0],
        [c.shape[1] for c in coefs[:-1]],
        coefs[0],
    )
    # Overflow is expected at extreme inputs: it is reported as one ValueError.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value, coef_grads, intercept_grads, _ = problem.objective_and_gradients(
            coefs,
            intercepts,
            problem.X,
            problem.Y,
            problem.sample_weight,
            dropout_masks=masks,
        )
        if not (
            np.isfinite(value)
            and all(np.isfinite(g).all() for g in coef_grads + intercept_grads)
        ):
            raise ValueError(
                OVERFLOW_MESSAGE.format(where="at the estimator's weights")
            )
        objective = _objective(problem, coefs, intercepts, masks)
        errors = {"coefs_": [], "intercepts_": []}
        for name, params, grads in (
            ("coefs_", coefs, coef_grads),
            ("intercepts_", intercepts, intercept_grads),
        ):
            for param, analytic in zip(params, grads, strict=True):
                numeric = _central_differences(objective, param, epsilon)
                if not np.isfinite(numeric).all():
                    raise ValueError(
                        OVERFLOW_MESSAGE.format(
                            where=f"at the weights moved by epsilon={epsilon!r}"
                        )
                    )
                errors[name].append(_relative_error(analytic, numeric))
    return errors


OVERFLOW_MESSAGE = (
    "The objective overflows at these inputs: it or its gradient is not finite "
    "{where}, so there is no gradient to check. Scale the inputs (and the "
    "targets), or use a smaller epsilon."
)


def _central_differences(objective, param, epsilon):
    """``dJ/dparam`` by central differences, moving one entry of ``param`` at a
    time (and putting it back)."""
    numeric = np.empty_like(param)
    for index in np.ndindex(param.shape):
        original = param[index]
        param[index] = original + epsilon
        plus = objective()
        param[index] = original - epsilon
        minus = objective()
        param[index] = original
        numeric[index] = (plus - minus) / (2 * epsilon)
    return numeric


def _relative_error(analytic, numeric):
    """``||a - n|| / (||a|| + ||n||)`` (0 when both are 0), with both divided
    by their largest magnitude first so that no norm overflows."""
    scale = max(np.abs(analytic).max(), np.abs(numeric).max())
    if scale == 0:
        return 0.0
    analytic, numeric = analytic / scale, numeric / scale
    return float(
        np.linalg.norm(analytic - numeric)
        / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
    )


def _objective(problem, coefs, intercepts, dropout_masks=None):
    """The objective backpropagation differentiates, computed on its own.

    The per-output losses are added up: the regression squared error, which
    MLPRegressor reports as their mean, is trained on the gradient of their sum
    (see the twin page).
    """
    loss = LOSSES[problem.loss]._replace(combine_outputs="sum")
    weight_sum = float(
        problem.Y.shape[0]
        if problem.sample_weight is None
        else problem.sample_weight.sum()
    )

    def objective():
        outputs = forward(
            coefs,
            intercepts,
            problem.X,
            problem.activation,
            loss.output_activation,
            kept=None if dropout_masks is None else [],
            dropout_masks=dropout_masks,
        )[-1]
        return mean_loss(loss, problem.Y, outputs, problem.sample_weight) + (
            l2_penalty(coefs, problem.alpha, weight_sum)
        )

    return objective


def _check_arguments(estimator, epsilon):
    if not isinstance(estimator, BaseScratchMLP):
        raise TypeError(
            "check_gradients checks the backpropagation of skscratch's own "
            "estimators (ScratchMLPClassifier, ScratchMLPRegressor); got "
            f"{type(estimator).__name__}."
        )
    if (
        isinstance(epsilon, bool)
        or not isinstance(epsilon, Real)
        or not 0 < epsilon < np.inf
    ):
        raise ValueError(f"epsilon must be a positive, finite number; got {epsilon!r}.")


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except Exception:
        return False
    return True


def _fitted_for_one_epoch(estimator, X, y, sample_weight):
    """A clone of the unfitted ``estimator``, fitted for one epoch (or L-BFGS
    iteration) to set up its layers: without early stopping, printing or a
    warning that it has not converged."""
    one_epoch = clone(estimator).set_params(
        max_iter=1, early_stopping=False, verbose=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return one_epoch.fit(X, y, sample_weight=sample_weight)
