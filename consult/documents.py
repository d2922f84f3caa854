"""Documents for the patient, rendered by WeasyPrint in memory (never cached on disk).

The URL fetcher serves only the app's own static files: whatever a professional
typed, the server fetches nothing else (no network, no file:// paths)."""

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
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


def render_pdf(
    template: str, context: dict[str, Any], *, on_fetch: Callable[[str], None] | None = None
) -> bytes:
    """Render a template to a tagged, accessible PDF (PDF/UA-1)."""
    html = render_to_string(template, {**context, "static_base": STATIC_PREFIX})
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher(on_fetch))
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf
