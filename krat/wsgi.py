"""WSGI entry point: `gunicorn krat.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "krat.settings")
application = get_wsgi_application()
