"""One way to cut a list that grows with members or months into pages, with the counts shown:
views call `paginate`, templates include "web/_pagination.html" with `page`."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50


@dataclass(frozen=True)
class Link:
    number: int | None  # None: the gap between far pages
    query: str  # the request's query string with this page number
    current: bool = False


def paginate(request: HttpRequest, items, per_page: int = PER_PAGE, *, param: str = "page"):
    """The page of `items` the request asks for (`?page=N`; a wrong or missing number gives the
    first page, one past the end the last): one COUNT and one slice of the rows, whatever their
    number. The page carries its links, which keep the request's other parameters."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get(param))
    page.links = [
        _link(request, param, n, page)
        for n in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
    page.previous_link = _link(request, param, page.number - 1) if page.has_previous() else None
    page.next_link = _link(request, param, page.number + 1) if page.has_next() else None
    return page


def _link(request, param: str, number, page: Page | None = None) -> Link:
    if number == Paginator.ELLIPSIS:
        return Link(None, "")
    query = request.GET.copy()
    query[param] = number
    return Link(number, query.urlencode(), page is not None and page.number == number)
