"""axe-core over the pages a role can reach, at phone and desktop size.

The axe script comes from the installed axe-playwright-python package (never a CDN) and is
injected with Playwright's evaluate, which the page's Content-Security-Policy does not govern:
the policy under test stays as strict as in production.
"""

import hashlib
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
# A page fails on these impacts, and on the structure rules below whatever axe rates them:
# landmarks, the order of headings and tables' headers (WCAG 1.3.1, 2.4.1, 2.4.6).
BLOCKING_IMPACTS = ("serious", "critical")
STRUCTURE_RULES = (
    "region",
    "landmark-one-main",
    "landmark-no-duplicate-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-unique",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "page-has-heading-one",
    "heading-order",
    "empty-heading",
    "empty-table-header",
)
# Swagger UI (the API docs) draws its page after loading: the check waits for its operations.
# Its landmarks and headings are its own (content outside its main region, tags at level three
# under the level-one title), so on that page only serious and critical violations count.
DRAWN_BY_SCRIPT = {"/api/docs/": ".swagger-ui .opblock"}
OWN_STRUCTURE = ("/api/docs/",)
# Django's own admin (/admin/) is not ours to restyle; the language switch and sign-out are
# forms, and static and media files are not pages.
NOT_CRAWLED = ("/admin/", "/i18n/", "/logout/", "/static/", "/media/")
# Attributes whose values decide what axe finds (see _Markup).
SHAPING_ATTRIBUTES = {
    *("class", "type", "role", "scope", "colspan", "rowspan", "tabindex", "lang", "dir"),
    *("hidden", "disabled", "aria-hidden", "aria-expanded", "aria-current", "aria-invalid"),
}

_axe = Axe()


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    role: str
    viewport: str
    path: str
    target: str
    html: str
    help: str

    @property
    def blocking(self):
        if self.impact in BLOCKING_IMPACTS:
            return True
        return self.rule in STRUCTURE_RULES and not self.path.startswith(OWN_STRUCTURE)

    def __str__(self):
        return (
            f"{self.rule} ({self.impact}) on {self.path} as {self.role} at {self.viewport}: "
            f"{self.target}  {self.html[:160]}  — {self.help}"
        )


def check(page, *, role, path=None, viewport):
    """Every violation axe finds on the page as it is now, whatever its impact."""
    page.set_viewport_size(VIEWPORTS[viewport])
    # The page's resize handlers run in the next rendering step, before its animation frames:
    # wait for two frames so that axe sees the page as a reader at that size would.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    result = page.evaluate("() => axe.run({resultTypes: ['violations']})")
    return [
        Violation(
            rule=violation["id"],
            impact=violation["impact"] or "",
            role=role,
            viewport=viewport,
            path=path or _path(page.url),
            target=" ".join(str(part) for part in node["target"]),
            html=" ".join(node["html"].split()),
            help=violation["help"],
        )
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def check_both(page, *, role, path=None):
    return [
        violation
        for viewport in VIEWPORTS
        for violation in check(page, role=role, path=path, viewport=viewport)
    ]


def route_key(url):
    """One page per view and set of query parameters: /orgadmin/members/5/ and …/6/ show the
    same template, so a crawl visits one of them (any new view is still reached)."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    return route, tuple(sorted({name for name, _ in parse_qsl(parts.query)}))


class _Markup(HTMLParser):
    """A page's links, and the shape of its <main> (of the whole page if it has none): its
    markup with the values of SHAPING_ATTRIBUTES, and for text, links, ids, names and labels
    only whether they are there and empty. Two pages of the same shape (one template showing
    two members, or the same page to two roles) give axe the same findings, so one is checked;
    each role's own header is checked on its other pages."""

    def __init__(self, html):
        super().__init__()
        self.links, self.main, self.whole = [], [], []
        self.in_main = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.links.append(dict(attrs)["href"])
        self.in_main = self.in_main or tag == "main"
        self._add(f"<{tag} " + " ".join(sorted(_shape(name, value) for name, value in attrs)))

    def handle_endtag(self, tag):
        self._add(f"</{tag}>")
        self.in_main = self.in_main and tag != "main"

    def handle_data(self, data):
        if data.strip():
            self._add("text")

    def _add(self, part):
        self.whole.append(part)
        if self.in_main:
            self.main.append(part)

    def digest(self):
        return hashlib.sha256("".join(self.main or self.whole).encode()).hexdigest()


def _shape(name, value):
    if name in SHAPING_ATTRIBUTES:
        return f"{name}={value}"
    return name if value else f"{name}="


def _path(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _same_site_links(url, hrefs):
    origin = urlsplit(url)[:2]
    for href in hrefs:
        absolute = urljoin(url, href)
        path = _path(absolute)
        if urlsplit(absolute)[:2] == origin and not path.startswith(NOT_CRAWLED):
            yield path


def _load(page, path):
    """Opens the page and waits for what its scripts fetch (the API docs fetch their schema,
    htmx may load parts); a page that fetches nothing is checked as soon as it has loaded."""
    fetches = []

    def record(request):
        if request.resource_type in ("fetch", "xhr"):
            fetches.append(request)

    page.on("request", record)
    page.goto(path)
    page.remove_listener("request", record)
    if fetches:
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
    drawn = DRAWN_BY_SCRIPT.get(urlsplit(path).path)
    if drawn:
        page.locator(drawn).first.wait_for()


def crawl(page, start_paths, checked, *, limit=100):
    """Breadth-first over the links of the pages reached from the start paths, one page per
    route (see route_key); yields each HTML page's path, and whether it is new: a page whose
    shape (see _Markup) is not in `checked` is added to it and loaded in `page` for checking.
    Files (exports, evidence, templates) are fetched to see what they are, never opened."""
    queue = deque((path, "the start") for path in start_paths)
    queued = {route_key(path) for path in start_paths}
    shown = set()
    while queue and len(shown) < limit:
        link, found_on = queue.popleft()
        response = page.context.request.get(link)
        path = _path(response.url)
        assert response.status == 200, f"{path} (linked from {found_on}) answered {response.status}"
        key = route_key(path)
        if "text/html" not in response.headers["content-type"] or key in shown:
            continue  # a file, or a redirect to a page already seen
        shown.add(key)
        markup = _Markup(response.text())
        new = markup.digest() not in checked
        if new:
            checked.add(markup.digest())
            _load(page, path)
        yield path, new
        for link in _same_site_links(response.url, markup.links):
            key = route_key(link)
            if key not in queued:
                queued.add(key)
                queue.append((link, path))


def report(violations):
    """Grouped by rule, for an assertion message a reader can act on."""
    lines = []
    for rule in sorted({v.rule for v in violations}):
        found = [v for v in violations if v.rule == rule]
        lines.append(f"{rule}: {len(found)}")
        lines.extend(f"  {v}" for v in found[:15])
        if len(found) > 15:
            lines.append(f"  … and {len(found) - 15} more")
    return "\n".join(lines)
