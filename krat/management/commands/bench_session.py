import json

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand

from krat.models import User


class Command(BaseCommand):
    help = (
        "Print, as JSON, a session key signed in as each --user (repeatable), for the "
        "benchmark's load generator."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", action="append", required=True)

    def handle(self, *args, user: list[str], **options):
        keys = {}
        for username in user:
            person = User.objects.get(username=username)
            session = SessionStore()
            session[SESSION_KEY] = str(person.pk)
            session[BACKEND_SESSION_KEY] = "krat.auth.KratBackend"
            session[HASH_SESSION_KEY] = person.get_session_auth_hash()
            session.set_expiry(3 * 3600)
            session.save()
            keys[username] = session.session_key
        self.stdout.write(json.dumps(keys))
