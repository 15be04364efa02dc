"""A crawler over the web UI through the Flask test client: every page a signed-in person (or an
anonymous visitor) reaches by following links, with its visible text, checked for raw codes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

# Paths a crawl does not follow: sign-out and language switches are posts anyway; downloads,
# static files, the API and its documentation are not pages a person reads in the UI.
SKIP = re.compile(r"^/(static|api|logout|language|healthz|readyz)\b|\.(pdf|csv|zip|json|xlsx)$|/file$|/export")

# A snake_case token: two or more lower-case words joined by underscores.
RAW_CODE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-]|\.\w)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
FILE_NAME = re.compile(r"[\w.-]+\.[A-Za-z0-9]{2,5}\b")


class VisibleText(HTMLParser):
    """The text a person sees: text nodes outside script/style/template, plus button values,
    placeholders, titles and labels of images and controls."""

    HIDDEN = {"script", "style", "template", "noscript"}
    # Literal code and commands ("python3 tools/verify_bundle.py …"): visible, but not prose to translate.
    LITERAL = {"code", "pre", "kbd", "samp"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.prose: list[str] = []  # the parts outside literal code
        self.links: list[str] = []
        self._hidden = 0
        self._literal = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag in self.LITERAL:
            self._literal += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("placeholder", "title", "aria-label", "alt"):
            if attrs.get(name):
                self._add(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self._add(attrs["value"])

    def _add(self, text: str) -> None:
        self.parts.append(text)
        if not self._literal:
            self.prose.append(text)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        if tag in self.LITERAL and self._literal:
            self._literal -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self._add(data.strip())


def visible(html: str) -> tuple[list[str], list[str]]:
    parser = _parsed(html)
    return parser.parts, parser.links


def _parsed(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    return parser


def raw_codes(text: str) -> list[str]:
    text = EMAIL.sub(" ", text)
    text = FILE_NAME.sub(" ", text)
    return RAW_CODE.findall(text)


@dataclass
class Page:
    url: str
    status: int
    parts: list[str]
    prose: list[str] = field(default_factory=list)  # the visible text outside literal code

    @property
    def text(self) -> str:
        return "\n".join(self.parts)

    @property
    def prose_text(self) -> str:
        return "\n".join(self.prose)


@dataclass
class Crawl:
    pages: dict[str, Page] = field(default_factory=dict)

    def findings(self, check: Callable[[str], list[str]]) -> dict[str, list[str]]:
        found = {}
        for url, page in self.pages.items():
            hits = sorted(set(check(page.text)))
            if hits:
                found[url] = hits
        return found


def _pattern(path: str) -> str:
    return re.sub(r"/\d+", "/N", path)


def crawl(get: Callable, starts: list[str] = ("/",), per_pattern: int = 15, limit: int = 1500) -> Crawl:
    """Breadth-first from `starts`, at most `per_pattern` URLs of one shape (ids replaced)."""
    result = Crawl()
    queue = list(starts)
    seen = set(starts)
    shapes: dict[str, int] = {}
    while queue and len(result.pages) < limit:
        url = queue.pop(0)
        response = get(url)
        if response.status_code in (301, 302, 303):
            for href in _links(url, [response.headers["Location"]]):
                if href not in seen:
                    seen.add(href)
                    queue.append(href)
            continue
        if "html" not in (response.mimetype or ""):
            continue
        html = response.get_data(as_text=True)
        parsed = _parsed(html)
        parts, links = parsed.parts, parsed.links
        result.pages[url] = Page(url, response.status_code, parts, parsed.prose)
        for href in _links(url, links):
            if href in seen:
                continue
            seen.add(href)
            shape = _pattern(urlsplit(href).path)
            if shapes.get(shape, 0) >= per_pattern:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(href)
    return result


def _links(base: str, hrefs: list[str]) -> Iterator[str]:
    for href in hrefs:
        href, _frag = urldefrag(href)
        if not href or href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if parts.netloc != "localhost":
                continue
            href = href.split("localhost", 1)[1] or "/"
        if not href.startswith("/"):
            continue
        if SKIP.search(parts.path):
            continue
        yield href
