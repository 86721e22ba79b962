"""Access rules shared by every domain: which rows a user sees (`scope`)."""
