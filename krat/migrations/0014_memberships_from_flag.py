"""Memberships from the former flag "member of the Technical Table", with sensible dates.

The flag said who was a member today, not since when. The institutions' change history says
when the flag (and "active") changed, so each institution's stretches as a member (flag set
and active) are read from it, one membership per stretch: a stretch starts on the day of the
change that made it a member and ends the day before the change that ended it.

Its first stretch usually starts when the institution was entered in KRAT, often long after
it joined: a county set up in 2024 enters its table, then the periods since 2018. So an
institution entered no later than the day the county's first period was entered (the table
as KRAT was set up with) is a member from the start of the county's earliest period; one
entered after that day joined then, on the day it was entered (the four institutions a tester
adds today are members from today, and the 2018 board keeps its 13 of 13). Without a history
(rows loaded in bulk) an institution that is a member now is one from the earliest period's
start. The institution's stored state has the last word: a member now has an open membership.

Each membership made here has a history row saying where it came from.
"""

import datetime

from django.db import migrations
from django.db.models import Min
from django.utils import timezone

REASON = "From the former member flag (migration krat 0014)"


def _spans(rows, member_now, today):
    """[(start, end or None)] of the stretches where the history says member."""
    spans, start = [], None
    for row in rows:
        member = row.history_type != "-" and row.is_table_member and row.is_active
        day = timezone.localdate(row.history_date)
        if member and start is None:
            start = day
        elif not member and start is not None:
            spans.append((start, day - datetime.timedelta(days=1)))
            start = None
    # The stored row has the last word (a bulk update leaves no history).
    if member_now and start is None:
        start = today if rows else None
    if not member_now and start is not None:
        spans.append((start, today - datetime.timedelta(days=1)))
        start = None
    if member_now:
        spans.append((start, None))  # None: from the earliest period, said below
    return [(s, e) for s, e in spans if s is None or e is None or s <= e]


def memberships_from_flag(apps, schema_editor):
    Institution = apps.get_model("krat", "Institution")
    HistoricalInstitution = apps.get_model("krat", "HistoricalInstitution")
    ReportingPeriod = apps.get_model("krat", "ReportingPeriod")
    HistoricalReportingPeriod = apps.get_model("krat", "HistoricalReportingPeriod")
    TableMembership = apps.get_model("krat", "TableMembership")
    HistoricalTableMembership = apps.get_model("krat", "HistoricalTableMembership")
    today = timezone.localdate()
    earliest = dict(
        ReportingPeriod.objects.values("county_id").annotate(first=Min("start_date")).values_list("county_id", "first")
    )
    entered = dict(
        HistoricalReportingPeriod.objects.values("county_id")
        .annotate(first=Min("history_date"))
        .values_list("county_id", "first")
    )
    history = {}
    for row in HistoricalInstitution.objects.order_by("history_date", "history_id"):
        history.setdefault(row.id, []).append(row)
    made = []
    for institution in Institution.objects.order_by("pk"):
        rows = history.get(institution.pk, [])
        spans = _spans(rows, institution.is_table_member and institution.is_active, today)
        if not spans:
            continue
        first_start, first_end = spans[0]
        began = entered.get(institution.county_id)
        # A member from the day it was entered, entered with the county's first periods or before.
        founding = not rows or (
            first_start == timezone.localdate(rows[0].history_date)
            and (began is None or first_start <= timezone.localdate(began))
        )
        candidates = [d for d in (first_start, earliest.get(institution.county_id) if founding else None) if d]
        spans[0] = (min(candidates) if candidates else today, first_end)
        for start, end in spans:
            made.append(TableMembership(institution_id=institution.pk, start_date=start, end_date=end))
    TableMembership.objects.bulk_create(made)
    now = timezone.now()
    HistoricalTableMembership.objects.bulk_create(
        HistoricalTableMembership(
            id=m.pk,
            version=m.version,
            institution_id=m.institution_id,
            start_date=m.start_date,
            end_date=m.end_date,
            reference="",
            end_reference="",
            history_date=now,
            history_type="+",
            history_change_reason=REASON,
        )
        for m in TableMembership.objects.order_by("pk")
    )


def flag_from_memberships(apps, schema_editor):
    Institution = apps.get_model("krat", "Institution")
    TableMembership = apps.get_model("krat", "TableMembership")
    today = timezone.localdate()
    members = TableMembership.objects.filter(start_date__lte=today).exclude(end_date__lt=today)
    Institution.objects.update(is_table_member=False)
    Institution.objects.filter(pk__in=members.values("institution_id")).update(is_table_member=True)
    apps.get_model("krat", "HistoricalTableMembership").objects.all().delete()
    TableMembership.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("krat", "0013_table_membership")]

    operations = [migrations.RunPython(memberships_from_flag, flag_from_memberships)]
