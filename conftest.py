"""pytest configuration for the doctests of the package."""

import importlib.util

# skscratch.callbacks follows scikit-learn's callback API, which scikit-learn
# has from 1.9 on: its examples cannot run with an older scikit-learn.
collect_ignore = (
    [] if importlib.util.find_spec("sklearn.callback") else ["skscratch/callbacks.py"]
)
