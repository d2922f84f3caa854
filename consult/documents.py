"""Documents for the patient, rendered by WeasyPrint in memory (never cached on disk).

The URL fetcher serves only the app's own static files: whatever a professional
typed, the server fetches nothing else (no network, no file:// paths)."""

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

BASE_URL = "app://local/"
STATIC_PREFIX = BASE_URL + "static/"


class StaticOnlyFetcher(URLFetcher):
    """Answers for the app's static files; refuses every other URL. `on_fetch` sees
    every URL asked for (tests use it to prove nothing else is requested)."""

    def __init__(self, on_fetch: Callable[[str], None] | None = None) -> None:
        super().__init__(allowed_protocols=["app"])
        self.on_fetch = on_fetch

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if self.on_fetch is not None:
            self.on_fetch(url)
        if not url.startswith(STATIC_PREFIX):
            raise URLFetchingError(
                f"Refused: only the app's own static files are served ({url[:80]})"
            )
        relative = url.removeprefix(STATIC_PREFIX).split("?")[0]
        found = finders.find(relative) if ".." not in relative else None
        if not found:
            raise URLFetchingError(f"No such static file: {relative}")
        path = Path(str(found))
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}  # tagged and accessible

# Fitting the last block (the plan's diagram) on the page before: the elements that
# mark it in the template, and the page as print.css sets it up.
FIT_AFTER = "fit-after"  # an empty block right after the text
FIT_BLOCK = "fit-block"  # the block that comes last, kept in one piece
FIT_FIGURE = "fit-figure"  # the part of it that may be drawn smaller
MM = 96 / 25.4  # CSS pixels per millimetre
PAGE_BOTTOM_MARGIN = 24 * MM  # print.css: @page margin-bottom
BLOCK_GAP = 8 * MM  # print.css: the margin above the block's heading, dropped atop a page
SMALLEST_FIGURE = 0.75  # drawn smaller than this, the diagram is hard to read


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    on_fetch: Callable[[str], None] | None = None,
    fit_last_block: bool = False,
) -> bytes:
    """Render a template to a tagged, accessible PDF (PDF/UA-1).

    With `fit_last_block`, a last block that stands alone on the last page is drawn
    smaller to fit on the page before, when a little smaller is enough: a one-page plan
    rather than a page of text and a page of diagram. When it is not enough, the block
    keeps its page and its figure is drawn across the page's whole width instead,
    larger than under text. The template marks the block (FIT_AFTER, FIT_BLOCK,
    FIT_FIGURE); a stylesheet of one rule draws the figure smaller or larger (the
    templates hold no inline style)."""
    html = render_to_string(template, {**context, "static_base": STATIC_PREFIX})
    document = _layout(html, on_fetch)
    if fit_last_block and _last_block_alone(document) and _figure_height(document.pages[-1]):
        height = _figure_height_to_fit(document)
        if height is not None:
            # Given as a user stylesheet, which the document's own overrides unless
            # important.
            smaller = f"#{FIT_FIGURE} svg {{ max-height: {height:.1f}px !important; }}"
            fitted = _layout(html, on_fetch, CSS(string=smaller))
            if len(fitted.pages) < len(document.pages):
                document = fitted
        else:
            larger = (
                f"#{FIT_FIGURE} svg {{ max-width: none !important; "
                f"max-height: {_figure_room_alone(document):.1f}px !important; }}"
            )
            enlarged = _layout(html, on_fetch, CSS(string=larger))
            if len(enlarged.pages) == len(document.pages) and _last_block_alone(enlarged):
                document = enlarged
    pdf: bytes = document.write_pdf(**PDF_OPTIONS)
    return pdf


def _layout(html: str, on_fetch: Callable[[str], None] | None, *extra: CSS) -> Document:
    page = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher(on_fetch))
    return page.render(stylesheets=list(extra), **PDF_OPTIONS)


def _last_block_alone(document: Document) -> bool:
    """Whether the last block starts the last page, right after the text on the page
    before."""
    if len(document.pages) < 2:
        return False
    last, before = document.pages[-1], document.pages[-2]
    return FIT_BLOCK in last.anchors and FIT_AFTER in before.anchors


def _figure_height_to_fit(document: Document) -> float | None:
    """The figure's height, in CSS pixels, at which the last block (alone on the last
    page) fits under the text on the page before; None when it would have to be drawn
    smaller than SMALLEST_FIGURE to fit."""
    last, before = document.pages[-1], document.pages[-2]
    _, block_top, _, block_bottom = last.anchors[FIT_BLOCK]
    figure = _figure_height(last)
    room = before.height - PAGE_BOTTOM_MARGIN - before.anchors[FIT_AFTER][1] - BLOCK_GAP
    smaller = figure - (block_bottom - block_top - room) - 2 * MM  # 2 mm to spare
    if smaller < SMALLEST_FIGURE * figure:
        return None
    return round(smaller, 1)


def _figure_room_alone(document: Document) -> float:
    """The tallest the figure may be drawn, in CSS pixels, with the last block (alone
    on the last page) kept on that page: the page below the block's top, less its
    heading and key."""
    last = document.pages[-1]
    _, block_top, _, block_bottom = last.anchors[FIT_BLOCK]
    around = block_bottom - block_top - _figure_height(last)
    return round(last.height - PAGE_BOTTOM_MARGIN - block_top - around - 2 * MM, 1)


def _figure_height(page: Any) -> float:
    _, figure_top, _, figure_bottom = page.anchors.get(FIT_FIGURE, (0, 0, 0, 0))
    return float(figure_bottom - figure_top)
