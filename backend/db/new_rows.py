"""ORM objects for rows a hot path only inserts (audit events, revisions, notices).

SQLModel's constructor walks every field through pydantic's `__setattr__`; for a table model it
validates nothing, yet it cost about a tenth of a signed submission (three such objects each).
`new_row` builds the same pending object the way the ORM itself builds a loaded one — the
instrumented class's own `__new__`, then the values (defaults filled exactly as the
constructor fills them) in the instance dict the unit of work inserts from.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import inspect as sa_inspect
from sqlmodel import SQLModel

T = TypeVar("T", bound=SQLModel)
_DEFAULTS: dict[type, tuple[dict[str, Any], tuple[tuple[str, Any], ...], frozenset[str]]] = {}


def _defaults(model: type[SQLModel]) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...],
                                               frozenset[str]]:
    found = _DEFAULTS.get(model)
    if found is None:
        plain: dict[str, Any] = {}
        factories: list[tuple[str, Any]] = []
        required: set[str] = set()
        for name, info in model.model_fields.items():
            if info.default_factory is not None:
                factories.append((name, info.default_factory))
            elif info.is_required():
                required.add(name)
            else:
                plain[name] = info.default
        found = (plain, tuple(factories), frozenset(required))
        _DEFAULTS[model] = found
    return found


def _filled(model: type[SQLModel], values: dict[str, Any]) -> dict[str, Any]:
    """Every field of `model`: defaults filled as the constructor fills them, then `values`.
    Unknown or missing required fields are a TypeError, as a typo must not become a NULL
    column."""
    plain, factories, required = _defaults(model)
    unknown = values.keys() - model.model_fields.keys()
    missing = required - values.keys()
    if unknown or missing:
        raise TypeError(f"{model.__name__}: unknown {sorted(unknown)}, missing {sorted(missing)}")
    row = dict(plain)
    for name, factory in factories:
        if name not in values:
            row[name] = factory()
    row.update(values)
    return row


def new_row(model: type[T], **values: Any) -> T:
    """`model(**values)` for a table model, without pydantic's per-field assignment."""
    obj: T = sa_inspect(model).class_manager.new_instance()
    obj.__dict__.update(_filled(model, values))
    return obj


def plain_row(model: type[SQLModel], **values: Any) -> dict[str, Any]:
    """The row `new_row(model, **values)` would insert, as a plain dict for a Core bulk insert
    (`backend.changelog.bulk.insert_rows`): every column, defaults filled the same way, except
    an autoincremented key left unset (the database assigns it)."""
    row = _filled(model, values)
    for key in _serial_keys(model):
        if row.get(key) is None:
            row.pop(key, None)
    return row


_SERIAL: dict[type, tuple[str, ...]] = {}


def _serial_keys(model: type[SQLModel]) -> tuple[str, ...]:
    found = _SERIAL.get(model)
    if found is None:
        found = tuple(c.key for c in sa_inspect(model).primary_key
                      if c.autoincrement is not False)
        _SERIAL[model] = found
    return found
