"""Public dossier status look-up by official code plus the last four digits of a phone."""
