"""The PDFs' own user-agent stylesheet (jifen/exchange/pdf_ua.css) and the templates it serves."""

import gc
import re
from pathlib import Path

from jifen.exchange import pdf

EXCHANGE = Path(pdf.__file__).parent
# Inline by default: WeasyPrint's stylesheet has no rule for it either.
UNSTYLED = {"span"}


def _styled_elements() -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", (EXCHANGE / "pdf_ua.css").read_text(), flags=re.S)
    selectors = re.findall(r"^([a-z][^{@]*)\{", css, flags=re.M)
    return {
        re.match(r"[a-z0-9]+", s.strip()).group() for line in selectors for s in line.split(",")
    }


def test_every_element_of_the_pdf_templates_has_its_rules():
    templates = (EXCHANGE / "templates" / "exchange" / "pdf").glob("*.html")
    used = {tag for t in templates for tag in re.findall(r"<([a-z][a-z0-9]*)", t.read_text())}
    assert used - _styled_elements() - UNSTYLED == set()


def test_the_collector_is_off_while_a_pdf_is_rendered(monkeypatch):
    during = []

    def write_pdf(self):
        during.append(gc.isenabled())
        return b"%PDF-"

    monkeypatch.setattr(pdf._PrintHTML, "write_pdf", write_pdf)
    assert pdf.write("<p>一</p>") == b"%PDF-"
    assert during == [False] and gc.isenabled()


def test_the_collector_is_back_when_the_last_of_overlapping_renders_ends():
    with pdf._collector_paused():
        with pdf._collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
