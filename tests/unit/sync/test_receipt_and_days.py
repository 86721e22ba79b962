"""Receipt codes and working days beyond the shared vectors."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sync.receipt_code import CHECK_ALPHABET, receipt_code, validate_receipt_code
from sync.working_days import add_working_days, deadline_with_pauses, is_working_day


def test_receipt_code_worked_example_by_hand() -> None:
    # 40-bit value 36 -> symbols 0000 0014, check 36 mod 37 = 36 -> 'U'.
    assert validate_receipt_code("0000-0014-U") == "0000-0014-U"
    assert CHECK_ALPHABET[36] == "U"


@given(st.binary(max_size=40))
def test_generated_codes_validate_and_have_the_display_shape(seed: bytes) -> None:
    code = receipt_code(seed)
    assert len(code) == 11 and code[4] == "-" and code[9] == "-"
    assert validate_receipt_code(code.lower()) == code


@given(st.binary(max_size=40), st.integers(0, 7), st.integers(1, 31))
def test_any_single_symbol_change_is_detected(seed: bytes, pos: int, delta: int) -> None:
    code = receipt_code(seed)
    body = code.replace("-", "")
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    changed = alphabet[(alphabet.index(body[pos]) + delta) % 32]
    typo = body[:pos] + changed + body[pos + 1 :]
    try:
        validate_receipt_code(typo)
    except Exception as exc:
        assert getattr(exc, "code", "") == "receipt_check_mismatch"
    else:
        raise AssertionError(f"typo {typo} accepted for {code}")


dates = st.dates(date(2024, 1, 1), date(2027, 12, 31))


@given(dates, st.integers(0, 40))
def test_add_working_days_lands_on_a_working_day_after_start(start: date, days: int) -> None:
    end = add_working_days(start, days, frozenset())
    if days == 0:
        assert end == start
    else:
        assert end > start and is_working_day(end, frozenset())
        counted = sum(
            is_working_day(start + timedelta(i), frozenset())
            for i in range(1, (end - start).days + 1)
        )
        assert counted == days


@given(dates, st.integers(1, 30))
def test_deadline_without_pauses_matches_add_working_days(d: date, days: int) -> None:
    received = datetime(d.year, d.month, d.day, 9, 0)
    if is_working_day(d, frozenset()):
        assert deadline_with_pauses(received, days, [], frozenset()) == add_working_days(
            d, days, frozenset()
        )


@given(dates, st.integers(1, 20), st.integers(0, 10), st.integers(0, 10))
def test_pauses_never_shorten_a_deadline(d: date, days: int, start: int, length: int) -> None:
    received = datetime(d.year, d.month, d.day, 9, 0)
    ps = received + timedelta(days=start)
    plain = deadline_with_pauses(received, days, [], frozenset())
    paused = deadline_with_pauses(received, days, [(ps, ps + timedelta(days=length))], frozenset())
    assert plain is not None and paused is not None and paused >= plain
