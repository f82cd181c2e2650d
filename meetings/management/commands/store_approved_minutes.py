from django.core.management.base import BaseCommand

from meetings import services
from meetings.choices import MinutesStatus
from meetings.models import Meeting, MinutesVersion


class Command(BaseCommand):
    help = (
        "Store the summary of approved minutes that have no stored version yet (approved "
        "before versions were stored), so that they keep what they print today. Run once "
        "after upgrading; running it again changes nothing."
    )

    def handle(self, *args, **options):
        stored_already = MinutesVersion.objects.filter(reopened_at__isnull=True).values("meeting_id")
        meetings = (
            Meeting.objects.filter(minutes_status=MinutesStatus.APPROVED, approved_by__isnull=False)
            .exclude(pk__in=stored_already)
            .select_related("county", "chair", "period", "approved_by", "action_plan")
            .order_by("pk")
        )
        count = 0
        for meeting in meetings:
            services.minutes_store(meeting=meeting)
            count += 1
        self.stdout.write(f"Stored the approved minutes of {count} meeting(s).")
