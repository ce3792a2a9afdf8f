"""Sphinx configuration for the skscratch documentation."""

from datetime import date

from threadpoolctl import threadpool_limits

import skscratch

# The examples train small networks, for which several BLAS threads only add
# contention on a small machine: run them single-threaded.
threadpool_limits(limits=1)

project = "skscratch"
author = "The skscratch developers"
copyright = f"{date.today().year}, {author}"
version = skscratch.__version__
release = skscratch.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
root_doc = "index"

# API pages are generated at build time into gen_modules/ (ignored by git).
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

html_theme = "pydata_sphinx_theme"
html_title = f"skscratch {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "doc_module": ("skscratch",),
    "backreferences_dir": "gen_modules/backreferences",
    "reference_url": {"skscratch": None},
    "download_all_examples": False,
    "remove_config_comments": True,
}
