"""Page parameters shared by list endpoints (1-based pages, bounded size)."""

from __future__ import annotations

from typing import Any

from backend.lib.errors import AppError

MAX_PAGE_SIZE = 200


def check_page(page: int, page_size: int) -> tuple[int, int]:
    if page < 1 or page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise AppError(
            "bad_page",
            f"Tham số phân trang không hợp lệ (trang ≥ 1, cỡ trang từ 1 đến {MAX_PAGE_SIZE}).",
            f"Invalid paging (page ≥ 1, page_size 1..{MAX_PAGE_SIZE}).",
        )
    return (page - 1) * page_size, page_size


def page_body(items: list[Any], total: int, page: int, page_size: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page, "page_size": page_size}
