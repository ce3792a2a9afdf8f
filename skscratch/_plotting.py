"""Display objects that draw what a fitted multilayer perceptron has learned.

They follow scikit-learn's plotting API: ``__init__`` stores the data to draw,
the class method ``from_estimator`` computes it from a fitted estimator and
calls ``plot``, and ``plot`` draws, keeps the matplotlib artists as attributes
ending in ``_`` and returns the display. Style dictionaries (``imshow_kw``,
``line_kw``, ``bar_kw``) reach the matplotlib calls, a ``colorbar`` switch goes
with every image, and ``ax`` takes the Axes to draw in (an array of Axes where
a display draws several panels). matplotlib is imported inside ``plot`` only,
so that ``import skscratch`` does not import it.

``from_estimator`` accepts a fitted network or a :class:`~sklearn.pipeline.Pipeline`
ending with one. The displays read the network's fitted attributes only
(``coefs_``, ``intercepts_``, ``classes_`` when there is one, ``history_`` and
the ``alpha`` parameter), and predict through the public ``predict`` and
``predict_proba`` of the estimator given (the whole pipeline); so the weight
displays also accept a fitted :class:`sklearn.neural_network.MLPClassifier` or
a regressor.
"""

import math
import sys
import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from ._xp import to_numpy

_HISTORY_COLUMNS = ("train_loss", "valid_loss", "train_score", "valid_score")
_LEGEND_LABELS = {
    "train_loss": "train",
    "valid_loss": "valid",
    "train_score": "train",
    "valid_score": "valid",
}
_PENALISED_TRAIN_LABEL = "train (with L2 penalty)"
_BAR_COLOR = "tab:gray"
_PREDICTED_COLOR = "tab:orange"
_TRUE_EDGE_COLOR = "black"
_TRUE_EDGE_WIDTH = 2.5
_MAX_GRID_COLUMNS = 8
_HIDDEN_WEIGHTS_TITLE = "Weights of the first hidden layer"
# The default of a deprecated keyword, as in scikit-learn: "not given".
_DEPRECATED = "deprecated"


def _fitted_network(estimator, attributes, caller):
    """The fitted network of ``estimator`` (a Pipeline's last step), checked.

    Raises scikit-learn's ``NotFittedError`` for an unfitted estimator, and a
    ``TypeError`` when the network lacks one of ``attributes``.
    """
    check_is_fitted(estimator)
    network = estimator[-1] if _is_pipeline(estimator) else estimator
    missing = [name for name in attributes if not hasattr(network, name)]
    if missing:
        raise TypeError(
            f"{caller} needs a fitted multilayer perceptron such as "
            "ScratchMLPClassifier, or a Pipeline ending with one; "
            f"{type(network).__name__} has no attribute {', '.join(missing)}."
        )
    return network


def _is_pipeline(estimator):
    from sklearn.pipeline import Pipeline

    return isinstance(estimator, Pipeline)


def _ax_from_deprecated_axes(ax, axes, caller):
    """``ax``, or the value of its deprecated former name ``axes`` with a warning."""
    if isinstance(axes, str) and axes == _DEPRECATED:
        return ax
    warnings.warn(
        f"The 'axes' parameter of {caller} was renamed 'ax'; 'axes' will be "
        "removed in a future version. Pass ax instead.",
        FutureWarning,
        stacklevel=3,
    )
    if ax is not None:
        raise TypeError(
            f"{caller} got both ax and axes, its former name: pass ax only."
        )
    return axes


def _style(defaults, style_kw, artist_class, name):
    """``defaults`` updated with the user's ``style_kw``, matplotlib aliases allowed."""
    from matplotlib.cbook import normalize_kwargs

    if style_kw is None:
        return dict(defaults)
    if not isinstance(style_kw, dict):
        raise TypeError(
            f"{name} must be a dict of keyword arguments; "
            f"got {type(style_kw).__name__}."
        )
    return {**defaults, **normalize_kwargs(style_kw, artist_class)}


def _image_shape(image_shape, n_features):
    """Return the (height, width) to draw ``n_features`` values in.

    ``None`` gives a square when ``n_features`` is a perfect square, otherwise
    a one-row strip ``(1, n_features)``. A given shape must be a pair of
    positive integers whose product is ``n_features``.
    """
    if image_shape is None:
        side = math.isqrt(n_features)
        return (side, side) if side * side == n_features else (1, n_features)
    if (
        not isinstance(image_shape, tuple | list | np.ndarray)
        or len(image_shape) != 2
        or not all(isinstance(size, Integral) and size > 0 for size in image_shape)
    ):
        raise ValueError(
            "image_shape must be a pair of positive integers (height, width) or "
            f"None; got {image_shape!r}."
        )
    height, width = (int(size) for size in image_shape)
    if height * width != n_features:
        raise ValueError(
            f"image_shape={image_shape!r} holds {height * width} pixels, but there "
            f"are {n_features} input features."
        )
    return height, width


def _aspect(image):
    """Square pixels for an image, a panel-wide strip for a single row."""
    return "auto" if np.shape(image)[0] == 1 else "equal"


def _symmetric_limit(values):
    """Largest absolute value of ``values`` (1 if they are all zero)."""
    limit = float(np.max(np.abs(values)))
    return limit if limit > 0 else 1.0


def _check_axes_array(axes, n_axes, caller):
    """Return ``axes`` as a flat object array of ``n_axes`` matplotlib Axes."""
    from matplotlib.axes import Axes

    axes = np.asarray(axes, dtype=object).ravel()
    if axes.size != n_axes or not all(isinstance(ax, Axes) for ax in axes):
        raise ValueError(
            f"{caller} draws {n_axes} panel(s): pass {n_axes} matplotlib Axes, "
            f"got {axes.size} object(s)."
        )
    return axes


def _grid_shape(n_panels, ncols, one_column):
    """(rows, columns) of a grid of ``n_panels``, as even as ``ncols`` allows.

    ``ncols=None`` gives one column for strips, and otherwise the fewest rows
    of at most eight panels, spread evenly: 10 panels make 2 rows of 5.
    """
    if ncols is None:
        if one_column:
            ncols = 1
        else:
            nrows = math.ceil(n_panels / _MAX_GRID_COLUMNS)
            ncols = math.ceil(n_panels / nrows)
    elif not isinstance(ncols, Integral) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer; got {ncols!r}.")
    ncols = min(int(ncols), n_panels)
    return math.ceil(n_panels / ncols), ncols


class HiddenWeightsDisplay:
    """Weights of the first hidden layer, one image per neuron.

    Each neuron of the first hidden layer has one weight per input feature;
    when the inputs are the pixels of an image, these weights form an image of
    what excites (positive weight) or inhibits (negative weight) the neuron.
    When the number of features is not a perfect square and no image shape is
    given, each neuron's weights are drawn as a one-row strip instead. All
    panels share one colour scale, symmetric around zero, and one colour bar,
    so that colours compare across neurons; each panel shows the neuron's bias
    under the image.

    Create it with :meth:`from_estimator`.

    Parameters
    ----------
    weights : ndarray of shape (n_neurons, height, width)
        Input weights of each shown neuron, as images (``height=1`` for
        strips).

    biases : ndarray of shape (n_neurons,)
        Bias of each shown neuron.

    neurons : ndarray of shape (n_neurons,), default=None
        Index of each shown neuron in the hidden layer, used in the panel
        titles; ``None`` means ``0, 1, ..., n_neurons - 1``.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes of shape (n_neurons,)
        The panel of each neuron, in the order of ``weights``.

    images_ : ndarray of matplotlib AxesImage of shape (n_neurons,)
        The image of each neuron.

    colorbar_ : matplotlib Colorbar or None
        The colour bar shared by all panels; ``None`` with ``colorbar=False``.

    title_ : matplotlib Text or None
        The title: the figure's when the display created the figure, the
        divided Axes' when it was given one Axes, ``None`` when it was given
        one Axes per neuron.

    figure_ : matplotlib Figure
        The figure holding the panels.

    See Also
    --------
    OutputWeightsDisplay : Weights of the output layer.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skscratch import HiddenWeightsDisplay, ScratchMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ScratchMLPClassifier(hidden_layer_sizes=(10,), max_iter=5,
    ...                            random_state=0)
    >>> pipe = make_pipeline(MinMaxScaler(), clf).fit(X, y)
    >>> display = HiddenWeightsDisplay.from_estimator(pipe)
    >>> display.weights.shape
    (10, 8, 8)
    >>> display.axes_[0].get_subplotspec().get_geometry()[:2]  # rows, columns
    (2, 5)
    >>> vmin, vmax = display.images_[0].get_clim()
    >>> bool(vmin == -vmax)
    True
    >>> display.title_.get_text()
    'Weights of the first hidden layer'
    """

    def __init__(self, weights, biases, *, neurons=None):
        self.weights = weights
        self.biases = biases
        self.neurons = neurons

    def plot(
        self, ax=None, *, cmap="coolwarm", ncols=None, imshow_kw=None, colorbar=True
    ):
        """Draw one image per neuron on a shared symmetric colour scale.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw. ``None`` creates a figure with a grid of panels. A
            single Axes (created as a subplot) is divided into the grid of
            panels, unless there is only one neuron. An array-like of Axes must
            hold one Axes per neuron.

        cmap : str or matplotlib Colormap, default="coolwarm"
            Colour map; a diverging one shows the sign of the weights.

        ncols : int, default=None
            Number of columns of the grid, when the grid is created here;
            ``None`` means one column of strips, or for images the fewest rows
            of at most eight panels, evenly filled (10 neurons: 2 rows of 5).

        imshow_kw : dict, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.imshow`, over
            the display's own (``cmap``, the shared symmetric ``vmin`` and
            ``vmax``, ``interpolation="nearest"``, ``aspect``).

        colorbar : bool, default=True
            Whether to draw the colour bar shared by the panels.

        Returns
        -------
        display : HiddenWeightsDisplay
            The display, with the artists in its attributes.
        """
        from matplotlib.image import AxesImage

        weights = np.asarray(self.weights)
        n_neurons = weights.shape[0]
        neurons = np.arange(n_neurons) if self.neurons is None else self.neurons
        nrows, ncols = _grid_shape(n_neurons, ncols, one_column=weights.shape[1] == 1)
        axes, title = self._panel_axes(ax, nrows, ncols, n_neurons, weights.shape[1:])
        limit = _symmetric_limit(weights)
        style = _style(
            {
                "cmap": cmap,
                "vmin": -limit,
                "vmax": limit,
                "interpolation": "nearest",
                "aspect": _aspect(weights[0]),
            },
            imshow_kw,
            AxesImage,
            "imshow_kw",
        )
        images = np.empty(n_neurons, dtype=object)
        for index, (panel, neuron, bias) in enumerate(
            zip(axes, neurons, self.biases, strict=True)
        ):
            images[index] = panel.imshow(weights[index], **style)
            panel.set_title(f"neuron {neuron}")
            panel.set_xlabel(f"bias = {bias:.2f}")
            panel.set_xticks([])
            panel.set_yticks([])

        self.axes_ = axes
        self.images_ = images
        self.title_ = title
        self.figure_ = axes[0].figure
        self.colorbar_ = (
            self.figure_.colorbar(images[0], ax=list(axes), label="weight")
            if colorbar
            else None
        )
        return self

    def _panel_axes(self, ax, nrows, ncols, n_neurons, image_shape):
        """The Axes to draw each neuron in, created or checked, and the title."""
        import matplotlib.pyplot as plt
        from matplotlib.axes import Axes

        if ax is None:
            panel_width, panel_height = (
                (6.0, 0.9) if image_shape[0] == 1 else (1.6, 1.9)
            )
            figure, grid = plt.subplots(
                nrows,
                ncols,
                squeeze=False,
                figsize=(panel_width * ncols + 1.2, panel_height * nrows + 0.6),
                layout="constrained",
            )
            grid = grid.ravel()
            for unused in grid[n_neurons:]:
                unused.remove()
            return grid[:n_neurons], figure.suptitle(_HIDDEN_WEIGHTS_TITLE)
        if isinstance(ax, Axes):
            if n_neurons == 1:
                return np.array([ax], dtype=object), None
            subplot_spec = ax.get_subplotspec()
            if subplot_spec is None:
                raise ValueError(
                    "To divide a single Axes into panels, it must be a subplot "
                    "(created by plt.subplots or Figure.add_subplot); otherwise "
                    f"pass {n_neurons} Axes."
                )
            ax.set_axis_off()
            title = ax.set_title(_HIDDEN_WEIGHTS_TITLE)
            cells = subplot_spec.subgridspec(nrows, ncols)
            figure = ax.figure
            panels = [figure.add_subplot(cells[index]) for index in range(n_neurons)]
            return np.array(panels, dtype=object), title
        return _check_axes_array(ax, n_neurons, type(self).__name__), None

    @classmethod
    def from_estimator(
        cls,
        estimator,
        image_shape=None,
        *,
        neurons=None,
        ax=None,
        cmap="coolwarm",
        ncols=None,
        imshow_kw=None,
        colorbar=True,
    ):
        """Draw the first hidden layer's weights of a fitted network.

        Parameters
        ----------
        estimator : estimator or Pipeline
            Fitted network with at least one hidden layer (such as
            ScratchMLPClassifier), or a Pipeline ending with one.

        image_shape : tuple of (int, int), default=None
            Shape of the input images; its product must be the number of input
            features. ``None`` draws a square image when the number of features
            is a perfect square (8x8 for 64 pixels), and otherwise a one-row
            strip of the weights.

        neurons : array-like of int, default=None
            Indices of the neurons to show; ``None`` shows all of them.

        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw; see :meth:`plot`.

        cmap : str or matplotlib Colormap, default="coolwarm"
            Colour map.

        ncols : int, default=None
            Number of columns of the grid; see :meth:`plot`.

        imshow_kw : dict, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.imshow`; see
            :meth:`plot`.

        colorbar : bool, default=True
            Whether to draw the colour bar.

        Returns
        -------
        display : HiddenWeightsDisplay
            The display, drawn.
        """
        network = _fitted_network(
            estimator, ("coefs_", "intercepts_"), f"{cls.__name__}.from_estimator"
        )
        if len(network.coefs_) < 2:
            raise ValueError("The estimator has no hidden layer.")
        coefs, intercepts = (
            to_numpy(network.coefs_[0]),
            to_numpy(network.intercepts_[0]),
        )
        image_shape = _image_shape(image_shape, coefs.shape[0])
        n_hidden = coefs.shape[1]
        if neurons is None:
            neurons = np.arange(n_hidden)
        else:
            neurons = _check_neurons(neurons, n_hidden)
        weights = coefs[:, neurons].T.reshape(-1, *image_shape)
        display = cls(weights, intercepts[neurons], neurons=neurons)
        return display.plot(
            ax=ax, cmap=cmap, ncols=ncols, imshow_kw=imshow_kw, colorbar=colorbar
        )


def _check_neurons(neurons, n_hidden):
    """Return ``neurons`` as a non-empty int array of indices below ``n_hidden``."""
    if isinstance(neurons, str) or np.ndim(neurons) != 1:
        raise TypeError(
            "neurons must be a 1-D array-like of neuron indices; "
            f"got {type(neurons).__name__}."
        )
    neurons = np.asarray(neurons)
    if neurons.size == 0:
        raise ValueError("neurons must hold at least one neuron index.")
    if not np.issubdtype(neurons.dtype, np.integer):
        raise TypeError(
            f"neurons must hold integer indices; got dtype {neurons.dtype}."
        )
    out_of_range = neurons[(neurons < 0) | (neurons >= n_hidden)]
    if out_of_range.size:
        raise ValueError(
            f"neurons must be indices in [0, {n_hidden}); got {out_of_range.tolist()}."
        )
    return neurons


class OutputWeightsDisplay:
    """Weights of the output layer as one matrix image.

    Row ``k`` holds the weights from every unit of the last hidden layer to
    output unit ``k`` (one per class, or a single unit for a binary problem
    with the log loss, which gives the probability of ``classes_[1]``; one per
    target for a regressor), followed by the output unit's bias in the last
    column. The colour scale is symmetric around zero.

    Create it with :meth:`from_estimator`.

    Parameters
    ----------
    weights : ndarray of shape (n_hidden, n_outputs)
        Weights from the last hidden layer to the outputs, as ``coefs_[-1]``.

    biases : ndarray of shape (n_outputs,)
        Biases of the output units, as ``intercepts_[-1]``.

    output_labels : array-like of shape (n_outputs,), default=None
        Label of each output unit (its class); ``None`` numbers them.

    Attributes
    ----------
    image_ : matplotlib AxesImage
        The matrix image; its data has shape (n_outputs, n_hidden + 1) with
        the biases, (n_outputs, n_hidden) without.

    colorbar_ : matplotlib Colorbar or None
        The colour bar; ``None`` with ``colorbar=False``.

    ax_ : matplotlib Axes
        The Axes holding the image.

    figure_ : matplotlib Figure
        The figure holding the image.

    See Also
    --------
    HiddenWeightsDisplay : Weights of the first hidden layer, as images.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skscratch import OutputWeightsDisplay, ScratchMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ScratchMLPClassifier(hidden_layer_sizes=(4,), max_iter=5,
    ...                            random_state=0).fit(X / 16, y)
    >>> display = OutputWeightsDisplay.from_estimator(
    ...     clf, imshow_kw={"cmap": "PiYG"}, colorbar=False)
    >>> display.image_.get_array().shape
    (10, 5)
    >>> [label.get_text() for label in display.ax_.get_xticklabels()]
    ['0', '1', '2', '3', 'bias']
    >>> display.image_.get_cmap().name, display.colorbar_
    ('PiYG', None)
    """

    def __init__(self, weights, biases, *, output_labels=None):
        self.weights = weights
        self.biases = biases
        self.output_labels = output_labels

    def plot(
        self,
        ax=None,
        *,
        include_bias=True,
        cmap="coolwarm",
        imshow_kw=None,
        colorbar=True,
    ):
        """Draw the output weights (and biases) as a matrix image.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw in; ``None`` creates a figure.

        include_bias : bool, default=True
            Whether to show the biases as a last column, labelled "bias".

        cmap : str or matplotlib Colormap, default="coolwarm"
            Colour map; a diverging one shows the sign of the weights.

        imshow_kw : dict, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.imshow`, over
            the display's own (``cmap``, symmetric ``vmin`` and ``vmax``,
            ``interpolation="nearest"``, ``aspect="auto"``).

        colorbar : bool, default=True
            Whether to draw the colour bar.

        Returns
        -------
        display : OutputWeightsDisplay
            The display, with the artists in its attributes.
        """
        import matplotlib.pyplot as plt
        from matplotlib.image import AxesImage

        matrix = np.asarray(self.weights).T
        n_outputs, n_hidden = matrix.shape
        if include_bias:
            matrix = np.column_stack([matrix, self.biases])
        if ax is None:
            _, ax = plt.subplots(
                figsize=(0.35 * matrix.shape[1] + 2.5, 0.35 * n_outputs + 1.5),
                layout="constrained",
            )
        limit = _symmetric_limit(matrix)
        style = _style(
            {
                "cmap": cmap,
                "vmin": -limit,
                "vmax": limit,
                "interpolation": "nearest",
                "aspect": "auto",
            },
            imshow_kw,
            AxesImage,
            "imshow_kw",
        )
        image = ax.imshow(matrix, **style)
        step = math.ceil(n_hidden / 20)
        hidden_ticks = list(range(0, n_hidden, step))
        tick_labels = [str(unit) for unit in hidden_ticks]
        if include_bias:
            ax.axvline(n_hidden - 0.5, color="black", linewidth=1)
            hidden_ticks.append(n_hidden)
            tick_labels.append("bias")
        ax.set_xticks(hidden_ticks, tick_labels)
        output_labels = (
            range(n_outputs) if self.output_labels is None else self.output_labels
        )
        ax.set_yticks(range(n_outputs), [str(label) for label in output_labels])
        ax.set_xlabel("hidden unit" + (" (and bias)" if include_bias else ""))
        ax.set_ylabel("output unit")
        ax.set_title("Output layer weights")

        self.image_ = image
        self.ax_ = ax
        self.figure_ = ax.figure
        self.colorbar_ = (
            self.figure_.colorbar(image, ax=ax, label="weight") if colorbar else None
        )
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        ax=None,
        include_bias=True,
        cmap="coolwarm",
        imshow_kw=None,
        colorbar=True,
    ):
        """Draw the output layer's weights of a fitted network.

        Parameters
        ----------
        estimator : estimator or Pipeline
            Fitted network (ScratchMLPClassifier or ScratchMLPRegressor), or a
            Pipeline ending with one. The rows are labelled with its
            ``classes_`` when it has them, and numbered otherwise.

        ax : matplotlib Axes, default=None
            Axes to draw in; ``None`` creates a figure.

        include_bias : bool, default=True
            Whether to show the output biases as a last column.

        cmap : str or matplotlib Colormap, default="coolwarm"
            Colour map.

        imshow_kw : dict, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.imshow`; see
            :meth:`plot`.

        colorbar : bool, default=True
            Whether to draw the colour bar.

        Returns
        -------
        display : OutputWeightsDisplay
            The display, drawn.
        """
        network = _fitted_network(
            estimator, ("coefs_", "intercepts_"), f"{cls.__name__}.from_estimator"
        )
        weights, biases = (
            to_numpy(network.coefs_[-1]),
            to_numpy(network.intercepts_[-1]),
        )
        display = cls(
            weights,
            biases,
            output_labels=_output_labels(network, n_outputs=weights.shape[1]),
        )
        return display.plot(
            ax=ax,
            include_bias=include_bias,
            cmap=cmap,
            imshow_kw=imshow_kw,
            colorbar=colorbar,
        )


def _output_labels(network, n_outputs):
    """The class of each output unit, or None when the units are not classes."""
    if not hasattr(network, "classes_"):
        return None
    classes = np.asarray(to_numpy(network.classes_))
    if n_outputs == 1 and classes.shape[0] == 2:
        return classes[1:]
    if n_outputs == classes.shape[0]:
        return classes
    return None


class TrainingHistoryDisplay:
    """Loss and score per epoch, on the training and the validation data.

    Two panels: the loss on the left, the score (accuracy for a classifier,
    :math:`R^2` for a regressor) on the right, each with the training curve
    and, when there was validation data, the validation curve. The training
    loss is the objective the solver minimised, the L2 penalty included
    (``loss_curve_``); the legend says so when that penalty was on (``alpha``
    above 0). The validation loss is the loss alone, so with a large
    ``alpha`` it lies below the training curve even on the same data. Epochs
    without a value (``None`` or NaN, as L-BFGS iterations whose training
    score was not measured) are skipped.

    Create it with :meth:`from_estimator`.

    Parameters
    ----------
    epochs : array-like of shape (n_epochs,)
        Epoch numbers.

    train_loss : array-like of shape (n_epochs,)
        Training loss per epoch.

    train_score : array-like of shape (n_epochs,), default=None
        Training score per epoch (``None`` entries are skipped).

    valid_loss : array-like of shape (n_epochs,), default=None
        Validation loss per epoch.

    valid_score : array-like of shape (n_epochs,), default=None
        Validation score per epoch.

    alpha : float, default=None
        The L2 penalty's ``alpha`` that the training loss includes; the
        training-loss legend says "with L2 penalty" when it is above 0.
        ``None`` (not known) says nothing about it.

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        The line of each drawn column among "train_loss", "valid_loss",
        "train_score" and "valid_score".

    axes_ : ndarray of matplotlib Axes of shape (2,)
        The loss panel and the score panel.

    figure_ : matplotlib Figure
        The figure holding the panels.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skscratch import ScratchMLPClassifier, TrainingHistoryDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ScratchMLPClassifier(hidden_layer_sizes=(4,), max_iter=5,
    ...                            random_state=0)
    >>> clf = clf.fit(X[:1500] / 16, y[:1500], X_val=X[1500:] / 16, y_val=y[1500:])
    >>> display = TrainingHistoryDisplay.from_estimator(clf, line_kw={"lw": 3})
    >>> sorted(display.lines_)
    ['train_loss', 'train_score', 'valid_loss', 'valid_score']
    >>> display.lines_["train_loss"].get_xdata().tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0]
    >>> display.lines_["train_loss"].get_label(), display.lines_["valid_loss"].get_lw()
    ('train (with L2 penalty)', 3.0)
    """

    def __init__(
        self,
        *,
        epochs,
        train_loss,
        train_score=None,
        valid_loss=None,
        valid_score=None,
        alpha=None,
    ):
        self.epochs = epochs
        self.train_loss = train_loss
        self.train_score = train_score
        self.valid_loss = valid_loss
        self.valid_score = valid_score
        self.alpha = alpha

    def plot(self, ax=None, *, line_kw=None, axes=_DEPRECATED):
        """Draw the loss and score curves.

        Parameters
        ----------
        ax : array-like of two matplotlib Axes, default=None
            Axes for the loss and the score; ``None`` creates a figure.

        line_kw : dict, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.plot`, applied
            to every curve over the display's own (``label`` and, under 50
            epochs, ``marker="."``).

        axes : array-like of two matplotlib Axes
            Former name of ``ax``, deprecated: it still works, with a
            ``FutureWarning``, and will be removed in a future version.

        Returns
        -------
        display : TrainingHistoryDisplay
            The display, with the artists in its attributes.
        """
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D

        ax = _ax_from_deprecated_axes(ax, axes, f"{type(self).__name__}.plot")
        columns = self._checked_columns()
        if ax is None:
            _, ax = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
        axes = _check_axes_array(ax, 2, type(self).__name__)
        epochs = np.asarray(self.epochs, dtype=float)
        panels = {
            "train_loss": axes[0],
            "valid_loss": axes[0],
            "train_score": axes[1],
            "valid_score": axes[1],
        }
        lines = {}
        for column, values in columns.items():
            measured = ~np.isnan(values)
            if not measured.any():
                continue
            style = _style(
                {
                    "label": self._legend_label(column),
                    "marker": "." if measured.sum() < 50 else None,
                },
                line_kw,
                Line2D,
                "line_kw",
            )
            (lines[column],) = panels[column].plot(
                epochs[measured], values[measured], **style
            )
        for panel, quantity in zip(axes, ("loss", "score"), strict=True):
            panel.set_xlabel("epoch")
            panel.set_ylabel(quantity)
            panel.set_title(quantity.capitalize())
            if panel.get_legend_handles_labels()[0]:
                panel.legend()

        self.lines_ = lines
        self.axes_ = axes
        self.figure_ = axes[0].figure
        return self

    def _checked_columns(self):
        """The given columns as float arrays (None as NaN), one value per epoch."""
        n_epochs = len(self.epochs)
        columns = {}
        for column in _HISTORY_COLUMNS:
            values = getattr(self, column)
            if values is None:
                continue
            if len(values) != n_epochs:
                raise ValueError(
                    f"{column} has {len(values)} values but there are {n_epochs} "
                    f"epochs: give one value per epoch (lengths: epochs {n_epochs}, "
                    + ", ".join(
                        f"{name} {len(getattr(self, name))}"
                        for name in _HISTORY_COLUMNS
                        if getattr(self, name) is not None
                    )
                    + ")."
                )
            columns[column] = np.array(
                [np.nan if value is None else value for value in values], dtype=float
            )
        return columns

    def _legend_label(self, column):
        if column == "train_loss" and self.alpha is not None and self.alpha > 0:
            return _PENALISED_TRAIN_LABEL
        return _LEGEND_LABELS[column]

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, line_kw=None, axes=_DEPRECATED):
        """Draw the training history of a fitted network.

        Parameters
        ----------
        estimator : estimator or Pipeline
            Fitted network with a ``history_`` (ScratchMLPClassifier or
            ScratchMLPRegressor), or a Pipeline ending with one. Its
            ``alpha`` tells whether the training loss includes an L2 penalty.

        ax : array-like of two matplotlib Axes, default=None
            Axes for the loss and the score; ``None`` creates a figure.

        line_kw : dict, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.plot`; see
            :meth:`plot`.

        axes : array-like of two matplotlib Axes
            Former name of ``ax``, deprecated: it still works, with a
            ``FutureWarning``, and will be removed in a future version.

        Returns
        -------
        display : TrainingHistoryDisplay
            The display, drawn.
        """
        caller = f"{cls.__name__}.from_estimator"
        ax = _ax_from_deprecated_axes(ax, axes, caller)
        network = _fitted_network(estimator, ("history_",), caller)
        history = network.history_
        columns = {
            column: [record.get(column) for record in history]
            for column in _HISTORY_COLUMNS
        }
        for column in ("valid_loss", "valid_score"):
            if all(value is None for value in columns[column]):
                columns[column] = None
        display = cls(
            epochs=history[:, "epoch"],
            alpha=getattr(network, "alpha", None),
            **columns,
        )
        return display.plot(ax=ax, line_kw=line_kw)


class PredictionDisplay:
    """One sample as an image, beside the predicted probability of each class.

    The bar of the predicted class is coloured; the bar of the true class,
    when known, has a thick black edge. The image's title gives the predicted
    (and true) label; a figure created by the display also has a caption
    saying whether the sample is classified correctly.

    Create it with :meth:`from_estimator`.

    Parameters
    ----------
    image : ndarray of shape (height, width)
        The sample's features, as an image (``height=1`` for a strip).

    probabilities : ndarray of shape (n_classes,)
        Predicted probability of each class.

    classes : ndarray of shape (n_classes,)
        The classes, in the order of ``probabilities``.

    y_pred : object
        The predicted label (one of ``classes``).

    y_true : object, default=None
        The true label (one of ``classes``), if known.

    Attributes
    ----------
    image_ : matplotlib AxesImage
        The sample's image.

    bars_ : matplotlib BarContainer
        One bar per class.

    colorbar_ : matplotlib Colorbar or None
        The image's colour bar, ``None`` unless ``colorbar=True``.

    caption_ : matplotlib Text or None
        The figure's caption ("Misclassified: predicted 1, true 2",
        "Correctly classified: 2" or "Predicted: 1"), when the display created
        the figure; ``None`` when it was given Axes.

    axes_ : ndarray of matplotlib Axes of shape (2,)
        The image panel and the bar-chart panel.

    figure_ : matplotlib Figure
        The figure holding the panels.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skscratch import PredictionDisplay, ScratchMLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = ScratchMLPClassifier(hidden_layer_sizes=(4,), max_iter=5,
    ...                            random_state=0).fit(X / 16, y)
    >>> display = PredictionDisplay.from_estimator(clf, X[0] / 16, y_true=y[0])
    >>> len(display.bars_)
    10
    >>> display.axes_[0].get_title() == f"predicted: {display.y_pred}, true: 0"
    True
    >>> display.caption_.get_text() == (
    ...     "Correctly classified: 0" if display.y_pred == 0
    ...     else f"Misclassified: predicted {display.y_pred}, true 0")
    True
    """

    def __init__(self, image, probabilities, classes, y_pred, *, y_true=None):
        self.image = image
        self.probabilities = probabilities
        self.classes = classes
        self.y_pred = y_pred
        self.y_true = y_true

    def plot(
        self,
        ax=None,
        *,
        cmap="gray_r",
        imshow_kw=None,
        bar_kw=None,
        colorbar=False,
        axes=_DEPRECATED,
    ):
        """Draw the image and the bar chart of probabilities.

        Parameters
        ----------
        ax : array-like of two matplotlib Axes, default=None
            Axes for the image and the bar chart; ``None`` creates a figure,
            with a caption.

        cmap : str or matplotlib Colormap, default="gray_r"
            Colour map of the image.

        imshow_kw : dict, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.imshow`, over
            the display's own (``cmap``, ``interpolation="nearest"``,
            ``aspect``).

        bar_kw : dict, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.bar`, over the
            display's own (``color``: the predicted class's and the others',
            ``linewidth=0``); the true class's edge is drawn after them.

        colorbar : bool, default=False
            Whether to draw a colour bar beside the image.

        axes : array-like of two matplotlib Axes
            Former name of ``ax``, deprecated: it still works, with a
            ``FutureWarning``, and will be removed in a future version.

        Returns
        -------
        display : PredictionDisplay
            The display, with the artists in its attributes.
        """
        import matplotlib.pyplot as plt
        from matplotlib.image import AxesImage
        from matplotlib.patches import Patch, Rectangle

        ax = _ax_from_deprecated_axes(ax, axes, f"{type(self).__name__}.plot")
        figure = None
        if ax is None:
            figure, ax = plt.subplots(
                1,
                2,
                figsize=(8, 3.8),
                layout="constrained",
                gridspec_kw={"width_ratios": [1, 2]},
            )
        axes = _check_axes_array(ax, 2, type(self).__name__)
        image_ax, bar_ax = axes
        classes = np.asarray(self.classes, dtype=object)

        image_style = _style(
            {"cmap": cmap, "interpolation": "nearest", "aspect": _aspect(self.image)},
            imshow_kw,
            AxesImage,
            "imshow_kw",
        )
        image = image_ax.imshow(self.image, **image_style)
        image_ax.set_xticks([])
        image_ax.set_yticks([])
        title = f"predicted: {self.y_pred}"
        if self.y_true is not None:
            title += f", true: {self.y_true}"
        image_ax.set_title(title)

        is_predicted = classes == self.y_pred
        bar_style = _style(
            {
                "color": np.where(is_predicted, _PREDICTED_COLOR, _BAR_COLOR),
                "linewidth": 0,
            },
            bar_kw,
            Rectangle,
            "bar_kw",
        )
        bars = bar_ax.bar(
            np.arange(classes.shape[0]),
            self.probabilities,
            tick_label=[str(label) for label in classes],
            **bar_style,
        )
        legend_handles = [Patch(facecolor=_PREDICTED_COLOR, label="predicted")]
        if self.y_true is not None:
            true_bar = bars[int(np.flatnonzero(classes == self.y_true)[0])]
            true_bar.set_edgecolor(_TRUE_EDGE_COLOR)
            true_bar.set_linewidth(_TRUE_EDGE_WIDTH)
            legend_handles.append(
                Patch(
                    facecolor="none",
                    edgecolor=_TRUE_EDGE_COLOR,
                    linewidth=_TRUE_EDGE_WIDTH,
                    label="true",
                )
            )
        bar_ax.set_ylim(0, 1)
        bar_ax.set_xlabel("class")
        bar_ax.set_ylabel("probability")
        bar_ax.legend(handles=legend_handles, loc="upper right")

        self.image_ = image
        self.bars_ = bars
        self.axes_ = axes
        self.figure_ = image_ax.figure
        self.colorbar_ = (
            self.figure_.colorbar(image, ax=image_ax, label="feature value")
            if colorbar
            else None
        )
        self.caption_ = None if figure is None else figure.suptitle(self._caption())
        return self

    def _caption(self):
        if self.y_true is None:
            return f"Predicted: {self.y_pred}"
        if self.y_true == self.y_pred:
            return f"Correctly classified: {self.y_true}"
        return f"Misclassified: predicted {self.y_pred}, true {self.y_true}"

    @classmethod
    def from_estimator(
        cls,
        estimator,
        x,
        *,
        y_true=None,
        image_shape=None,
        ax=None,
        cmap="gray_r",
        imshow_kw=None,
        bar_kw=None,
        colorbar=False,
        axes=_DEPRECATED,
    ):
        """Draw one sample and the network's prediction for it.

        Parameters
        ----------
        estimator : classifier or Pipeline
            Fitted classifier with ``predict_proba`` (single-label targets),
            such as ScratchMLPClassifier, or a Pipeline ending with one. The
            whole estimator predicts: ``x`` is a sample of its input.

        x : {array-like, sparse matrix} of shape (n_features,) or (1, n_features)
            The sample (a pandas row keeps its feature names).

        y_true : object, default=None
            The sample's true label, one of ``estimator.classes_``.

        image_shape : tuple of (int, int), default=None
            Shape of the image; its product must be the number of features.
            ``None`` draws a square image when the number of features is a
            perfect square, and otherwise a one-row strip.

        ax : array-like of two matplotlib Axes, default=None
            Axes for the image and the bar chart; ``None`` creates a figure.

        cmap : str or matplotlib Colormap, default="gray_r"
            Colour map of the image.

        imshow_kw : dict, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.imshow`; see
            :meth:`plot`.

        bar_kw : dict, default=None
            Keyword arguments for :meth:`matplotlib.axes.Axes.bar`; see
            :meth:`plot`.

        colorbar : bool, default=False
            Whether to draw a colour bar beside the image.

        axes : array-like of two matplotlib Axes
            Former name of ``ax``, deprecated: it still works, with a
            ``FutureWarning``, and will be removed in a future version.

        Returns
        -------
        display : PredictionDisplay
            The display, drawn.
        """
        caller = f"{cls.__name__}.from_estimator"
        ax = _ax_from_deprecated_axes(ax, axes, caller)
        _fitted_network(estimator, ("classes_", "predict_proba"), caller)
        x = _one_sample(x)
        classes = np.asarray(to_numpy(estimator.classes_))
        y_pred = to_numpy(estimator.predict(x))
        if np.ndim(y_pred) != 1:
            raise ValueError(
                f"{cls.__name__} shows single-label predictions; the estimator "
                "was fitted on multilabel targets."
            )
        if y_true is not None:
            y_true = _check_true_label(y_true, classes)
        probabilities = to_numpy(estimator.predict_proba(x))[0]
        pixels = np.asarray(x.toarray() if sp.issparse(x) else to_numpy(x), dtype=float)
        image = pixels.reshape(_image_shape(image_shape, pixels.size))
        display = cls(image, probabilities, classes, y_pred[0], y_true=y_true)
        return display.plot(
            ax=ax, cmap=cmap, imshow_kw=imshow_kw, bar_kw=bar_kw, colorbar=colorbar
        )


def _one_sample(x):
    """``x`` as a one-row 2-D input; a pandas row keeps its feature names."""
    if np.ndim(x) == 1:
        pandas = sys.modules.get("pandas")  # a pandas Series implies pandas is loaded
        if pandas is not None and isinstance(x, pandas.Series):
            return x.to_frame().T
        return np.reshape(x, (1, -1))
    if np.ndim(x) != 2 or np.shape(x)[0] != 1:
        raise ValueError(
            "x must be one sample: a 1-D array or a 2-D array with one row; "
            f"got shape {np.shape(x)}."
        )
    return x


def _check_true_label(y_true, classes):
    """Return ``y_true`` (a scalar or one-element array-like) as one of ``classes``."""
    labels = np.asarray(y_true, dtype=object).ravel()
    if labels.size != 1:
        raise ValueError(f"y_true must be one label; got {labels.size} labels.")
    label = labels[0]
    matches = np.flatnonzero(classes.astype(object) == label)
    if matches.size == 0:
        raise ValueError(
            f"y_true={label!r} is not one of the estimator's classes "
            f"{classes.tolist()}."
        )
    return classes[matches[0]]
