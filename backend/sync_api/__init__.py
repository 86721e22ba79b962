"""Sync endpoints: signed push, pull with a never-skipping cursor, conflicts, amendments,
receipts. The pure rules live in `sync/`; see docs/protocol.md."""
