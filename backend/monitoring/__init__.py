"""Dashboard figures, CSV exports, satisfaction ratings and device sync health."""
