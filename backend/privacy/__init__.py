"""Personal data protection on the server (issue 14, items 3–6): column encryption with blind
indexes, the access log, data-subject rights, retention purge and breach records."""
