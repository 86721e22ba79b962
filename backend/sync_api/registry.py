"""Every domain's sync mutation handlers, assembled once (backend/changelog/registry.py).
A new (entity, op) is added in its domain's `handlers.py` and listed here."""

from __future__ import annotations

from backend.changelog.registry import Registry
from backend.dossiers import handlers as dossiers
from backend.households import handlers as households
from backend.monitoring import handlers as monitoring

REGISTRY = Registry(households.HANDLERS, dossiers.HANDLERS, monitoring.HANDLERS)
