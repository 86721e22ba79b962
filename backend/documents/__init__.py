"""Printable documents: the one-stop letters (letters.py) on a shared A4 layout (render.py)."""
