"""Stochastic optimizers: SGD with (Nesterov) momentum and Adam.

Each optimizer keeps its own state (velocities, moments, step count) and
updates the parameter arrays *in place* with :meth:`step`. The estimator calls
:meth:`end_epoch` after every pass over the data and :meth:`stop_or_decay` when
training has stopped improving.

A step runs once per mini-batch over arrays as large as the network, so it
allocates nothing on NumPy: every intermediate goes through a ufunc with
``out=`` (on other array namespaces :func:`~skscratch._xp.apply` assigns it
there instead), into the gradient arrays themselves (a step consumes its
gradients: they hold intermediate values afterwards) and, where one more
array is needed, into a
scratch buffer shaped like the parameters, allocated at the first step. The
buffer carries nothing from one step to the next, so it is left out of pickles
and copies. The estimator keeps all parameters in one flat array, so a step is
a handful of ufunc calls whatever the number of layers. Each update performs
the same floating-point operations in the same order as scikit-learn's
optimizers, so both give the same float64 parameters bit for bit. (In float32
scikit-learn's Adam computes its steps in float64 and rounds them; these
optimizers stay in float32.)
Hyperparameters are kept as Python floats so that float32 parameters are
updated in float32 (under NEP 50 a numpy float64 scalar would promote them).
"""

import math
from numbers import Integral

from ._xp import all_finite, apply, namespace


class _Optimizer:
    """Scratch-buffer handling shared by the optimizers."""

    def _scratch_for(self, params):
        """One scratch array per parameter, allocated at the first step."""
        if getattr(self, "_scratch", None) is None:
            self._scratch = [namespace(p).empty_like(p) for p in params]
        return self._scratch

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_scratch", None)
        return state

    def state_is_finite(self):
        """Whether every array the optimizer carries between steps is finite.

        Squared gradients that overflow (Adam) or velocities that blow up would
        otherwise freeze or wreck training without a non-finite weight to show.
        """
        return all(all_finite(array) for array in self.state_arrays())


class SGD(_Optimizer):
    r"""Stochastic gradient descent with momentum and a learning-rate schedule.

    With learning rate :math:`\eta` and momentum :math:`\mu`, each step updates
    the velocity :math:`v` and the parameters :math:`\theta` as

    .. math::

        v \leftarrow \mu v - \eta g, \qquad
        \theta \leftarrow \theta + v \;\text{(classical)} \quad\text{or}\quad
        \theta \leftarrow \theta + \mu v - \eta g \;\text{(Nesterov)}.

    Parameters
    ----------
    params : list of ndarray
        The parameters to optimise (their shapes size the velocities).
    learning_rate_init : float
        Initial learning rate :math:`\eta_0`.
    schedule : {"constant", "invscaling", "adaptive"}
        ``"invscaling"``: :math:`\eta = \eta_0 / (t + 1)^{p}` after each epoch,
        with :math:`t` the number of samples seen. ``"adaptive"``: divide
        :math:`\eta` by 5 each time training stops improving, and stop once it
        is at most ``1e-6``.
    momentum : float
        Momentum :math:`\mu` in ``[0, 1]``.
    nesterov : bool
        Use Nesterov's momentum.
    power_t : float
        Exponent :math:`p` of ``"invscaling"``.

    Examples
    --------
    >>> import numpy as np
    >>> theta = np.array([1.0, 2.0])
    >>> sgd = SGD([theta], 0.1, "constant", momentum=0.0, nesterov=False, power_t=0.5)
    >>> sgd.step([theta], [np.array([1.0, -1.0])])
    >>> theta
    array([0.9, 2.1])
    """

    def __init__(
        self, params, learning_rate_init, schedule, momentum, nesterov, power_t
    ):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self.schedule = schedule
        self.momentum = float(momentum)
        self.nesterov = nesterov
        # An integer exponent stays an int, as in scikit-learn.
        self.power_t = int(power_t) if isinstance(power_t, Integral) else float(power_t)
        self.velocities = [namespace(p).zeros_like(p) for p in params]

    @classmethod
    def from_settings(cls, params, settings):
        """Build from an estimator's hyperparameters."""
        return cls(
            params,
            settings.learning_rate_init,
            settings.learning_rate,
            settings.momentum,
            settings.nesterovs_momentum,
            settings.power_t,
        )

    def state_arrays(self):
        """The arrays carried from one step to the next, updated in place."""
        return self.velocities

    def step(self, params, grads):
        """Update ``params`` in place from their gradients ``grads`` (consumed)."""
        mu, eta = self.momentum, self.learning_rate
        nesterov_step = self.nesterov and mu != 0.0
        updates = self._scratch_for(params) if nesterov_step else [None] * len(params)
        for theta, v, g, update in zip(
            params, self.velocities, grads, updates, strict=True
        ):
            g *= eta  # g now holds eta g
            if mu == 0.0:
                theta -= g  # v = -eta g is never read again: not stored
                continue
            v *= mu
            v -= g  # v <- mu v - eta g
            if self.nesterov:
                apply(namespace(v).multiply, v, mu, out=update)
                update -= g
                theta += update  # theta <- theta + mu v - eta g
            else:
                theta += v  # theta <- theta + v

    def end_epoch(self, samples_seen):
        """Update the learning rate after an epoch (``"invscaling"`` only)."""
        if self.schedule == "invscaling":
            # Python's power, as scikit-learn's (numpy's differs in the last
            # bit for some values; an integer power_t stays exact); beyond the
            # float range the rate is 0.
            try:
                self.learning_rate = (
                    self.learning_rate_init / (samples_seen + 1) ** self.power_t
                )
            except OverflowError:
                self.learning_rate = 0.0

    def stop_or_decay(self):
        """Called when training stops improving: return True to stop.

        With the ``"adaptive"`` schedule, divide the learning rate by 5 and go on
        unless it has already reached ``1e-6``.
        """
        if self.schedule != "adaptive" or self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False


class Adam(_Optimizer):
    r"""Adam (Kingma & Ba, 2014).

    With gradient :math:`g` at step :math:`t`:

    .. math::

        m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \\
        \eta_t = \eta_0 \sqrt{1 - \beta_2^t} / (1 - \beta_1^t), \qquad
        \theta \leftarrow \theta - \eta_t \, m / (\sqrt{v} + \epsilon).

    Parameters
    ----------
    params : list of ndarray
        The parameters to optimise (their shapes size the moments).
    learning_rate_init : float
        Step size :math:`\eta_0`.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates, in ``[0, 1)``.
    epsilon : float
        Added to :math:`\sqrt{v}` for numerical stability.

    Examples
    --------
    >>> import numpy as np
    >>> theta = np.array([1.0, 2.0])
    >>> adam = Adam([theta], 0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    >>> adam.step([theta], [np.array([3.0, -0.5])])
    >>> theta.round(6)
    array([0.9, 2.1])
    """

    def __init__(self, params, learning_rate_init, beta_1, beta_2, epsilon):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.first_moments = [namespace(p).zeros_like(p) for p in params]
        self.second_moments = [namespace(p).zeros_like(p) for p in params]

    @classmethod
    def from_settings(cls, params, settings):
        """Build from an estimator's hyperparameters."""
        return cls(
            params,
            settings.learning_rate_init,
            settings.beta_1,
            settings.beta_2,
            settings.epsilon,
        )

    def state_arrays(self):
        """The arrays carried from one step to the next, updated in place."""
        return self.first_moments + self.second_moments

    def step(self, params, grads):
        """Update ``params`` in place from their gradients ``grads`` (consumed)."""
        self.t += 1
        b1, b2 = self.beta_1, self.beta_2
        self.learning_rate = (
            self.learning_rate_init * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )  # eta_t
        for theta, m, v, g, term in zip(
            params,
            self.first_moments,
            self.second_moments,
            grads,
            self._scratch_for(params),
            strict=True,
        ):
            xp = namespace(g)
            apply(xp.square, g, out=term)
            term *= 1 - b2
            v *= b2
            v += term  # v <- beta_2 v + (1 - beta_2) g^2
            g *= 1 - b1
            m *= b1
            m += g  # m <- beta_1 m + (1 - beta_1) g
            apply(xp.sqrt, v, out=term)
            term += self.epsilon
            apply(xp.multiply, m, self.learning_rate, out=g)
            g /= term
            theta -= g  # theta <- theta - eta_t m / (sqrt(v) + epsilon)

    def end_epoch(self, samples_seen):
        """Adam has no epoch-level schedule."""

    def stop_or_decay(self):
        """Called when training stops improving: Adam always stops."""
        return True


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def make_optimizer(settings, vector):
    """The optimizer named by ``settings.solver``, for the flat parameter vector.

    Parameters
    ----------
    settings : estimator
        Its ``solver`` and that optimizer's hyperparameters.
    vector : ndarray
        The flat parameter vector the optimizer will update.

    Returns
    -------
    optimizer : SGD or Adam
    """
    return OPTIMIZERS[settings.solver].from_settings([vector], settings)
