"""The procedure catalogue: versioned JSON files, their models and the checking loader."""

from backend.catalog.loader import (
    DEFAULT_DIRECTORY,
    Catalog,
    CatalogError,
    ProcedureNotFound,
    default_catalog,
    load_catalog,
)
from backend.catalog.model import Procedure

__all__ = [
    "DEFAULT_DIRECTORY",
    "Catalog",
    "CatalogError",
    "Procedure",
    "ProcedureNotFound",
    "default_catalog",
    "load_catalog",
]
