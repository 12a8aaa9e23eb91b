"""Page-number pagination for the API with a bounded page number.

ninja's own accepts any page >= 1; a page such as 10**30 makes an OFFSET the database
cannot hold (a 500). Use this class in every `@paginate(...)`: a page past
MAX_PAGE is a 422 naming the parameter, a page past the end an empty list.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

MAX_PAGE = 1_000_000


class PageNumberPagination(NinjaPageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)
