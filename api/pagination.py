from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """Every list is paginated; clients may ask for up to 1000 rows a page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
