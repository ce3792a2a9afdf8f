"""Benchmark skscratch's estimators against scikit-learn's.

ScratchMLPClassifier is timed against MLPClassifier and ScratchMLPRegressor
against MLPRegressor. Every timed case runs both estimators in the same
process, alternating them repeat after repeat (A, B, A, B, ...) so that both
see the same machine load; the tables report medians and the ratio
``scikit-learn time / skscratch time`` (above 1: skscratch is faster).

Run ``python benchmarks/run.py`` (3 to 5 minutes on 2 cores for the NumPy
cases) or ``python benchmarks/run.py --quick`` (about a minute, smaller data,
fewer repeats). Results go to ``benchmarks/results/results.md``,
``results.json`` and ``results.png`` (``--out`` to write them elsewhere).

PyTorch cases: when PyTorch is installed, ScratchMLPClassifier also trains
on torch tensors (``sklearn.config_context(array_api_dispatch=True)``), in
float32, on the CPU and, when ``torch.cuda.is_available()``, on the GPU:
the 50,000 x 784 (100,) network at batch 200, and a 200,000 x 784
(1024, 1024) network at batches of 1,000 and 8,192, all with Adam. Each is
timed against MLPClassifier on the same data in NumPy on all the CPU cores
(no BLAS thread limit, even with ``--threads``), and against a loop doing
only the epoch's matrix products on the same device: their share of the
epoch, and the time per batch spent on everything else. ``--quick`` trains
on a tenth of the rows. Their results go to ``torch_results.md`` and
``torch_results.json``; without PyTorch they are skipped with a note. On a
machine with a GPU, ``python benchmarks/run.py --only torch --torch-device
cuda`` runs just these cases on the GPU (a few minutes, most of it
MLPClassifier's CPU epochs); ``--torch-device cpu`` the CPU ones. PyTorch
needs SciPy's array API support (``SCIPY_ARRAY_API=1``, set before SciPy is
imported), which makes SciPy's special functions slower on NumPy arrays: the
PyTorch cases run in a process of their own, with it set, and the NumPy cases
without it. That process also sets ``OMP_WAIT_POLICY=PASSIVE`` (unless it is
set already): otherwise PyTorch's CPU threads keep spinning after each
operation and take the cores from MLPClassifier's BLAS threads, and the other
way round, since the two alternate in one process.
"""

import argparse
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
import threadpoolctl
from floor_numpy import fit_floor, fit_notebook_floor
from sklearn.datasets import (
    load_diabetes,
    load_digits,
    make_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.estimator_checks import check_estimator

import skscratch
from skscratch import (
    ScratchMLPClassifier,
    ScratchMLPRegressor,
    notebook_network,
    notebook_split,
)
from skscratch import _notebook as notebook

CLASSIFIERS = {"skscratch": ScratchMLPClassifier, "sklearn": MLPClassifier}
REGRESSORS = {"skscratch": ScratchMLPRegressor, "sklearn": MLPRegressor}

# The 784-feature classification cases: hidden layers, solver and the
# parameters that differ from the defaults.
LARGE_CONFIGURATIONS = {
    "(100,) adam": ((100,), "adam", {}),
    "(256, 128) sgd Nesterov": (
        (256, 128),
        "sgd",
        {"momentum": 0.9, "nesterovs_momentum": True, "learning_rate_init": 0.01},
    ),
}


# ----------------------------------------------------------------------- timing


def interleaved(functions, repeats):
    """Run each function ``repeats`` times, alternating; return median seconds.

    ``functions`` maps a name to a callable; each call is timed on its own.
    """
    seconds = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            seconds[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in seconds.items()}


def peak_memory(function):
    """Peak bytes allocated (tracemalloc, numpy included) while ``function`` runs."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def fixed_epochs(hidden_layer_sizes, solver, epochs, **params):
    """Parameters that make both estimators run exactly ``epochs`` epochs."""
    return dict(
        hidden_layer_sizes=hidden_layer_sizes,
        solver=solver,
        batch_size=200,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=10**9,
        random_state=0,
        **params,
    )


def fit_function(estimator_class, params, X, y):
    return lambda: estimator_class(**params).fit(X, y)


def estimator_fits(implementations, params, X, y):
    """One fit callable per implementation, all with ``params`` on ``X, y``."""
    return {
        name: fit_function(cls, params, X, y) for name, cls in implementations.items()
    }


def floor_arguments(params):
    """``fit_floor``'s arguments for the estimators' parameters ``params``."""
    return {
        "hidden_layer_sizes": params["hidden_layer_sizes"],
        "solver": params["solver"],
        "epochs": params["max_iter"],
        "batch_size": params["batch_size"],
        "learning_rate": params.get("learning_rate_init", 1e-3),
        "alpha": params.get("alpha", 1e-4),
        "momentum": params.get("momentum", 0.9),
        "random_state": params["random_state"],
    }


# ------------------------------------------------------------------------ cases


def case_digits(config):
    """Default configuration on the digits (scaled to [0, 1]).

    The same fit as the fastest bare numpy loop we could write
    (``floor_numpy.py``) runs alongside: how fast numpy itself goes here.
    MLPClassifier runs its 200 epochs (``max_iter``) on this data, and so does
    the floor.
    """
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    params = {"random_state": 0}
    times = interleaved(
        {
            **estimator_fits(CLASSIFIERS, params, X, y),
            "floor": lambda: fit_floor(X, y, epochs=200),
        },
        config.repeats,
    )
    return {
        "case": "digits, default configuration (fit)",
        **ratio_row(times),
        "floor": times["floor"],
        "fit_memory": fit_peaks(CLASSIFIERS, params, X, y),
    }


def case_diabetes(config):
    """Default configuration on the diabetes data, as loaded: the whole fit.

    Both regressors run their 200 epochs (``max_iter``) of three mini-batches
    on this data.
    """
    X, y = load_diabetes(return_X_y=True)
    params = {"random_state": 0}
    times = interleaved(estimator_fits(REGRESSORS, params, X, y), config.repeats)
    return {
        "case": "diabetes regression, default configuration (fit)",
        **ratio_row(times),
        "fit_memory": fit_peaks(REGRESSORS, params, X, y),
    }


def fit_peaks(implementations, params, X, y):
    """Peak bytes (tracemalloc) of one fit of each estimator, X excluded.

    Each fit runs once untraced first, so that what a first call allocates
    once per process (lazy imports, caches) is not counted.
    """
    peaks = {}
    for name, cls in implementations.items():
        fit = fit_function(cls, params, X, y)
        fit()
        peaks[name] = peak_memory(fit)
    return peaks


def ratio_row(times, unit="s"):
    return {
        "skscratch": times["skscratch"],
        "sklearn": times["sklearn"],
        "ratio": times["sklearn"] / times["skscratch"],
        "unit": unit,
    }


def large_data(config):
    return classification_data(config.n_samples)


def classification_data(n_samples):
    """784 features, 50 of them informative, and 10 classes."""
    X, y = make_classification(
        n_samples=n_samples,
        n_features=784,
        n_informative=50,
        n_redundant=0,
        n_classes=10,
        random_state=0,
    )
    return X, y


def large_regression_data(config):
    """784 features, 50 of them informative, and a standardized real target."""
    X, y = make_regression(
        n_samples=config.n_samples,
        n_features=784,
        n_informative=50,
        noise=10.0,
        random_state=0,
    )
    return X, (y - y.mean()) / y.std()


def layer_shapes(n_features, hidden_layer_sizes, n_outputs):
    units = [n_features, *hidden_layer_sizes, n_outputs]
    return list(zip(units[:-1], units[1:], strict=True))


def gemm_seconds_per_epoch(
    n_samples,
    shapes,
    batch_size,
    dtype,
    repeats,
    to_array=lambda array: array,
    synchronize=lambda: None,
):
    """Time the matrix products of one epoch, on random arrays, nothing else.

    Per batch: the forward ``a^{l-1} @ W^l`` of every layer, and backward
    ``a^{l-1}.T @ delta^l`` for every layer and ``delta^l @ W^l.T`` for every
    layer but the first, exactly as backpropagation performs them. The arrays
    are drawn with NumPy and passed through ``to_array`` (to time them on
    another library or device); ``synchronize`` waits for the device to
    finish at the end of the epoch.
    """
    rng = np.random.default_rng(0)
    batches = [batch_size] * (n_samples // batch_size)
    if n_samples % batch_size:
        batches.append(n_samples % batch_size)

    def draw(shape):
        return to_array(rng.standard_normal(shape).astype(dtype))

    weights = [draw(shape) for shape in shapes]
    sizes = set(batches)
    inputs = {size: [draw((size, fan_in)) for fan_in, _ in shapes] for size in sizes}
    deltas = {size: [draw((size, fan_out)) for _, fan_out in shapes] for size in sizes}

    def epoch():
        for size in batches:
            for a, W in zip(inputs[size], weights, strict=True):
                a @ W
            for layer, (a, delta, W) in enumerate(
                zip(inputs[size], deltas[size], weights, strict=True)
            ):
                a.T @ delta
                if layer > 0:
                    delta @ W.T
        synchronize()

    epoch()  # untimed: the first call's costs (allocations, library set-up)
    return interleaved({"gemm": epoch}, repeats)["gemm"]


def case_large(config, X, y, hidden_layer_sizes, solver, dtype, label, **params):
    """Fixed-epoch classifier fit on the large data, with the numpy floor."""
    X = X.astype(dtype)
    fit_params = fixed_epochs(hidden_layer_sizes, solver, config.epochs, **params)
    times = interleaved(
        {
            **estimator_fits(CLASSIFIERS, fit_params, X, y),
            "floor": lambda: fit_floor(X, y, **floor_arguments(fit_params)),
        },
        config.repeats,
    )
    n_classes = len(np.unique(y))
    return epoch_row(config, label, CLASSIFIERS, fit_params, X, y, n_classes, times)


def case_large_regression(config, X, y, dtype, label):
    """Fixed-epoch regressor fit on the large data: (100,) adam, batches of 200."""
    X = X.astype(dtype)
    fit_params = fixed_epochs((100,), "adam", config.epochs)
    times = interleaved(estimator_fits(REGRESSORS, fit_params, X, y), config.repeats)
    return epoch_row(config, label, REGRESSORS, fit_params, X, y, 1, times)


def epoch_row(config, label, implementations, fit_params, X, y, n_outputs, times):
    """The result row of a fixed-epoch case from the ``times`` of its fits.

    Seconds per epoch, the GEMM-only time of an epoch of the same network
    (``n_outputs`` output units) and the peak memory of a one-epoch fit; the
    numpy floor's time when ``times`` has one.
    """
    per_epoch = {name: seconds / config.epochs for name, seconds in times.items()}
    shapes = layer_shapes(X.shape[1], fit_params["hidden_layer_sizes"], n_outputs)
    gemm = gemm_seconds_per_epoch(
        X.shape[0], shapes, fit_params["batch_size"], X.dtype, config.repeats
    )
    row = {
        "case": f"{label}, {X.dtype.name}, s/epoch",
        **ratio_row(per_epoch),
        "gemm": gemm,
        "gemm_fraction": {name: gemm / s for name, s in per_epoch.items()},
        # No implementation performing these products can beat this ratio.
        "ceiling": per_epoch["sklearn"] / gemm,
        "fit_memory": fit_peaks(implementations, {**fit_params, "max_iter": 1}, X, y),
    }
    if "floor" in per_epoch:
        row["floor"] = per_epoch["floor"]
    return row


def case_predict(config, X, y):
    """predict_proba throughput on 2 n_samples rows, and memory on 1,000,000 rows."""
    params = fixed_epochs((100,), "adam", 1)
    models = {name: cls(**params).fit(X, y) for name, cls in CLASSIFIERS.items()}
    X_large = np.vstack([X, X])
    times = interleaved(
        {
            name: (lambda model=model, X=X_large: model.predict_proba(X))
            for name, model in models.items()
        },
        config.repeats,
    )
    rows_per_second = {name: X_large.shape[0] / s for name, s in times.items()}
    throughput = {
        "case": f"predict_proba throughput, {X_large.shape[0]:,} x 784 (rows/s)",
        "skscratch": rows_per_second["skscratch"],
        "sklearn": rows_per_second["sklearn"],
        "ratio": rows_per_second["skscratch"] / rows_per_second["sklearn"],
        "unit": "rows/s",
    }
    del X_large
    # Peak memory on a million rows, with a 64-feature model to keep X small.
    rng = np.random.default_rng(0)
    X_small = rng.standard_normal((20_000, 64))
    y_small = rng.integers(0, 10, 20_000)
    small_models = {
        name: cls(**fixed_epochs((100,), "adam", 1)).fit(X_small, y_small)
        for name, cls in CLASSIFIERS.items()
    }
    X_million = rng.standard_normal((config.predict_rows, 64))
    peaks = {
        name: peak_memory(lambda model=model: model.predict(X_million))
        for name, model in small_models.items()
    }
    memory = memory_row(
        f"peak memory of predict, {config.predict_rows:,} x 64 (MiB)", peaks, X_million
    )
    return [throughput, memory]


def memory_row(case, peaks, X):
    """A result row of peak memory in MiB, with the input's size beside it."""
    return {
        "case": case,
        "skscratch": peaks["skscratch"] / 2**20,
        "sklearn": peaks["sklearn"] / 2**20,
        "ratio": peaks["sklearn"] / peaks["skscratch"],
        "unit": "MiB",
        "input_mib": X.nbytes / 2**20,
    }


def case_scaling(config):
    """Seconds per epoch at growing numbers of samples (adam, hidden (100,))."""
    rows = []
    for n_samples in config.scaling_sizes:
        X, y = make_classification(
            n_samples=n_samples,
            n_features=784,
            n_informative=50,
            n_redundant=0,
            n_classes=10,
            random_state=0,
        )
        params = fixed_epochs((100,), "adam", 1)
        times = interleaved(
            estimator_fits(CLASSIFIERS, params, X, y), config.scaling_repeats
        )
        rows.append({"n_samples": n_samples, **times})
    return rows


# ------------------------------------------------------------ notebook's network


def case_notebook(config):
    """Per-sample time: the notebook's pure-Python loop vs skscratch at batch 50."""
    X_train, _, y_train, _ = notebook_split()
    network = notebook.new_network(random.Random(0))
    # As in the notebook, each image is a list of numpy floats.
    images = [list(image) for image in X_train[: config.notebook_samples]]
    targets = [notebook.one_hot(label) for label in y_train[: config.notebook_samples]]
    samples = list(zip(images, targets, strict=True))

    def python_loop():
        for input_vector, target_vector in samples:
            notebook.backpropagate(network, input_vector, target_vector, 1.0)

    n_train = len(y_train)
    epochs = 10
    notebook_model = notebook_network(
        batch_size=50, max_iter=epochs, tol=0.0, n_iter_no_change=10**9
    )
    times = interleaved(
        {
            "python": python_loop,
            "skscratch": lambda: notebook_model.fit(X_train, y_train),
            "floor": lambda: fit_notebook_floor(X_train, y_train, epochs),
        },
        config.repeats,
    )
    per_sample = {
        "python": times["python"] / len(samples),
        "skscratch": times["skscratch"] / (epochs * n_train),
        "floor": times["floor"] / (epochs * n_train),
    }
    return {
        "case": "notebook network, time per sample (us): skscratch vs pure Python",
        "skscratch": per_sample["skscratch"] * 1e6,
        "sklearn": per_sample["python"] * 1e6,
        "ratio": per_sample["python"] / per_sample["skscratch"],
        "unit": "us/sample",
        "floor": per_sample["floor"] * 1e6,
    }


def case_check_estimator(implementations, kind):
    """Wall time of scikit-learn's check_estimator suite on each default estimator."""
    times = {}
    for name, cls in implementations.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            check_estimator(cls(), on_fail=None)
            times[name] = time.perf_counter() - start
    return {"case": f"check_estimator suite, {kind} (s)", **ratio_row(times)}


# ---------------------------------------------------------------- PyTorch cases

# Rows, hidden layers and batch size of each PyTorch case (adam, float32).
TORCH_CONFIGURATIONS = (
    (50_000, (100,), 200),
    (200_000, (1024, 1024), 1_000),
    (200_000, (1024, 1024), 8_192),
)


def import_torch():
    """PyTorch, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def torch_devices(config, torch):
    """``--torch-device``, or the CPU and, when there is one, the GPU."""
    if config.torch_device != "auto":
        if config.torch_device == "cuda" and not torch.cuda.is_available():
            raise SystemExit("--torch-device cuda: PyTorch sees no CUDA device.")
        return [config.torch_device]
    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


def case_torch(config, torch, device, X, y, hidden_layer_sizes, batch_size):
    """ScratchMLPClassifier on torch tensors on ``device`` against MLPClassifier
    on the same float32 data as NumPy arrays, on all the CPU cores.

    Seconds per epoch (fits of ``config.torch_epochs`` epochs, divided), and
    the matrix products of an epoch timed alone on ``device``: their share of
    skscratch's epoch and the time per batch spent on everything else.
    """
    synchronize = torch.cuda.synchronize if device == "cuda" else lambda: None
    X_device, y_device = (
        torch.asarray(X, device=device),
        torch.asarray(y, device=device),
    )
    params = {
        **fixed_epochs(hidden_layer_sizes, "adam", config.torch_epochs),
        "batch_size": batch_size,
    }

    def skscratch_fit(rows=slice(None), **changed):
        with sklearn.config_context(array_api_dispatch=True):
            ScratchMLPClassifier(**{**params, **changed}).fit(
                X_device[rows], y_device[rows]
            )
        synchronize()

    skscratch_fit(slice(0, 2 * batch_size), max_iter=1)  # warm-up (kernels, caches)
    times = interleaved(
        {
            "skscratch": skscratch_fit,
            "sklearn": fit_function(MLPClassifier, params, X, y),
        },
        config.torch_repeats,
    )
    per_epoch = {name: seconds / config.torch_epochs for name, seconds in times.items()}
    gemm = gemm_seconds_per_epoch(
        X.shape[0],
        layer_shapes(X.shape[1], hidden_layer_sizes, len(np.unique(y))),
        batch_size,
        np.float32,
        config.torch_repeats,
        to_array=lambda array: torch.asarray(array, device=device),
        synchronize=synchronize,
    )
    n_batches = math.ceil(X.shape[0] / batch_size)
    return {
        "case": f"{X.shape[0] // 1000}k x 784, {hidden_layer_sizes} adam, "
        f"batch {batch_size:,}, float32, s/epoch",
        "device": device,
        "epochs": config.torch_epochs,
        **ratio_row(per_epoch),
        "gemm": gemm,
        "gemm_fraction": gemm / per_epoch["skscratch"],
        "other_per_batch": (per_epoch["skscratch"] - gemm) / n_batches,
    }


def run_torch(config):
    """The PyTorch cases on each device (none, with a note, without PyTorch)."""
    results = {
        "mode": "quick" if config.quick else "full",
        "command": " ".join(["python benchmarks/run.py", *sys.argv[1:]]),
        "machine": machine_info(),
        "torch": None,
        "cases": [],
    }
    torch = import_torch()
    if torch is None:
        results["note"] = "PyTorch is not installed: the PyTorch cases were skipped."
        print(results["note"], flush=True)
        return results
    results["torch"] = {
        "version": torch.__version__,
        "cpu_threads": torch.get_num_threads(),
        "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY"),
        "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
    }
    data = {}
    for device in torch_devices(config, torch):
        for n_samples, hidden_layer_sizes, batch_size in TORCH_CONFIGURATIONS:
            n_samples //= config.torch_row_divisor
            if n_samples not in data:
                X, y = classification_data(n_samples)
                data[n_samples] = X.astype(np.float32), y
            row = case_torch(
                config, torch, device, *data[n_samples], hidden_layer_sizes, batch_size
            )
            results["cases"].append(row)
            print(
                f"PyTorch {device}, {row['case']}: skscratch {row['skscratch']:.3f}, "
                f"MLPClassifier {row['sklearn']:.3f}, ratio {row['ratio']:.2f}, "
                f"matrix products {row['gemm_fraction']:.0%}",
                flush=True,
            )
    return results


# ----------------------------------------------------------------- machine info


def machine_info():
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    blas = [
        {
            key: info.get(key)
            for key in ("internal_api", "version", "architecture", "num_threads")
        }
        | {"library": Path(info["filepath"]).name}
        for info in threadpoolctl.threadpool_info()
        if info.get("user_api") == "blas"
    ]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "blas": blas,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
        "SCIPY_ARRAY_API": os.environ.get("SCIPY_ARRAY_API"),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "skscratch": skscratch_source(),
    }


def skscratch_source():
    """Where the measured skscratch was imported from, and its git commit.

    The commit is None outside a git checkout (an installed wheel).
    """
    folder = Path(skscratch.__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    return {"version": skscratch.__version__, "path": str(folder), "commit": commit}


# ---------------------------------------------------------------------- reports


def format_value(value, unit):
    if unit == "rows/s":
        return f"{value:,.0f}"
    if unit in ("MiB", "us/sample"):
        return f"{value:,.1f}"
    return f"{value:.3f}"


def markdown(results):
    info = results["machine"]
    blas = "; ".join(
        f"{b['library']} ({b['internal_api']} {b['version']}, kernel "
        f"{b['architecture']}, {b['num_threads']} threads)"
        for b in info["blas"]
    )
    lines = [
        "# skscratch benchmark results",
        "",
        f"- Mode: {results['mode']}; BLAS thread limit: {results['threads']}",
        f"- CPU: {info['cpu']}, {info['cores']} cores",
        f"- Python {info['python']}, numpy {info['numpy']}, scipy {info['scipy']}, "
        f"scikit-learn {info['scikit-learn']}",
        f"- BLAS: {blas}",
        f"- OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']}, "
        f"OPENBLAS_L2_SIZE={info['OPENBLAS_L2_SIZE']}",
        f"- Date: {info['date']}; command: `{results['command']}`",
        f"- skscratch {info['skscratch']['version']}, commit "
        f"{info['skscratch']['commit'] or 'unknown (not a git checkout)'}",
        "",
        "scikit-learn: MLPClassifier against ScratchMLPClassifier, MLPRegressor "
        "against ScratchMLPRegressor (the regression rows). Ratio: scikit-learn "
        "/ skscratch for times and memory, skscratch / scikit-learn for "
        "throughput (above 1: skscratch is better). For the notebook row the "
        "scikit-learn column is the notebook's pure-Python loop.",
        "",
        "| case | skscratch | scikit-learn | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in results["cases"]:
        lines.append(
            f"| {row['case']} | {format_value(row['skscratch'], row['unit'])} | "
            f"{format_value(row['sklearn'], row['unit'])} | {row['ratio']:.2f} |"
        )
    lines += [
        "",
        "## Share of the epoch spent in matrix products",
        "",
        "GEMM-only time: the matmuls of one epoch on random arrays of the same "
        "shapes; fraction = GEMM-only time / measured epoch time (floor: the "
        "numpy floor below). Ceiling: "
        "scikit-learn's epoch / GEMM-only time, the largest speed-up any "
        "implementation performing the same matrix products could reach.",
        "",
        "| case | GEMM-only s/epoch | skscratch fraction | scikit-learn fraction "
        "| floor fraction | ceiling |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["cases"]:
        if "gemm" in row:
            lines.append(
                f"| {row['case']} | {row['gemm']:.3f} | "
                f"{row['gemm_fraction']['skscratch']:.0%} | "
                f"{row['gemm_fraction']['sklearn']:.0%} | "
                f"{floor_fraction(row)} | {row['ceiling']:.2f} |"
            )
    lines += [
        "",
        "## A floor: the same fits as the fastest bare numpy loops we could write",
        "",
        "`floor_numpy.py` trains the same networks with the same arithmetic (up "
        "to rounding) and nothing else: no loss, accuracy, history, stopping "
        "rule, checks or sample weights; activations, deltas and gradients "
        "allocated once per fit. Reference: MLPClassifier, or for the notebook "
        "network the notebook's pure-Python loop (which updates after every "
        "sample); reference / floor is the speed-up our fastest numpy loop "
        "reached for that work on this machine in this run.",
        "",
        "| case | floor | skscratch | reference | reference / floor |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in results["cases"]:
        if "floor" in row:
            lines.append(
                f"| {row['case']} | {format_value(row['floor'], row['unit'])}"
                f" | {format_value(row['skscratch'], row['unit'])} | "
                f"{format_value(row['sklearn'], row['unit'])} | "
                f"{row['sklearn'] / row['floor']:.2f} |"
            )
    lines += [
        "",
        "## Peak memory of each fit (MiB, tracemalloc, X excluded)",
        "",
        "One fit per estimator (large cases: one epoch).",
        "",
        "| case | skscratch | scikit-learn | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in results["cases"]:
        if "fit_memory" in row:
            memory = row["fit_memory"]
            lines.append(
                f"| {row['case']} | {memory['skscratch'] / 2**20:.1f} | "
                f"{memory['sklearn'] / 2**20:.1f} | "
                f"{memory['sklearn'] / memory['skscratch']:.2f} |"
            )
    lines += [
        "",
        "## float32 speed-up over float64 (s/epoch float64 / s/epoch float32)",
        "",
        "| configuration | skscratch | scikit-learn |",
        "| --- | ---: | ---: |",
    ]
    for label, speedups in results["float32_speedup"].items():
        lines.append(
            f"| {label} | {speedups['skscratch']:.2f} | {speedups['sklearn']:.2f} |"
        )
    lines += [
        "",
        "## Scaling: classifier seconds per epoch (adam, (100,), 784 features)",
        "",
        "| n_samples | skscratch s | per 10k samples | MLPClassifier s "
        "| per 10k samples |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["scaling"]:
        per = 1e4 / row["n_samples"]
        lines.append(
            f"| {row['n_samples']:,} | {row['skscratch']:.3f} | "
            f"{row['skscratch'] * per:.3f} | {row['sklearn']:.3f} | "
            f"{row['sklearn'] * per:.3f} |"
        )
    return "\n".join(lines) + "\n"


def torch_markdown(results):
    """The report of the PyTorch cases."""
    info = results["machine"]
    lines = [
        "# skscratch benchmark results: PyTorch",
        "",
        f"- Mode: {results['mode']}",
        f"- CPU: {info['cpu']}, {info['cores']} cores",
        f"- Date: {info['date']}; command: `{results['command']}`",
        f"- skscratch {info['skscratch']['version']}, commit "
        f"{info['skscratch']['commit'] or 'unknown (not a git checkout)'}",
    ]
    if results["torch"] is None:
        return "\n".join([*lines, "", results["note"]]) + "\n"
    torch_info = results["torch"]
    lines += [
        f"- PyTorch {torch_info['version']}, {torch_info['cpu_threads']} CPU threads "
        f"(OMP_WAIT_POLICY={torch_info['OMP_WAIT_POLICY']}); "
        f"GPU: {torch_info['gpu'] or 'none'}",
        f"- numpy {info['numpy']}, scikit-learn {info['scikit-learn']}",
        "",
        "ScratchMLPClassifier trains on torch tensors on the device "
        "(`array_api_dispatch=True`), MLPClassifier on the same float32 data "
        "as NumPy arrays on all the CPU cores. Seconds per epoch: a fit of the "
        "given number of epochs, divided. Ratio: MLPClassifier / skscratch. "
        "Matrix products: a loop doing only the matrix products of an epoch "
        "(forward and backward) on the device, as a share of skscratch's "
        "epoch; other: the rest of skscratch's epoch, per batch.",
        "",
        "| device | case | epochs | skscratch | MLPClassifier | ratio "
        "| matrix products | other per batch (ms) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["cases"]:
        lines.append(
            f"| {row['device']} | {row['case']} | {row['epochs']} | "
            f"{row['skscratch']:.3f} | {row['sklearn']:.3f} | {row['ratio']:.2f} | "
            f"{row['gemm_fraction']:.0%} | {row['other_per_batch'] * 1e3:.2f} |"
        )
    return "\n".join(lines) + "\n"


def floor_fraction(row):
    """The GEMM-only share of the numpy floor's epoch, where a floor was timed."""
    return f"{row['gemm'] / row['floor']:.0%}" if "floor" in row else "-"


def bar_chart(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = results["cases"]
    labels = [row["case"] for row in rows]
    ratios = [row["ratio"] for row in rows]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.5))
    positions = np.arange(len(rows))[::-1]
    ax.barh(positions, ratios, color="tab:blue")
    ax.set_yticks(positions, labels, fontsize=8)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("ratio (above 1: skscratch better; log scale)")
    for position, ratio in zip(positions, ratios, strict=True):
        ax.text(ratio, position, f" {ratio:.2f}", va="center", fontsize=8)
    ax.set_title(
        "skscratch vs scikit-learn's MLPClassifier and MLPRegressor\n"
        "(notebook row: vs pure Python)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------------- main


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="about one minute: 10,000 samples, fewer repeats, no check_estimator",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit BLAS threads (threadpoolctl); default: the library's own",
    )
    parser.add_argument(
        "--only",
        choices=("all", "numpy", "torch"),
        default="all",
        help="run only the NumPy cases or only the PyTorch cases",
    )
    parser.add_argument(
        "--torch-device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="device of the PyTorch cases; auto: the CPU, and the GPU if any",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "results",
        help="folder for results.md, results.json and results.png",
    )
    arguments = parser.parse_args(argv)
    arguments.torch_row_divisor = 10 if arguments.quick else 1
    arguments.torch_epochs, arguments.torch_repeats = (
        (1, 2) if arguments.quick else (2, 3)
    )
    if arguments.quick:
        arguments.n_samples, arguments.epochs, arguments.repeats = 10_000, 1, 2
        arguments.scaling_sizes, arguments.scaling_repeats = (5_000, 10_000, 20_000), 1
        arguments.predict_rows, arguments.notebook_samples = 200_000, 100
    else:
        arguments.n_samples, arguments.epochs, arguments.repeats = 50_000, 2, 5
        arguments.scaling_sizes = (10_000, 50_000, 200_000)
        arguments.scaling_repeats = 2
        arguments.predict_rows, arguments.notebook_samples = 1_000_000, 300
    return arguments


def run(config):
    if os.environ.get("SCIPY_ARRAY_API"):
        print(
            "Note: SCIPY_ARRAY_API is set, which slows SciPy's special functions "
            "on NumPy arrays (and skscratch with them).",
            flush=True,
        )
    results = {
        "mode": "quick" if config.quick else "full",
        "threads": config.threads or "none",
        "command": " ".join(["python benchmarks/run.py", *sys.argv[1:]]),
        "machine": machine_info(),
        "cases": [],
    }

    def report(row):
        results["cases"].append(row)
        print(
            f"{row['case']}: skscratch {format_value(row['skscratch'], row['unit'])}"
            f", other {format_value(row['sklearn'], row['unit'])}"
            f", ratio {row['ratio']:.2f}",
            flush=True,
        )

    report(case_digits(config))
    X, y = large_data(config)
    size = f"{X.shape[0] // 1000}k x 784"
    results["float32_speedup"] = {}
    large_rows = []
    for name, (hidden, solver, params) in LARGE_CONFIGURATIONS.items():
        label = f"{size}, {name}"
        rows = {}
        for dtype in (np.float64, np.float32):
            rows[dtype] = case_large(
                config, X, y, hidden, solver, dtype, label, **params
            )
            report(rows[dtype])
            large_rows.append(rows[dtype])
        results["float32_speedup"][label] = float32_speedup(rows)
    report(case_diabetes(config))
    X_regression, y_regression = large_regression_data(config)
    label = f"regression {size}, (100,) adam"
    rows = {}
    for dtype in (np.float64, np.float32):
        rows[dtype] = case_large_regression(
            config, X_regression, y_regression, dtype, label
        )
        report(rows[dtype])
    results["float32_speedup"][label] = float32_speedup(rows)
    del X_regression, y_regression
    for row in case_predict(config, X, y):
        report(row)
    report(
        memory_row(
            f"peak memory of fit, {X.shape[0]:,} x 784 float64 (MiB)",
            large_rows[0]["fit_memory"],  # (100,) adam, float64
            X,
        )
    )
    del X, y
    results["scaling"] = case_scaling(config)
    for row in results["scaling"]:
        print(
            f"scaling, {row['n_samples']:,} samples: skscratch "
            f"{row['skscratch']:.3f} s, scikit-learn {row['sklearn']:.3f} s",
            flush=True,
        )
    report(case_notebook(config))
    if not config.quick:
        report(case_check_estimator(CLASSIFIERS, "classifier"))
        report(case_check_estimator(REGRESSORS, "regressor"))
    return results


def float32_speedup(rows):
    """Seconds per epoch in float64 / in float32, for each implementation."""
    return {
        name: rows[np.float64][name] / rows[np.float32][name]
        for name in ("skscratch", "sklearn")
    }


def main(argv=None):
    config = parse_arguments(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    config.out.mkdir(parents=True, exist_ok=True)
    if config.only in ("all", "numpy"):
        if config.threads:
            with threadpoolctl.threadpool_limits(config.threads, user_api="blas"):
                results = run(config)
        else:
            results = run(config)
        (config.out / "results.json").write_text(json.dumps(results, indent=2))
        (config.out / "results.md").write_text(markdown(results))
        bar_chart(results, config.out / "results.png")
        print(f"Wrote {config.out}/results.md, results.json and results.png")
    if config.only not in ("all", "torch"):
        return
    if os.environ.get("SCIPY_ARRAY_API") != "1":
        subprocess.run(
            [sys.executable, __file__, *torch_arguments(config)],
            env={"OMP_WAIT_POLICY": "PASSIVE", **os.environ, "SCIPY_ARRAY_API": "1"},
            check=True,
        )
        return
    results = run_torch(config)  # MLPClassifier on all cores: no thread limit
    (config.out / "torch_results.json").write_text(json.dumps(results, indent=2))
    (config.out / "torch_results.md").write_text(torch_markdown(results))
    print(f"Wrote {config.out}/torch_results.md and torch_results.json")


def torch_arguments(config):
    """The command-line arguments that run this configuration's PyTorch cases."""
    arguments = ["--only", "torch", "--torch-device", config.torch_device]
    arguments += ["--out", str(config.out)]
    return [*arguments, "--quick"] if config.quick else arguments


if __name__ == "__main__":
    main()
