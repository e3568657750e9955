"""PDF from the print templates (exchange/pdf/) with WeasyPrint.

Imported with jifen.exchange.exports, so that WeasyPrint (Pango, HarfBuzz, fontconfig: most of
a second) is loaded with the app's views and tasks (when a worker starts, at an app server's
first request) rather than in the first PDF a process serves."""

import contextlib
import gc
import threading
from pathlib import Path

from weasyprint import CSS, HTML

# WeasyPrint's own user-agent stylesheet has rules for every HTML element, and its rules for
# list markers, footnotes and notes give every element six pseudo-elements whose styles it
# computes one by one: a third of the time of a 50-page register. Ours has WeasyPrint's rules
# for the elements the templates use; parsed once, here.
_USER_AGENT_SHEET = CSS(filename=Path(__file__).with_name("pdf_ua.css"))


class _PrintHTML(HTML):
    # Where WeasyPrint's HTML takes its user-agent stylesheets from; WeasyPrint's own tests
    # override it so too.
    def _ua_stylesheets(self, forms=False):
        return [_USER_AGENT_SHEET]


def write(html: str) -> bytes:
    with _collector_paused():
        return _PrintHTML(string=html).write_pdf()


_renders = 0
_renders_lock = threading.Lock()
_collector_was_enabled = False


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while PDFs are rendered. WeasyPrint makes hundreds
    of thousands of objects (boxes, styles) that live until the PDF is written; the collector
    sees them survive and walks every object of the process again and again, the app's and
    Django's too: a fifth of a register's time in a busy process. What WeasyPrint leaves
    behind is collected as usual once the last render running in the process has ended."""
    global _renders, _collector_was_enabled
    with _renders_lock:
        if _renders == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _renders += 1
    try:
        yield
    finally:
        with _renders_lock:
            _renders -= 1
            if _renders == 0 and _collector_was_enabled:
                gc.enable()
