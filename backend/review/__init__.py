"""Officer console: review queue, dossier view, review actions, letters, deadlines."""
