from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=`, the latter capped so that one request stays cheap."""

    page_size_query_param = "page_size"
    max_page_size = 100
