"""The one registry of sync mutation handlers.

Each domain declares the (entity, op) pairs it applies in its own `handlers.py` as a tuple of
`Registration`s; the push service (backend/sync_api) assembles them into one `Registry` and
dispatches every decoded mutation through it. A handler depends only on this package (`Ctx`,
`Applied`, `Reject`) and on its own domain, so a new mutation belongs next to the domain's
service, and the push pipeline needs no change to carry it.

Contract of a handler (see backend/changelog/context.py): it decides before it writes, raises
`Reject` only before its first write, and returns `Applied` for the mutation's result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from backend.changelog.context import Applied, Ctx
from sync.mutations import Mutation


class MutationHandler(Protocol):
    def __call__(self, ctx: Ctx, m: Mutation, /) -> Applied: ...


@dataclass(frozen=True)
class Registration:
    entity: str
    op: str
    handler: MutationHandler
    reads_batch: bool = True
    """False when the handler reads no row the batch buffered with `Ctx.defer`, so the
    buffered INSERTs may keep waiting (a run of dossier creates is then written in one go)."""


class Registry:
    """(entity, op) → registration; a pair registered twice is a wiring error at start-up."""

    def __init__(self, *groups: Iterable[Registration]) -> None:
        self.by_key: dict[tuple[str, str], Registration] = {}
        for group in groups:
            for reg in group:
                key = (reg.entity, reg.op)
                if key in self.by_key:
                    raise ValueError(f"mutation handler registered twice: {key}")
                self.by_key[key] = reg

    def get(self, entity: str, op: str) -> Registration | None:
        return self.by_key.get((entity, op))

    def keys(self) -> list[tuple[str, str]]:
        return sorted(self.by_key)
