"""Real-browser fixtures: Debian's Chromium driven by Playwright (sync API) against
pytest-django's live server.

Logging in goes through the real forms: password, then the six-digit code of the
authenticator app (computed from the device's key, as the phone would). Every page
fixture watches the browser: a Content-Security-Policy violation, an uncaught script
error or a 5xx answer from the server fails the test at teardown. `axe_check(page)` runs
axe-core on the page as it is now and fails on any "serious" or "critical" violation.
"""

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    Playwright,
    Response,
    expect,
    sync_playwright,
)

from consult.models import User
from sociale_kaart.models import Theme
from sociale_kaart.themes import ThemeSlug
from tests.browser.journeys import PHONE
from tests.conftest import current_code
from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SETUP_PATH = "/account/tweestapsverificatie/"
VERIFY_PATH = "/inloggen/code/"
BLOCKING_IMPACTS = {"serious", "critical"}
CSP_MARKERS = ("Content Security Policy", "Refused to")

# Report CSP violations with their directive and blocked resource, not only through
# Chromium's own console text. Init scripts are injected over CDP, so the policy itself
# does not block this one.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content Security Policy violation: ${event.violatedDirective} blocked ` +
    `${event.blockedURI || "(inline)"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""

SOFT_TIMEOUT = 2_000
expect.set_options(timeout=5_000)


@dataclass
class BrowserLog:
    """What the browser said while the test ran."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        location = message.location
        where = f" ({location.get('url', '')}:{location.get('lineNumber', '')})" if location else ""
        self.console.append(f"[{message.type}] {message.text}{where}")

    def on_page_error(self, error: Error) -> None:
        self.page_errors.append(f"{error.name}: {error.message}")

    def on_response(self, response: Response) -> None:
        if response.status >= 500:
            request = response.request
            self.server_errors.append(f"{response.status} for {request.method} {response.url}")

    def problems(self) -> list[str]:
        csp = [line for line in self.console if any(m in line for m in CSP_MARKERS)]
        return (
            [f"CSP violation: {line}" for line in csp]
            + [f"Uncaught page error: {line}" for line in self.page_errors]
            + [f"Server error: {line}" for line in self.server_errors]
        )


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(chromium: Browser, live_server, browser_log: BrowserLog) -> Iterator[Page]:
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900},
        locale="nl-NL",
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    context.add_init_script(CSP_REPORTER)
    page = context.new_page()
    page.on("console", browser_log.on_console)
    page.on("pageerror", browser_log.on_page_error)
    page.on("response", browser_log.on_response)
    yield page
    context.close()
    problems = browser_log.problems()
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation.get('helpUrl', '')}"
        )
        for node in violation.get("nodes", []):
            lines.append(f"    target: {node.get('target')}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def axe_check(axe: Axe) -> Callable[[Page], None]:
    """Run axe-core on the page as it is; fail on serious or critical violations."""

    def check(page: Page) -> None:
        page.wait_for_load_state("load")
        # Judge the page at rest: an autosave in flight fades its "Saving…" in and out,
        # and a half-faded text measures as an unreadable colour.
        page.wait_for_function(
            "() => !document.querySelector('.htmx-request')"
            " && document.getAnimations().every(a => a.playState !== 'running')"
        )
        violations = axe.run(page).response["violations"]
        blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(
                f"Accessibility violations on {page.url}:\n{format_violations(blocking)}",
                pytrace=False,
            )

    return check


@dataclass
class SoftChecks:
    """Checks that do not stop the flow, so one run shows every miss: Dutch texts a user
    sees (useful while translations land) and other defects found on the way. All misses
    are reported together at the end of the test, each group under its own heading."""

    texts: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    def has_text(self, locator: Locator, text: str, *, where: str, exact: bool = False) -> None:
        try:
            if exact:
                expect(locator).to_have_text(text, timeout=SOFT_TIMEOUT)
            else:
                expect(locator).to_contain_text(text, timeout=SOFT_TIMEOUT)
        except AssertionError as error:
            self.texts.append(f"{where}: expected {text!r} ({_first_line(error)})")

    def check(self, assertion: Callable[[], None], *, what: str) -> None:
        try:
            assertion()
        except AssertionError as error:
            self.issues.append(f"{what} ({_first_line(error)})")

    def report(self) -> str:
        parts = []
        if self.issues:
            parts.append("Defects found:\n" + "\n".join(f"- {i}" for i in self.issues))
        if self.texts:
            parts.append("Dutch texts missing:\n" + "\n".join(f"- {t}" for t in self.texts))
        return "\n".join(parts)


def _first_line(error: AssertionError) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "assertion failed"


@pytest.fixture
def soft() -> Iterator[SoftChecks]:
    checks = SoftChecks()
    yield checks
    if report := checks.report():
        pytest.fail(report, pytrace=False)


def enter_password(page: Page, user: User, password: str = PASSWORD) -> None:
    """Fill in and send the real login form, as a user would."""
    page.goto("/inloggen/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(user.email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


def link_authenticator(user: User) -> TOTPDevice:
    """The user linked their authenticator app at an earlier login."""
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def enter_code(page: Page, user: User) -> None:
    """On the second-factor page (setup or verify), type what the user's app shows now."""
    page.wait_for_url(re.compile(rf"{re.escape(SETUP_PATH)}|{re.escape(VERIFY_PATH)}"))
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-id").first()
    assert device is not None, "the second-factor page made no device"
    form = page.locator("main form")
    form.locator("input[name=token]").fill(current_code(device))
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: SETUP_PATH not in url and VERIFY_PATH not in url)


def log_in(page: Page, user: User) -> None:
    """Password, then the code from the (already linked) authenticator app."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        link_authenticator(user)
    enter_password(page, user)
    enter_code(page, user)


@pytest.fixture(autouse=True)
def theme_rows(transactional_db: None) -> None:
    """The themes are rows a data migration made; a live-server test flushes the
    database afterwards, so a test that runs after another one finds none. Put them back."""
    for slug in ThemeSlug.values:
        Theme.objects.get_or_create(slug=slug)


def watch(page: Page, browser_log: BrowserLog) -> Page:
    """Report this page's CSP violations, script errors and 5xx answers like `page`'s."""
    page.on("console", browser_log.on_console)
    page.on("pageerror", browser_log.on_page_error)
    page.on("response", browser_log.on_response)
    return page


@pytest.fixture
def open_page(
    chromium: Browser, live_server, browser_log: BrowserLog
) -> Iterator[Callable[[], Page]]:
    """A page in a browser context of its own (its own cookies: a second person or a
    second browser), watched like the `page` fixture; request `page` too so the
    problems are reported at teardown."""
    contexts: list[BrowserContext] = []

    def new() -> Page:
        context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, locale="nl-NL", base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_REPORTER)
        contexts.append(context)
        return watch(context.new_page(), browser_log)

    yield new
    for context in contexts:
        context.close()


def wait_until(condition: Callable[[], bool], *, seconds: float = 10) -> bool:
    """Poll the database until `condition` holds: several fields of one record share
    one save state, so "Opgeslagen" can show before the last save has landed."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.fixture
def phone(chromium: Browser, live_server, browser_log) -> Iterator[Callable[..., Page]]:
    """A page on a phone-sized screen in a browser context of its own (no cookies of
    the professional), with or without JavaScript, watched like the `page` fixture;
    request `page` too so the problems are reported at teardown."""
    contexts = []

    def new(*, javascript: bool) -> Page:
        context = chromium.new_context(
            java_script_enabled=javascript,
            viewport=PHONE,
            locale="nl-NL",
            base_url=live_server.url,
        )
        context.set_default_timeout(10_000)
        if javascript:
            context.add_init_script(CSP_REPORTER)
        contexts.append(context)
        return watch(context.new_page(), browser_log)

    yield new
    for context in contexts:
        context.close()
