"""Check the internal links of a built HTML documentation.

Walks every ``.html`` page under a folder (not the theme's files in
``_static``, which include unrendered templates), collects the ``href`` and ``src`` of
its tags, and reports each relative URL or ``#fragment`` that points to a file
that does not exist or to an ``id`` (or ``<a name>``) that the target page does
not define. External URLs (any scheme, such as ``https:`` or ``mailto:``, and
``//host`` URLs) are skipped: the check needs no network.

Usage::

    python docs/check_links.py docs/_build/html

It prints one line per broken link and exits with status 1 if there is any,
0 otherwise.
"""

import argparse
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = ("href", "src")
ASSET_FOLDER = "_static"


class _PageParser(HTMLParser):
    """Collect the anchors a page defines and the URLs it links to."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors = set()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.anchors.add(value)
            elif name in LINK_ATTRIBUTES:
                self.urls.append(value)

    handle_startendtag = handle_starttag


def parse_page(path):
    """Return the anchors defined in the HTML file ``path`` and its URLs."""
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser.anchors, parser.urls


def is_internal(url):
    """Whether ``url`` is relative or a fragment, rather than external."""
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc or url.startswith("//"))


def html_pages(root):
    """The HTML pages under ``root``, in a stable order, assets left out."""
    return sorted(
        path
        for path in Path(root).rglob("*.html")
        if ASSET_FOLDER not in path.relative_to(root).parts
    )


def broken_links(root):
    """List the broken internal links of the HTML files under ``root``.

    Parameters
    ----------
    root : str or pathlib.Path
        Folder of the built HTML documentation.

    Returns
    -------
    broken : list of str
        One ``"page: url (reason)"`` line per broken link, ``page`` relative to
        ``root``; empty when every internal link resolves.
    """
    root = Path(root).resolve()
    pages = {path: parse_page(path) for path in html_pages(root)}
    broken = []
    for page, (_, urls) in pages.items():
        for url in urls:
            reason = _why_broken(page, url, pages)
            if reason:
                broken.append(f"{page.relative_to(root)}: {url} ({reason})")
    return broken


def _why_broken(page, url, pages):
    """The reason ``url`` on ``page`` is broken, or None if it resolves."""
    if not is_internal(url):
        return None
    parts = urlsplit(url)
    target = page if not parts.path else (page.parent / unquote(parts.path))
    target = target.resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return "missing file"
    fragment = unquote(parts.fragment)
    if not fragment or target.suffix != ".html":
        return None
    anchors = pages[target][0] if target in pages else parse_page(target)[0]
    if fragment not in anchors:
        return f"no id {fragment!r} in {target.name}"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html_dir", help="folder of the built HTML documentation")
    args = parser.parse_args(argv)
    if not Path(args.html_dir).is_dir():
        parser.error(f"{args.html_dir} is not a folder")
    broken = broken_links(args.html_dir)
    for line in broken:
        print(line)
    n_pages = len(html_pages(args.html_dir))
    print(f"{len(broken)} broken internal links in {n_pages} pages")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
