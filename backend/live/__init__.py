"""Live feeds (server-sent events) for the officer console."""
