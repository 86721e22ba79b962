"""Keeps personal data out of the server's logs.

The access log would otherwise hold every query string: the public status look-up's dossier
code and phone digits, a push endpoint URL being unsubscribed, a household search by name.
`AccessScrub` keeps the path and the parameter names and drops every value. `TextScrub`
rewrites application and error messages (tracebacks included): URLs lose everything after
the host, long digit runs (CCCD, phone numbers) and bearer tokens are masked, and SQL
parameter lists in database errors are dropped. `logging_config()` is what `langso serve`
hands to uvicorn.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from typing import Any
from urllib.parse import parse_qsl, quote

import uvicorn.config

MASK = "…"

_URL = re.compile(r"\b(https?://[^/\s\"'<>]+)[^\s\"'<>]*", re.IGNORECASE)
_BEARER = re.compile(r"(bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
# 9+ digits, possibly written in groups (0912 345 678, +84-912-345-678): CCCD, phone numbers
# (not inside a word: the hex groups of a UUID stay whole)
_DIGITS = re.compile(r"(?<![0-9A-Za-z])\+?\d(?:[ .-]?\d){8,}(?![0-9A-Za-z])")
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)
_QUOTED_AFTER_KEY = re.compile(r"(\((?:cccd|phone|full_name|name|code|endpoint)\)=\()[^)]*\)",
                               re.IGNORECASE)


def scrub_target(target: str) -> str:
    """`/api/public/status?code=X&phone4=1234` → `/api/public/status?code=…&phone4=…`."""
    path, sep, query = target.partition("?")
    if not sep:
        return target
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    if not names:
        return path + "?" + MASK
    return path + "?" + "&".join(f"{quote(name, safe='')}={MASK}" for name in names)


def _shorten_url(match: re.Match[str]) -> str:
    origin, rest = match.group(1), match.group(0)[len(match.group(1)):]
    return match.group(0) if rest in ("", "/") else origin + "/" + MASK


def scrub_text(text: str) -> str:
    text = _SQL_PARAMETERS.sub("[parameters: " + MASK + "]", text)
    text = _QUOTED_AFTER_KEY.sub(r"\1" + MASK + ")", text)
    text = _URL.sub(_shorten_url, text)
    text = _BEARER.sub(r"\1" + MASK, text)
    return _DIGITS.sub(MASK, text)


class AccessScrub(logging.Filter):
    """For uvicorn's access logger: args are (client, method, path?query, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], scrub_target(args[2]), args[3], args[4])
        return True


class TextScrub(logging.Filter):
    """For every other logger: the rendered message and traceback are scrubbed once."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub_text(record.getMessage())
        record.args = None
        record.__dict__.pop("color_message", None)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        return True


def logging_config() -> dict[str, Any]:
    """uvicorn's own configuration, plus the scrubbing filters and the app's `langso` logger."""
    config = deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["filters"] = {
        "access_scrub": {"()": "backend.lib.log_scrub.AccessScrub"},
        "text_scrub": {"()": "backend.lib.log_scrub.TextScrub"},
    }
    config["formatters"]["default"]["use_colors"] = False
    config["formatters"]["access"]["use_colors"] = False
    config["handlers"]["default"]["filters"] = ["text_scrub"]
    config["handlers"]["access"]["filters"] = ["access_scrub"]
    config["loggers"]["langso"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["litestar"] = {"handlers": ["default"], "level": "WARNING",
                                     "propagate": False}
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    return config
