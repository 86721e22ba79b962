"""Page parameters shared by list endpoints (1-based pages, bounded size).

`Page` and `PageSize` are the query parameter declarations every list route uses: they put
the bounds in the OpenAPI document, and `check_page` enforces them, with the `bad_page`
problem, before any offset reaches the database (a 20-digit page used to overflow the
database's 64-bit OFFSET: a 500).
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from backend.lib.errors import AppError

MAX_PAGE_SIZE = 200
# A page past this would need more rows than any commune holds; it also keeps
# `(page - 1) * page_size` far inside a signed 64-bit OFFSET.
MAX_PAGE = 1_000_000

Page = Annotated[int, Parameter(description="1-based page number.",
                                 schema_extra={"minimum": 1, "maximum": MAX_PAGE})]
PageSize = Annotated[int, Parameter(description=f"Items per page (1..{MAX_PAGE_SIZE}).",
                                     schema_extra={"minimum": 1, "maximum": MAX_PAGE_SIZE})]


def check_page(page: int, page_size: int) -> tuple[int, int]:
    """The page's offset and limit, or the `bad_page` problem when out of bounds."""
    if not (1 <= page <= MAX_PAGE and 1 <= page_size <= MAX_PAGE_SIZE):
        raise AppError(
            "bad_page",
            f"Tham số phân trang không hợp lệ (trang từ 1 đến {MAX_PAGE}, "
            f"cỡ trang từ 1 đến {MAX_PAGE_SIZE}).",
            f"Invalid paging (page 1..{MAX_PAGE}, page_size 1..{MAX_PAGE_SIZE}).",
        )
    return (page - 1) * page_size, page_size

