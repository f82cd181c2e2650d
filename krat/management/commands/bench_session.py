from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand

from krat.models import User


class Command(BaseCommand):
    help = "Print a session key signed in as --user, for the benchmark's load generator."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True)

    def handle(self, *args, user: str, **options):
        person = User.objects.get(username=user)
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "krat.auth.KratBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.set_expiry(3600)
        session.save()
        self.stdout.write(session.session_key)
