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
    ScratchMLPClassifier(early_stopping=True),
    ScratchMLPClassifier(
        hidden_layer_sizes=(8, 6), activation=("gelu", "tanh"), dropout=(0.3, 0.1)
    ),
    ScratchMLPRegressor(
        hidden_layer_sizes=(32, 16), activation=("elu", "silu"), dropout=0.2
    ),
    ScratchMLPRegressor(early_stopping=True),
    ScratchMLPClassifier(activation="gelu", hidden_layer_sizes=(16, 8)),
    ScratchMLPClassifier(activation="leaky_relu", solver="sgd"),
]


def expected_failed_checks(estimator):
    """Checks that do not apply, with the reason."""
    expected = {}
    if getattr(estimator, "loss", None) == "poisson":
        expected["check_regressor_multioutput"] = (
            "feeds negative targets whatever the positive_only tag says, and "
            "Poisson regression refuses negative targets"
        )
    if estimator.dropout != 0.0:
        independent_masks = (
            "dropout draws an independent mask for each row of each batch, so a "
            "row repeated twice is not trained as one row of weight 2"
        )
        expected["check_sample_weight_equivalence_on_dense_data"] = independent_masks
        expected["check_sample_weight_equivalence_on_sparse_data"] = independent_masks
    if estimator.early_stopping:
        random_split = (
            "the early-stopping split is drawn at random, so a sample repeated "
            "twice may land on both sides where a sample of weight 2 lands on one"
        )
        expected["check_sample_weight_equivalence_on_dense_data"] = random_split
        expected["check_sample_weight_equivalence_on_sparse_data"] = random_split
        expected["check_class_weight_classifiers"] = (
            "class weights of 1000 against 0.0001 make the class-weighted "
            "validation accuracy move by less than tol, so early stopping ends "
            "training before 87% of the predictions are the heavy class"
        )
    return expected


@parametrize_with_checks(CONFIGURATIONS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
