"""The versioned REST API under /api/v1/: the browser's rules, for institutions' systems.

Each app keeps its own serializers and viewsets in `<app>/api.py`; this package holds
what they share: token authentication, the language of messages, ETag / If-Match,
pagination, error shapes, and the router (`krat.api.urls`).
"""
