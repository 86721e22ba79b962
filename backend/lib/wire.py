"""Typed answers: every route returns a msgspec Struct, so the OpenAPI document (and the
PWA's generated wire types, pwa/src/api/wire.gen.ts) describes exactly what is sent.

Some services build their answer as a dict (push results are stored and replayed byte for
byte; the dashboards are assembled from figures). `to_wire` turns such a dict into its Struct
at the route. Shapes derive from `Out`, which refuses a key they do not declare: a key added
to a service without its Struct fails the tests instead of vanishing from the wire. Optional
keys are `UNSET` by default, so they are left out of the JSON when the dict has none —
exactly as before."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

T = TypeVar("T")
# A figure that may be a whole number: `float` alone would turn an int 3 into 3.0 on the wire.
# The document says `number` (a union of integer and number is a `oneOf` that a whole number
# matches twice, which a schema validator refuses).
Number = Annotated[int | float, msgspec.Meta(
    extra_json_schema={"extra": {"one_of": None, "type": "number"}})]
NumberOrNone = Annotated[int | float | None, msgspec.Meta(
    extra_json_schema={"extra": {"one_of": None, "type": ["number", "null"]}})]


class Out(msgspec.Struct, forbid_unknown_fields=True):
    """Base of answer shapes converted from a service's dict."""


def to_wire(value: Any, shape: type[T]) -> T:
    return msgspec.convert(value, shape, strict=True)


__all__ = ["UNSET", "Number", "NumberOrNone", "Out", "UnsetType", "to_wire"]
