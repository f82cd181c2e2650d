"""The employment grid: its optimistic lock (the stamp, the newest change in its history) and
its save, every row replaced whole or not at all."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cases.choices import DataKind
from cases.models import EmploymentFunnel
from cases.services.reporting import check_writable, lock_open
from krat.concurrency import StaleEditError, require_version
from krat.models import Institution, ReportingPeriod


def employment_stamp(*, period: ReportingPeriod, institution: Institution) -> int:
    """The optimistic lock of the employment grid: the newest change in its history.

    The grid's rows are replaced on each save, so no row carries a version; every save
    adds history rows, so this number grows with each one.
    """
    return employment_stamps([(period.pk, institution.pk)]).get((period.pk, institution.pk), 0)


def employment_stamps(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """`employment_stamp` of several (period id, institution id) grids, in one query
    (a grid never saved is missing: its stamp is 0)."""
    from cases.selectors.grids import grids_q

    rows = (
        EmploymentFunnel.history.filter(grids_q(keys))
        .order_by()
        .values("period_id", "institution_id")
        .annotate(latest=Max("history_id"))
    )
    return {(row["period_id"], row["institution_id"]): row["latest"] for row in rows}


def employment_save(
    *,
    period: ReportingPeriod,
    institution: Institution,
    rows: Sequence[EmploymentFunnel],
    expected_stamp: int | None,
) -> list[EmploymentFunnel]:
    """Replace the institution's employment paths for the period, whole or not at all.

    A stage left empty has no value (None, not 0); a row with no stage entered holds
    nothing and is refused (the editor deletes it instead).

    `expected_stamp` is what the editor loaded (see `employment_stamp`; 0 for a grid never
    saved): a grid saved by someone else meanwhile refuses this save (`StaleEditError`),
    and a save that gives no stamp is refused (`MissingVersionError`), never let through.
    """
    expected_stamp = require_version(expected_stamp)
    check_writable(period=period, institution=institution, data=DataKind.EMPLOYMENT)
    seen = set()
    problems = []
    for number, row in enumerate(rows, start=1):
        if row.is_empty:
            problems.append(
                ValidationError(
                    _("Row %(row)d: enter at least one stage, or delete the row."),
                    params={"row": number},
                    code="empty_row",
                )
            )
        row.county, row.period, row.institution = period.county, period, institution
        key = (row.group, row.sex, row.age_group_id)
        if key in seen:
            problems.append(
                ValidationError(
                    _("Row %(row)d repeats a group, sex and age group given above."),
                    params={"row": number},
                    code="duplicate",
                )
            )
        seen.add(key)
        if row.age_group is not None and row.age_group.county_id != period.county_id:
            problems.append(
                ValidationError(
                    _("Row %(row)d: unknown age group."), params={"row": number}, code="bad_group"
                )
            )
        try:
            row.full_clean(validate_constraints=False)
        except ValidationError as error:
            for message in error.messages:
                problems.append(
                    ValidationError(
                        _("Row %(row)d: %(message)s"), params={"row": number, "message": message}, code="row"
                    )
                )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        Institution.objects.select_for_update().get(pk=institution.pk)  # one grid saver at a time
        lock_open(periods=[period])
        if employment_stamp(period=period, institution=institution) != expected_stamp:
            raise StaleEditError([str(EmploymentFunnel._meta.verbose_name_plural)])
        for old in EmploymentFunnel.objects.filter(period=period, institution=institution):
            old.delete()
        for row in rows:
            row.pk = None
            row.save()
    return list(rows)
