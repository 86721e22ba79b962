"""The change log every domain writes through: entity versions and change rows (`changes`),
the server's clock per commune (`clock`), the sync view of each entity (`entities`), bulk
INSERTs (`bulk`), what applying one signed mutation needs (`context`) and the registry of
mutation handlers (`registry`). It imports no domain: domains sit on top of it, push and
pull (backend/sync_api) on top of them. See docs/architecture.md "Change log"."""
