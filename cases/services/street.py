"""Interventions with children in street situations: the period found from the date, the
save of one intervention with its children counts, and the import of many, all or none."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import MAX_COUNT, DataKind
from cases.models import StreetChildCount, StreetIntervention
from cases.selectors.age_groups import age_groups_for
from cases.selectors.reporting import may_report
from cases.services.reporting import lock_open
from krat.concurrency import StaleEditError, require_version
from krat.models import County, Institution, ReportingPeriod


def period_for_date(county: County, day: datetime.date) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(county=county, start_date__lte=day, end_date__gte=day).first()


def intervention_save(
    *,
    intervention: StreetIntervention,
    counts: Mapping[tuple[str, int | None], int | None],
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> StreetIntervention:
    """Validate and save an intervention with its children counts (sex, age group id) → n.

    A count missing or None has no value and is stored as no row (0 is a row of 0);
    `children` is the sum of the counts entered, at least one.

    The period is found from the date: a date in the future, or outside every period
    of the county, or in a closed period, is refused. A stored intervention changes only
    from the version its editor loaded (`expected_version`, required for it).
    """
    today = today or timezone.localdate()
    county = intervention.county
    errors: dict[str, list[ValidationError]] = {}
    if intervention.date:
        if intervention.date > today:
            errors["date"] = [ValidationError(_("The date is in the future."), code="future")]
        else:
            period = period_for_date(county, intervention.date)
            if period is None:
                errors["date"] = [
                    ValidationError(_("The date falls outside every reporting period."), code="no_period")
                ]
            elif period.is_closed:
                errors["date"] = [
                    ValidationError(
                        _("The period “%(period)s” is closed."), code="closed", params={"period": period}
                    )
                ]
            else:
                intervention.period = period
    if intervention.municipality_id and intervention.municipality.county_id != county.pk:
        errors["municipality"] = [
            ValidationError(_("Choose a municipality of this county."), code="other_county")
        ]
    if intervention.institution_id and not may_report(intervention.institution, DataKind.STREET_CHILDREN):
        errors["institution"] = [
            ValidationError(
                _("Institutions of this kind do not report these figures."), code="kind_not_allowed"
            )
        ]
    group_ids = {g.pk for g in age_groups_for(county) if g.is_child}
    entered = {key: count for key, count in counts.items() if count is not None}
    total = 0
    for (_sex, group_id), count in entered.items():
        if group_id is not None and group_id not in group_ids:
            errors.setdefault("__all__", []).append(
                ValidationError(_("Unknown age group."), code="bad_group")
            )
        if not 0 <= count <= MAX_COUNT:
            errors.setdefault("__all__", []).append(
                ValidationError(_("Counts are whole numbers from 0 to %(max)d."), params={"max": MAX_COUNT})
            )
        total += count
    if total < 1:
        errors.setdefault("__all__", []).append(
            ValidationError(_("Count at least one child."), code="no_children")
        )
    elif total > MAX_COUNT:
        errors.setdefault("__all__", []).append(
            ValidationError(_("Counts are whole numbers from 0 to %(max)d."), params={"max": MAX_COUNT})
        )
    if errors:
        raise ValidationError(errors)
    intervention.children = total
    # The period it is saved in, found from the date before the lock (checked again under it).
    saved_in = [intervention.period] if intervention.period_id is not None else []
    with transaction.atomic():
        if intervention.pk is not None:
            stored = StreetIntervention.objects.select_for_update().get(pk=intervention.pk)
            lock_open(periods=[stored.period, *saved_in])  # and the period it leaves
            if stored.version != require_version(expected_version):
                raise StaleEditError([str(StreetIntervention._meta.verbose_name)])
            intervention.version = stored.version + 1
        else:
            lock_open(periods=saved_in)
        intervention.full_clean()
        intervention.save()
        # A count emptied loses its row (its history keeps what it held).
        existing = {(c.sex, c.age_group_id): c for c in intervention.counts.all()}
        for key, cell in existing.items():
            if key not in entered:
                cell.delete()
            elif entered[key] != cell.count:
                cell.count = entered[key]
                cell.save()
        for (sex, group_id), count in entered.items():
            if (sex, group_id) not in existing:
                StreetChildCount.objects.create(
                    intervention=intervention, sex=sex, age_group_id=group_id, count=count
                )
    return intervention


def interventions_import(
    *,
    county: County,
    institution: Institution,
    items: Sequence[tuple[StreetIntervention, dict[tuple[str, int | None], int | None]]],
) -> int:
    """Save imported interventions all together or none (errors carry the row number)."""
    with transaction.atomic():
        for intervention, counts in items:
            intervention.county = county
            intervention.institution = institution
            intervention_save(intervention=intervention, counts=counts)
    return len(items)
