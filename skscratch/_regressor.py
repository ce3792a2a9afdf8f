"""ScratchMLPRegressor: the regressor twin of scikit-learn's MLPRegressor.

What is particular to real-valued targets lives here and in
:class:`skscratch._targets.RealTargets`; the parameters and the fit machinery
are shared with the classifier in :mod:`skscratch._base`.
"""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_array, column_or_1d

from ._base import BaseScratchMLP, keeps_model_on_error, with_shared_docs
from ._targets import RealTargets


@with_shared_docs
class ScratchMLPRegressor(RegressorMixin, BaseScratchMLP):
    """Multilayer perceptron regressor with backpropagation written from scratch.

    A drop-in twin of :class:`sklearn.neural_network.MLPRegressor`: the same
    parameters, defaults and fitted attributes, and, with the same
    ``random_state``, the same initial weights, shuffles, mini-batches,
    early-stopping split and stopping rule, so both follow the same training
    trajectory (in float64, the same weights bit for bit). It shares its
    network, solvers and optimizers with
    :class:`~skscratch.ScratchMLPClassifier`.

    Beyond MLPRegressor it offers a user-supplied validation set (``X_val``,
    ``y_val`` in :meth:`fit`), a per-epoch ``history_``, the teaching
    notebook's ``init="uniform"`` or an ``init`` of your own, and training
    that diverges is stopped with a clear error (or, with early stopping, goes
    back to its best epoch with a warning) instead of ending on huge weights.

    Parameters
    ----------
    {shared_parameters}
    loss : {"squared_error", "poisson"}, default="squared_error"
        ``"squared_error"``: identity outputs trained on half the squared
        error (reported, as in MLPRegressor, as its mean over the targets).
        ``"poisson"``: exponential outputs, always positive, trained on half
        the Poisson deviance; ``y`` must be non-negative.

    Attributes
    ----------
    out_activation_ : str
        Name of the output activation (``"identity"`` or ``"exp"``).

    {shared_attributes}
    See Also
    --------
    sklearn.neural_network.MLPRegressor : scikit-learn's multilayer perceptron.
    ScratchMLPClassifier : the classifier on the same network.

    Notes
    -----
    A call to :meth:`fit` or :meth:`partial_fit` that raises leaves a fitted
    model exactly as it was. A ``KeyboardInterrupt`` during training stops it
    with a warning and keeps the weights of the last completed epoch.
    Unlike MLPRegressor 1.9, ``partial_fit`` is not available with
    ``solver="lbfgs"``.

    With ``sklearn.set_config(array_api_dispatch=True)`` the network trains
    and predicts in the array namespace and on the device of ``X`` (PyTorch,
    CuPy, or any array API library); see the user guide's "GPU and the array
    API".

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skscratch import ScratchMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> reg = make_pipeline(
    ...     StandardScaler(),
    ...     ScratchMLPRegressor(hidden_layer_sizes=(10,), learning_rate_init=0.01,
    ...                         max_iter=2000, early_stopping=True, random_state=0),
    ... ).fit(X_train, y_train)
    >>> reg.predict(X_test[:3]).round()
    array([267., 248., 155.])
    >>> round(reg.score(X_test, y_test), 2)
    0.32
    """

    _parameter_constraints: dict = {
        **BaseScratchMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    _y_validation = {"y_numeric": True}

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        loss="squared_error",
        init="glorot_uniform",
        dropout=0.0,
    ):
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            loss=loss,
            init=init,
            dropout=dropout,
        )

    @keeps_model_on_error
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Fit the network to ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. A float32 or float64 array is used as it is, never
            copied as a whole (other dtypes are converted to float64). Sparse
            CSR and CSC matrices are accepted.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values (non-negative for ``loss="poisson"``).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            Validation data, scored after every epoch (``history_``,
            ``validation_scores_``) and used by early stopping instead of an
            internal split. Give ``y_val`` with it.
        y_val : array-like of shape (n_val,) or (n_val, n_targets), default=None
            Targets of ``X_val``.

        Returns
        -------
        self : ScratchMLPRegressor
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, X_val, y_val, incremental=False)

    @available_if(BaseScratchMLP._check_solver)
    @keeps_model_on_error
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch over ``X`` and ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : ScratchMLPRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, None, None, incremental=True)

    def predict(self, X):
        """Predict the targets of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted values.
        """
        outputs = self._validated_outputs(X, "predict")
        return self._targets.predict(outputs)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination :math:`R^2` of the predictions.

        As :meth:`sklearn.base.RegressorMixin.score`, without floating-point
        warnings for predictions or targets too large to square.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            True values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            :math:`R^2` (the :ref:`coefficient of determination <r2_score>`),
            averaged over the targets.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            return self._score_on_host(r2_score, X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        poisson = self.loss == "poisson"
        tags.target_tags.positive_only = poisson
        # With the log link, a target linear in X is not fitted to R² > 0.5:
        # scikit-learn's check of that expectation does not apply.
        tags.regressor_tags.poor_score = poisson
        return tags

    # ------------------------------------------------------------ targets

    def _check_y(self, y, name="y"):
        if y.dtype.kind in "mM":
            raise ValueError(
                f"{name} holds dates or durations ({y.dtype}): give them as numbers."
            )
        numeric = y.dtype.kind in "biuf"
        y = check_array(
            y,
            ensure_2d=False,
            dtype=None if numeric else np.float64,  # strings must read as numbers
            input_name=name,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return y

    def _check_y_val(self, y_val, targets):
        y_val = self._check_y(np.asarray(y_val), name="y_val")
        if y_val.shape[0] < 2:
            raise ValueError(
                f"y_val has {y_val.shape[0]} sample(s): the validation score, "
                "R², needs at least 2."
            )
        return y_val

    def _targets_from(self, y, classes, sparse):
        return RealTargets.from_values(y, self.loss)
