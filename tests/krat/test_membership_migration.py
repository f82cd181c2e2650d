"""Migration krat 0014 dates the memberships it makes from the former member flag, by the
institutions' and periods' change history."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

D = datetime.date
BEFORE = [("krat", "0013_table_membership")]
AFTER = [("krat", "0015_remove_institution_is_table_member")]


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@pytest.fixture
def old_apps():
    """The models as they were before the memberships; the database is migrated back after."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_memberships_are_dated_by_the_history(old_apps):
    County = old_apps.get_model("krat", "County")
    Institution = old_apps.get_model("krat", "Institution")
    HistoricalInstitution = old_apps.get_model("krat", "HistoricalInstitution")
    ReportingPeriod = old_apps.get_model("krat", "ReportingPeriod")
    HistoricalReportingPeriod = old_apps.get_model("krat", "HistoricalReportingPeriod")
    county = County.objects.create(name="Durrës", slug="durres", prefecture_name="Prefektura")

    # KRAT was set up in 2024: the table entered on 28.02, the periods since 2018 on 01.03.
    for label, start, end in [("Janar – Prill 2018", D(2018, 1, 1), D(2018, 4, 30))]:
        period = ReportingPeriod.objects.create(
            county=county, label=label, start_date=start, end_date=end, deadline=end
        )
        HistoricalReportingPeriod.objects.create(
            id=period.pk,
            county_id=county.pk,
            label=label,
            start_date=start,
            end_date=end,
            deadline=end,
            is_closed=False,
            version=1,
            history_date=at(D(2024, 3, 1)),
            history_type="+",
        )

    def institution(name, *changes, member=True, active=True):
        """An institution as it is now, with its history: (day, member, active) per change."""
        made = Institution.objects.create(
            county=county, name=name, kind="other", is_table_member=member, is_active=active
        )
        for number, (day, was_member, was_active) in enumerate(changes):
            HistoricalInstitution.objects.create(
                id=made.pk,
                county_id=county.pk,
                name=name,
                kind="other",
                is_table_member=was_member,
                is_active=was_active,
                contact_email="",
                contact_phone="",
                address="",
                version=number + 1,
                history_date=at(day),
                history_type="+" if number == 0 else "~",
            )
        return made

    founding = institution("Themeluese", (D(2024, 2, 28), True, True))
    same_day = institution("E së njëjtës ditë", (D(2024, 3, 1), True, True))
    newcomer = institution("E re", (D(2025, 9, 1), True, True))
    left = institution("Doli", (D(2024, 2, 28), True, True), (D(2025, 7, 1), False, True), member=False)
    closed = institution(
        "E mbyllur", (D(2024, 2, 28), True, True), (D(2025, 1, 10), True, False), active=False
    )
    back = institution(
        "U kthye",
        (D(2024, 2, 28), True, True),
        (D(2025, 1, 1), False, True),
        (D(2025, 6, 1), True, True),
    )
    invited = institution("E ftuar", (D(2024, 2, 28), False, True), member=False)
    joined_later = institution("U bë anëtare", (D(2024, 2, 28), False, True), (D(2025, 3, 3), True, True))
    bulk = institution("Pa histori")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    TableMembership = executor.loader.project_state(AFTER).apps.get_model("krat", "TableMembership")

    def spans(made):
        return list(
            TableMembership.objects.filter(institution_id=made.pk)
            .order_by("start_date")
            .values_list("start_date", "end_date")
        )

    assert spans(founding) == [(D(2018, 1, 1), None)]
    assert spans(same_day) == [(D(2018, 1, 1), None)]
    assert spans(newcomer) == [(D(2025, 9, 1), None)]
    assert spans(left) == [(D(2018, 1, 1), D(2025, 6, 30))]
    assert spans(closed) == [(D(2018, 1, 1), D(2025, 1, 9))]
    assert spans(back) == [(D(2018, 1, 1), D(2024, 12, 31)), (D(2025, 6, 1), None)]
    assert spans(invited) == []
    assert spans(joined_later) == [(D(2025, 3, 3), None)]
    assert spans(bulk) == [(D(2018, 1, 1), None)]
    HistoricalTableMembership = executor.loader.project_state(AFTER).apps.get_model(
        "krat", "HistoricalTableMembership"
    )
    assert HistoricalTableMembership.objects.count() == TableMembership.objects.count() == 9
    assert set(HistoricalTableMembership.objects.values_list("history_change_reason", flat=True)) == {
        "From the former member flag (migration krat 0014)"
    }

    # Back: the flag says who is a member today, and the memberships go.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Institution = executor.loader.project_state(BEFORE).apps.get_model("krat", "Institution")
    assert sorted(Institution.objects.filter(is_table_member=True).values_list("name", flat=True)) == [
        "E re",
        "E së njëjtës ditë",
        "Pa histori",
        "Themeluese",
        "U bë anëtare",
        "U kthye",
    ]
