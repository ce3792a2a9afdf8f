"""Numerical check of the from-scratch gradients."""

import warnings
from numbers import Real

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from ._base import BaseScratchMLP
from ._losses import LOSSES, mean_loss
from ._network import forward, l2_penalty


def check_gradients(estimator, X, y, sample_weight=None, *, epsilon=1e-6):
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
        it. Keep it small: the check costs two forward and backward passes per
        parameter.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights; the estimator's ``class_weight`` multiplies them, as in
        ``fit``.
    epsilon : float, default=1e-6
        Step of the central differences.

    Returns
    -------
    errors : dict
        ``{"coefs_": [...], "intercepts_": [...]}``: for each layer, the relative
        error ``||g_analytic - g_numeric|| / max(||g_analytic|| + ||g_numeric||,
        tiny)``. Values below about ``1e-6`` mean backpropagation is right.

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
    """
    _check_arguments(estimator, epsilon)
    if not _is_fitted(estimator):
        estimator = clone(estimator).set_params(max_iter=1)
        _fit_quietly(estimator, X, y, sample_weight)
    problem = estimator._gradient_problem(X, y, sample_weight)
    coefs = [c.astype(np.float64) for c in estimator.coefs_]
    intercepts = [b.astype(np.float64) for b in estimator.intercepts_]
    _, coef_grads, intercept_grads, _ = problem.objective_and_gradients(
        coefs, intercepts, problem.X, problem.Y, problem.sample_weight
    )
    objective = _objective(problem, coefs, intercepts)
    errors = {"coefs_": [], "intercepts_": []}
    for name, params, grads in (
        ("coefs_", coefs, coef_grads),
        ("intercepts_", intercepts, intercept_grads),
    ):
        for param, analytic in zip(params, grads, strict=True):
            numeric = np.empty_like(param)
            for index in np.ndindex(param.shape):
                original = param[index]
                param[index] = original + epsilon
                plus = objective()
                param[index] = original - epsilon
                minus = objective()
                param[index] = original
                numeric[index] = (plus - minus) / (2 * epsilon)
            scale = max(
                np.linalg.norm(analytic) + np.linalg.norm(numeric),
                np.finfo(np.float64).tiny,
            )
            errors[name].append(float(np.linalg.norm(analytic - numeric) / scale))
    return errors


def _objective(problem, coefs, intercepts):
    """The objective backpropagation differentiates, computed on its own.

    The per-output losses are added up: the regression squared error, which
    MLPRegressor reports as their mean, is trained on the gradient of their sum
    (see the twin page).
    """
    loss = LOSSES[problem.loss]._replace(combine_outputs=np.sum)
    weight_sum = float(
        problem.Y.shape[0]
        if problem.sample_weight is None
        else problem.sample_weight.sum()
    )

    def objective():
        outputs = forward(
            coefs, intercepts, problem.X, problem.activation, loss.output_activation
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


def _fit_quietly(estimator, X, y, sample_weight):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.fit(X, y, sample_weight=sample_weight)
