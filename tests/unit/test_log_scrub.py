"""The log scrubbing rules (backend/lib/log_scrub.py), one behaviour each."""

from __future__ import annotations

import logging
import sys

from backend.lib.log_scrub import AccessScrub, TextScrub, scrub_target, scrub_text


def test_query_values_are_dropped_and_names_kept() -> None:
    assert (scrub_target("/api/public/status?code=000.99.01.H99-260221-0007&phone4=5678")
            == "/api/public/status?code=…&phone4=…")
    assert (scrub_target("/api/push/subscriptions?endpoint=https%3A%2F%2Ffcm.googleapis.com%2Fx")
            == "/api/push/subscriptions?endpoint=…")
    assert scrub_target("/api/households/abc") == "/api/households/abc"


def test_urls_digits_tokens_and_sql_parameters_are_masked_in_text() -> None:
    text = ("push to https://fcm.googleapis.com/fcm/send/tok3n failed for 0912 345 678, "
            "CCCD 012090123456, Authorization: Bearer abc.DEF-123\n"
            "DETAIL:  Key (cccd)=(012090123456) already exists.\n"
            "[parameters: {'full_name': 'Giàng A Páo'}]")
    out = scrub_text(text)
    for secret in ("tok3n", "0912", "012090123456", "abc.DEF", "Giàng"):
        assert secret not in out
    assert "https://fcm.googleapis.com/…" in out
    # a bare origin (uvicorn's "running on" line) stays readable
    assert scrub_text("running on http://127.0.0.1:8000 (Press CTRL+C)").endswith(
        "http://127.0.0.1:8000 (Press CTRL+C)")


def test_the_filters_rewrite_records_before_any_handler_formats_them() -> None:
    access = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5", "GET",
                               "/tra-cuu?code=X&phone4=1234", "1.1", 200), None)
    assert AccessScrub().filter(access)
    assert "1234" not in access.getMessage() and "/tra-cuu?code=…" in access.getMessage()

    try:
        raise ValueError("member 012090123456 is bad")
    except ValueError:
        record = logging.LogRecord("langso", logging.ERROR, __file__, 1, "phone %s",
                                   ("0987654321",), sys.exc_info())
    assert TextScrub().filter(record)
    formatted = logging.Formatter().format(record)
    assert "0987654321" not in formatted and "012090123456" not in formatted
    assert "ValueError" in formatted
