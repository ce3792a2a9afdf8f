"""scikit-learn's estimator checks, every one passing, for several configurations."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skscratch import ScratchMLPClassifier

CONFIGURATIONS = [
    ScratchMLPClassifier(),
    ScratchMLPClassifier(solver="sgd"),
    ScratchMLPClassifier(solver="lbfgs", max_iter=50),
    ScratchMLPClassifier(loss="squared_error"),
    ScratchMLPClassifier(class_weight="balanced"),
    ScratchMLPClassifier(activation="tanh", hidden_layer_sizes=(16, 8)),
    ScratchMLPClassifier(activation="gelu", hidden_layer_sizes=(16, 8)),
    ScratchMLPClassifier(activation="leaky_relu", solver="sgd"),
]


@parametrize_with_checks(CONFIGURATIONS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
