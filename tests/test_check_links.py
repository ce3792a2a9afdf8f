"""``docs/check_links.py`` finds broken internal links and only those."""

import importlib.util
from pathlib import Path

import pytest

CHECKER = Path(__file__).parents[1] / "docs" / "check_links.py"


@pytest.fixture(scope="module")
def check_links():
    spec = importlib.util.spec_from_file_location("check_links", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_site(root, pages):
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")


def test_links_that_resolve_pass(check_links, tmp_path):
    write_site(
        tmp_path,
        {
            "index.html": (
                '<h1 id="top">Home</h1><a href="#top">here</a>'
                '<a href="api/page.html#skscratch.Fit">api</a>'
                '<a href="api/">folder</a><a href="#">empty fragment</a>'
                '<a href="glossary.html#term-a%20b">encoded</a>'
                '<a href="https://example.org/missing.html#x">external</a>'
                '<a href="mailto:a@b.c">mail</a><a href="//cdn.example/x.js">cdn</a>'
                '<script src="_static/app.js?digest=1"></script>'
            ),
            "api/page.html": '<dt id="skscratch.Fit"></dt><a href="../index.html">',
            "api/index.html": "",
            "glossary.html": '<a name="term-a b"></a>',
        },
    )
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "app.js").write_text("", encoding="utf-8")
    write_site(tmp_path, {"_static/template.html": "<a href=\"{{ pathto('x') }}\">"})

    assert check_links.broken_links(tmp_path) == []
    assert check_links.main([str(tmp_path)]) == 0


def test_missing_files_and_anchors_are_reported(check_links, tmp_path, capsys):
    write_site(
        tmp_path,
        {
            "index.html": (
                '<p id="here"></p><a href="#there">a</a>'
                '<a href="glossary.html#accuracy-score">b</a>'
                '<a href="gone.html">c</a><img src="_images/gone.png">'
            ),
            "glossary.html": '<dt id="term-accuracy"></dt>',
        },
    )

    assert check_links.broken_links(tmp_path) == [
        "index.html: #there (no id 'there' in index.html)",
        "index.html: glossary.html#accuracy-score "
        "(no id 'accuracy-score' in glossary.html)",
        "index.html: gone.html (missing file)",
        "index.html: _images/gone.png (missing file)",
    ]
    assert check_links.main([str(tmp_path)]) == 1
    assert "4 broken internal links in 2 pages" in capsys.readouterr().out
