"""`langso worker`: durable background work for one machine or a fleet (see jobs.py)."""
