"""Attachments: content-addressed blobs, resumable (tus-like) uploads, type checks by content."""
