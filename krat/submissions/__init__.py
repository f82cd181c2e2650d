"""Period submissions: each member institution's report, its review, completeness and reminders.

`parts` holds the registry other apps use to add structured parts, `services` the
state transitions, `selectors` the to-do page and the completeness board, `reminders`
the reminder e-mails. The models are in `krat.models.submission`.
"""
