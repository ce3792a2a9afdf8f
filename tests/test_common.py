"""scikit-learn's estimator checks, every one passing, for several configurations."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skscratch import ScratchMLPClassifier, ScratchMLPRegressor

CONFIGURATIONS = [
    ScratchMLPClassifier(),
    ScratchMLPClassifier(solver="sgd"),
    ScratchMLPClassifier(solver="lbfgs", max_iter=50),
    ScratchMLPClassifier(loss="squared_error"),
    ScratchMLPClassifier(class_weight="balanced"),
    ScratchMLPClassifier(activation="tanh", hidden_layer_sizes=(16, 8)),
    ScratchMLPRegressor(),
    ScratchMLPRegressor(solver="sgd"),
    ScratchMLPRegressor(solver="lbfgs", max_iter=50),
    ScratchMLPRegressor(loss="poisson"),
    ScratchMLPRegressor(activation="tanh", hidden_layer_sizes=(16, 8)),
    ScratchMLPClassifier(activation="gelu", hidden_layer_sizes=(16, 8)),
    ScratchMLPClassifier(activation="leaky_relu", solver="sgd"),
]


def expected_failed_checks(estimator):
    """Checks that do not apply, with the reason."""
    if getattr(estimator, "loss", None) == "poisson":
        return {
            "check_regressor_multioutput": (
                "feeds negative targets whatever the positive_only tag says, and "
                "Poisson regression refuses negative targets"
            )
        }
    return {}


@parametrize_with_checks(CONFIGURATIONS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
