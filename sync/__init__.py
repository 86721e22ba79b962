"""Làng Số pure sync core: canonical JSON, signatures, clocks, mutations, merge, dossier states,
receipt codes and working days. No I/O; time, ids and keys are parameters. See ``sync/SPEC.md``.

Import from the submodules (``from sync.canonical import canonical_bytes``); this package
re-exports nothing so that importing one rule set never pulls in the others.
"""
