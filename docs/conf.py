"""Sphinx configuration for the skscratch documentation."""

import ast
import textwrap
from datetime import date

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.code import LiteralInclude
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
    # MathJax served from the built documentation, not from a CDN, so the
    # equations render offline.
    "sphinx-mathjax-offline",
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
    "header_links_before_dropdown": 4,
    "navbar_align": "left",
}
# No left sidebar: the pages have no subpages to list (the gallery's index lists
# the examples), so it would only take width from the code and the tables.
html_sidebars = {"**": []}
html_static_path = ["_static"]
html_css_files = ["skscratch.css"]

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "doc_module": ("skscratch",),
    "backreferences_dir": "gen_modules/backreferences",
    "reference_url": {"skscratch": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    # The pages of computation times load their scripts from CDNs: the
    # documentation is meant to be read offline too.
    "write_computation_times": False,
}


def _without_docstring(code):
    """``code``, the source of one function or class, without its docstring."""
    definition = ast.parse(textwrap.dedent(code)).body[0]
    first, *rest = definition.body
    if not (
        rest
        and isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return code
    lines = code.splitlines(keepends=True)
    del lines[first.lineno - 1 : first.end_lineno]
    return "".join(lines)


class LiteralIncludeWithoutDocstring(LiteralInclude):
    """``literalinclude`` without trailing blank lines, with a ``:no-docstring:`` flag.

    The flag shows the signature and the body of the object, without its
    docstring, whatever the length of the docstring: the pages show the code
    next to the equations that the text already states. The docstring is found
    by parsing the code, not by line numbers or markers, so a change to the
    code cannot make the page show the wrong lines.
    """

    option_spec = {**LiteralInclude.option_spec, "no-docstring": directives.flag}

    def run(self):
        if "no-docstring" in self.options and not (
            "pyobject" in self.options
            and self.options.keys().isdisjoint({"emphasize-lines", "lineno-match"})
        ):
            raise self.error(
                ":no-docstring: needs :pyobject: and cannot be combined with "
                ":emphasize-lines: or :lineno-match:"
            )
        result = super().run()
        for block in result[0].findall(nodes.literal_block):
            code = block.astext()
            if "no-docstring" in self.options:
                code = _without_docstring(code)
            code = code.rstrip() + "\n"  # no blank lines below the code
            block.rawsource = code
            block[:] = [nodes.Text(code)]
        return result


def setup(app):
    app.add_directive("literalinclude", LiteralIncludeWithoutDocstring, override=True)
