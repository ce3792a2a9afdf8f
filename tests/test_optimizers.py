"""Unit tests of ``_optimizers``, step by step against scikit-learn's optimizers."""

import copy
import pickle

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from skscratch import ScratchMLPClassifier
from skscratch._optimizers import OPTIMIZERS, SGD, Adam, make_optimizer

SHAPES = [(4, 3), (3,), (3, 2), (2,)]

# How MLPClassifier builds its optimizer from the same hyperparameters.
SKLEARN_OPTIMIZERS = {
    "sgd": lambda params, s: SGDOptimizer(
        params,
        s.learning_rate_init,
        s.learning_rate,
        s.momentum,
        s.nesterovs_momentum,
        s.power_t,
    ),
    "adam": lambda params, s: AdamOptimizer(
        params, s.learning_rate_init, s.beta_1, s.beta_2, s.epsilon
    ),
}


def _parameters(dtype=np.float64):
    rng = np.random.default_rng(0)
    return [rng.normal(size=shape).astype(dtype) for shape in SHAPES]


def _assert_same_steps(ours, theirs, ours_params, theirs_params, n_steps=5):
    """Take the same steps with both optimizers: the same bits after each."""
    rng = np.random.default_rng(1)
    for step in range(1, n_steps + 1):
        grads = [rng.normal(size=p.shape).astype(p.dtype) for p in ours_params]
        ours.step(ours_params, [g.copy() for g in grads])  # a step consumes them
        theirs.update_params(theirs_params, grads)
        ours.end_epoch(step * 10)
        theirs.iteration_ends(step * 10)
        for mine, reference in zip(ours_params, theirs_params, strict=True):
            assert mine.dtype == reference.dtype
            np.testing.assert_array_equal(mine, reference)
        assert ours.learning_rate == theirs.learning_rate


@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
@pytest.mark.parametrize(
    ("momentum", "nesterov"), [(0.0, False), (0.0, True), (0.5, False), (0.9, True)]
)
def test_sgd_steps_are_sklearns_bit_for_bit(schedule, momentum, nesterov):
    ours_params, theirs_params = _parameters(), _parameters()
    ours = SGD(ours_params, 0.1, schedule, momentum, nesterov, power_t=0.25)
    theirs = SGDOptimizer(theirs_params, 0.1, schedule, momentum, nesterov, 0.25)
    _assert_same_steps(ours, theirs, ours_params, theirs_params)
    for velocity, reference in zip(ours.velocities, theirs.velocities, strict=True):
        if momentum:  # without momentum the velocity is never stored
            np.testing.assert_array_equal(velocity, reference)


@pytest.mark.parametrize(
    ("beta_1", "beta_2", "epsilon"), [(0.9, 0.999, 1e-8), (0.5, 0.9, 1e-3)]
)
def test_adam_steps_are_sklearns_bit_for_bit(beta_1, beta_2, epsilon):
    ours_params, theirs_params = _parameters(), _parameters()
    ours = Adam(ours_params, 0.01, beta_1, beta_2, epsilon)
    theirs = AdamOptimizer(theirs_params, 0.01, beta_1, beta_2, epsilon)
    _assert_same_steps(ours, theirs, ours_params, theirs_params)
    assert ours.t == theirs.t == 5
    for mine, reference in zip(ours.state_arrays(), theirs.ms + theirs.vs, strict=True):
        np.testing.assert_array_equal(mine, reference)


def _settings(name):
    """Hyperparameters that all differ from the defaults."""
    return ScratchMLPClassifier(
        solver=name,
        learning_rate_init=0.05,
        learning_rate="invscaling",
        momentum=0.7,
        nesterovs_momentum=False,
        power_t=0.3,
        beta_1=0.8,
        beta_2=0.95,
        epsilon=1e-6,
    )


def test_every_optimizer_has_an_sklearn_reference():
    assert sorted(SKLEARN_OPTIMIZERS) == sorted(OPTIMIZERS)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_make_optimizer_takes_the_estimators_hyperparameters(name):
    """The optimizer built for the flat vector steps as MLPClassifier's."""
    settings = _settings(name)
    vector = np.concatenate([p.ravel() for p in _parameters()])
    theirs_vector = vector.copy()
    ours = make_optimizer(settings, vector)
    assert type(ours) is OPTIMIZERS[name]
    assert all(a.shape == vector.shape for a in ours.state_arrays())
    theirs = SKLEARN_OPTIMIZERS[name]([theirs_vector], settings)
    _assert_same_steps(ours, theirs, [vector], [theirs_vector])


@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
@pytest.mark.parametrize("learning_rate_init", [0.1, 1e-6, 5e-6])
def test_sgd_stop_or_decay_is_sklearns_trigger_stopping(schedule, learning_rate_init):
    ours = SGD([np.zeros(1)], learning_rate_init, schedule, 0.9, True, 0.5)
    theirs = SGDOptimizer([np.zeros(1)], learning_rate_init, schedule)
    for _ in range(20):
        stop = ours.stop_or_decay()
        assert stop == theirs.trigger_stopping("", verbose=False)
        assert ours.learning_rate == theirs.learning_rate
        if stop:
            break
    assert stop


def test_adam_always_stops():
    adam = Adam([np.zeros(1)], 0.1, 0.9, 0.999, 1e-8)
    assert adam.stop_or_decay() is True
    assert adam.learning_rate == 0.1


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_float32_parameters_stay_float32(name):
    params64, params32 = _parameters(), _parameters(np.float32)
    settings = _settings(name)
    ours64 = OPTIMIZERS[name].from_settings(params64, settings)
    ours32 = OPTIMIZERS[name].from_settings(params32, settings)
    rng = np.random.default_rng(2)
    for _ in range(3):
        grads = [rng.normal(size=shape) for shape in SHAPES]
        ours64.step(params64, [g.copy() for g in grads])
        ours32.step(params32, [g.astype(np.float32) for g in grads])
    for p32, p64 in zip(params32, params64, strict=True):
        assert p32.dtype == np.float32
        np.testing.assert_allclose(p32, p64, rtol=1e-5, atol=1e-6)
    assert all(a.dtype == np.float32 for a in ours32.state_arrays())


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize(
    "duplicate", [copy.deepcopy, lambda o: pickle.loads(pickle.dumps(o))]
)
def test_a_copy_leaves_the_scratch_buffer_out_and_steps_the_same(name, duplicate):
    settings = ScratchMLPClassifier(solver=name)  # Nesterov momentum: a scratch
    params = _parameters()
    optimizer = OPTIMIZERS[name].from_settings(params, settings)
    optimizer.step(params, [np.ones(shape) for shape in SHAPES])
    twin, twin_params = duplicate(optimizer), copy.deepcopy(params)
    assert "_scratch" in vars(optimizer) and "_scratch" not in vars(twin)
    grads = [np.full(shape, 0.5) for shape in SHAPES]
    optimizer.step(params, copy.deepcopy(grads))
    twin.step(twin_params, grads)
    for mine, theirs in zip(params, twin_params, strict=True):
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_is_finite_until_a_carried_array_overflows(name):
    optimizer = make_optimizer(ScratchMLPClassifier(solver=name), np.zeros(4))
    assert optimizer.state_is_finite()
    optimizer.state_arrays()[-1][2] = np.inf
    assert not optimizer.state_is_finite()
