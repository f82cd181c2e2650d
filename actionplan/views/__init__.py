"""Views of the action plan (plans.py, progress.py) and the awareness calendar (events.py)."""
