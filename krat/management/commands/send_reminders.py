import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from krat.submissions.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Send the period-report reminders due today (for cron, once a day): before and after "
        "each open period's deadline, and the chair's list of missing institutions. "
        "A step already sent is never sent again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before", type=int, default=3, help="Remind this many days before the deadline."
        )
        parser.add_argument(
            "--days-after", type=int, default=1, help="Remind this many days after the deadline."
        )
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, default=None, help="Run as if today were YYYY-MM-DD."
        )

    def handle(self, *args, days_before, days_after, date, **options):
        try:
            run = reminders_send(today=date, days_before=days_before, days_after=days_after)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if run.nothing_new:
            self.stdout.write("Nothing new to send: every reminder due today was already sent.")
        else:
            self.stdout.write(
                f"Sent {run.emails} reminder e-mail(s) covering {run.items} due report(s), "
                f"and {run.chair_lists} list(s) of missing institutions to the chair."
            )
