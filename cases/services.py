"""Writes of the period data. Each grid is saved whole or not at all."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import (
    FIXED_DIMENSIONS,
    MAX_COUNT,
    UNKNOWN,
    Citizenship,
    Country,
    DataKind,
    Dimension,
    VictimStatus,
)
from cases.models import (
    AgeGroup,
    CasesSettings,
    EmploymentFunnel,
    StreetChildCount,
    StreetIntervention,
    VictimCount,
    VictimReport,
)
from krat.concurrency import StaleEditError, save_versioned
from krat.memo import forget, remembered
from krat.models import County, Institution, ReportingPeriod

DEFAULT_AGE_GROUPS = [(0, 13), (14, 17), (18, 24), (25, None)]
# The keys `krat.memo` remembers the county's settings and age groups under.
SETTINGS, AGE_GROUPS = "cases.settings", "cases.age_groups"


# --- County settings ----------------------------------------------------------------------


def settings_for(county: County) -> CasesSettings:
    """The county's period data settings, created with the defaults on first use
    (read once per county instance: see `krat.memo`)."""
    return remembered(county, SETTINGS, lambda: CasesSettings.objects.get_or_create(county=county)[0])


def age_groups_for(county: County) -> list[AgeGroup]:
    """The county's age groups, the defaults (0–13, 14–17, 18–24, 25+) created on first use
    (read once per county instance: see `krat.memo`)."""
    return remembered(county, AGE_GROUPS, lambda: _age_groups(county))


def _age_groups(county: County) -> list[AgeGroup]:
    groups = list(AgeGroup.objects.filter(county=county).order_by("min_age"))
    if not groups:
        AgeGroup.objects.bulk_create(
            [AgeGroup(county=county, min_age=low, max_age=high) for low, high in DEFAULT_AGE_GROUPS],
            ignore_conflicts=True,
        )
        groups = list(AgeGroup.objects.filter(county=county).order_by("min_age"))
    return groups


def settings_save(
    *, settings: CasesSettings, expected_version: int | None, bounds: Sequence[int] | None
) -> CasesSettings:
    """Save the period data settings and, when they changed, the age groups: both or neither."""
    with transaction.atomic():
        save_versioned(settings, expected_version=expected_version)
        current = [g.min_age for g in age_groups_for(settings.county)]
        if bounds and list(bounds) != current:
            age_groups_set(county=settings.county, bounds=bounds)
    return settings


def age_groups_set(*, county: County, bounds: Sequence[int]) -> list[AgeGroup]:
    """Replace the county's age groups by groups starting at `bounds` (the last is open).

    Refused once any figure uses the current groups: old figures keep their meaning.
    """
    starts = sorted(set(bounds))
    if not starts or starts[0] != 0 or any(b < 0 or b > 120 for b in starts):
        raise ValidationError(
            _("Give the ages where groups start, beginning with 0, such as “0, 14, 18, 25”."),
            code="bad_bounds",
        )
    current = AgeGroup.objects.filter(county=county)
    used = (
        StreetChildCount.objects.filter(age_group__in=current).exists()
        or EmploymentFunnel.objects.filter(age_group__in=current).exists()
        or VictimCount.objects.filter(report__county=county, dimension=Dimension.AGE, count__gt=0).exists()
    )
    if used:
        raise ValidationError(
            _("The age groups are already used by recorded figures and cannot be changed."),
            code="groups_used",
        )
    forget(county, AGE_GROUPS)
    with transaction.atomic():
        VictimCount.objects.filter(report__county=county, dimension=Dimension.AGE).delete()
        current.delete()
        ends = [b - 1 for b in starts[1:]] + [None]
        AgeGroup.objects.bulk_create(
            [
                AgeGroup(county=county, min_age=low, max_age=high)
                for low, high in zip(starts, ends, strict=True)
            ]
        )
    return age_groups_for(county)


# --- Who may report what --------------------------------------------------------------------


def may_report(institution: Institution, data: str, settings: CasesSettings | None = None) -> bool:
    """Whether institutions of this kind report `data` in their county."""
    settings = settings or settings_for(institution.county)
    return institution.is_active and institution.kind in settings.kinds_for(data)


def check_writable(*, period: ReportingPeriod, institution: Institution, data: str) -> None:
    if period.is_closed:
        raise ValidationError(
            _("The period “%(period)s” is closed."), code="closed", params={"period": period}
        )
    if not may_report(institution, data):
        raise ValidationError(
            _("Institutions of this kind do not report these figures."), code="kind_not_allowed"
        )


# --- Victims grid ------------------------------------------------------------------------------


@dataclass
class VictimGrid:
    """What one status of the grid holds: the total, the referred, and every cell.

    `cells` maps (dimension, category) to a count; missing cells count as 0.
    """

    total: int = 0
    referred: int = 0
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    def dimension(self, dimension: str) -> dict[str, int]:
        return {cat: n for (dim, cat), n in self.cells.items() if dim == dimension}


def victim_categories(age_groups: Sequence[AgeGroup]) -> dict[str, list[tuple[str, str]]]:
    """Every breakdown's categories as (value, label), "unknown" last."""
    categories = {
        dimension: [(str(value), label) for value, label in choices.choices]
        for dimension, choices in FIXED_DIMENSIONS.items()
    }
    categories[Dimension.AGE] = [(str(g.pk), g.label) for g in age_groups] + [
        (UNKNOWN, gettext_lazy("Unknown"))
    ]
    ordered = {}
    for dimension in Dimension.values:
        if dimension in categories:
            ordered[dimension] = categories[dimension]
    return ordered


def victim_grid_errors(grid: VictimGrid, age_groups: Sequence[AgeGroup]) -> list[tuple[str | None, str]]:
    """Every rule the grid breaks, as (dimension or None, message)."""
    errors: list[tuple[str | None, str]] = []
    allowed = victim_categories(age_groups)
    for (dimension, category), count in grid.cells.items():
        if dimension == Dimension.COUNTRY:
            valid = category in Country.values
        else:
            valid = category in {value for value, _label in allowed.get(dimension, [])}
        if not valid:
            errors.append((dimension, _("Unknown category “%(category)s”.") % {"category": category}))
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_COUNT:
            errors.append((dimension, _("Counts are whole numbers from 0 to %(max)d.") % {"max": MAX_COUNT}))
    for value in (grid.total, grid.referred):
        if not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            errors.append((None, _("Counts are whole numbers from 0 to %(max)d.") % {"max": MAX_COUNT}))
    if errors:
        return errors
    if grid.referred > grid.total:
        errors.append(
            (
                "referred",
                _("Referred to services (%(referred)d) cannot be more than the total (%(total)d).")
                % {"referred": grid.referred, "total": grid.total},
            )
        )
    for dimension in allowed:
        parts = sum(grid.dimension(dimension).values())
        if parts != grid.total:
            errors.append(
                (
                    dimension,
                    _(
                        "“%(dimension)s” adds up to %(sum)d, not to the total %(total)d; put the rest under “Unknown”."
                    )
                    % {"dimension": Dimension(dimension).label, "sum": parts, "total": grid.total},
                )
            )
    foreign = grid.cells.get((Dimension.CITIZENSHIP, Citizenship.FOREIGN), 0)
    by_country = sum(grid.dimension(Dimension.COUNTRY).values())
    if by_country != foreign:
        errors.append(
            (
                Dimension.COUNTRY,
                _(
                    "Foreign victims by country add up to %(sum)d, not to the %(foreign)d foreign victims; "
                    "use “Unknown country” for the rest."
                )
                % {"sum": by_country, "foreign": foreign},
            )
        )
    return errors


@dataclass
class Warning:
    status: str
    total: int
    mean: float
    message: str


def outlier_warnings(
    *, period: ReportingPeriod, institution: Institution, totals: Mapping[str, int]
) -> list[Warning]:
    """Totals far from the institution's earlier periods: a second look, never a refusal.

    Flagged when a total is more than 3× or less than ⅓ of the mean of the institution's
    totals in earlier periods (same status), and differs from it by at least 5.
    """
    from cases.selectors import earlier_victim_means

    means = earlier_victim_means(period=period, institution=institution)
    warnings = []
    for status, total in totals.items():
        if status not in means:
            continue
        mean = means[status]
        far = total > 3 * mean or 3 * total < mean
        if far and abs(total - mean) >= 5:
            warnings.append(
                Warning(
                    status=status,
                    total=total,
                    mean=mean,
                    message=_(
                        "%(status)s: %(total)d is far from this institution's earlier periods "
                        "(%(mean)s on average). Please check it."
                    )
                    % {"status": VictimStatus(status).label, "total": total, "mean": f"{mean:.1f}"},
                )
            )
    return warnings


def victim_grid_save(
    *,
    period: ReportingPeriod,
    institution: Institution,
    grids: Mapping[str, VictimGrid],
    versions: Mapping[str, int | None] | None = None,
) -> list[Warning]:
    """Save both statuses of an institution's grid for a period, whole or not at all.

    Returns the outlier warnings (saved anyway). Raises ValidationError listing every
    broken rule, or StaleEditError when someone else saved the grid meanwhile.
    """
    check_writable(period=period, institution=institution, data=DataKind.VICTIMS)
    age_groups = age_groups_for(period.county)
    problems = []
    for status, grid in grids.items():
        if status not in VictimStatus.values:
            raise ValidationError(_("Unknown status."), code="bad_status")
        for _dimension, message in victim_grid_errors(grid, age_groups):
            problems.append(
                ValidationError(
                    _("%(status)s: %(message)s"),
                    params={"status": VictimStatus(status).label, "message": message},
                    code="grid_rule",
                )
            )
    if problems:
        raise ValidationError(problems)
    versions = versions or {}
    with transaction.atomic():
        # One grid saver at a time, so that two first saves of a status cannot both insert.
        Institution.objects.select_for_update().get(pk=institution.pk)
        stored = {
            r.status: r
            for r in VictimReport.objects.select_for_update().filter(period=period, institution=institution)
        }
        for status, grid in grids.items():
            report = stored.get(status)
            # A version given as None means "there was none when I read": stale if there is one now.
            # A status left out of `versions` (an import) replaces whatever is stored.
            if report is not None and status in versions and report.version != versions[status]:
                raise StaleEditError([str(VictimStatus(status).label)])
            if report is None:
                report = VictimReport(
                    county=period.county, period=period, institution=institution, status=status
                )
            else:
                report.version += 1
            report.total, report.referred = grid.total, grid.referred
            report.full_clean()
            report.save()
            existing = {(c.dimension, c.category): c for c in report.cells.all()}
            for key, cell in existing.items():
                if key not in grid.cells and cell.count:
                    cell.count = 0
                    cell.save()
            for (dimension, category), count in grid.cells.items():
                cell = existing.get((dimension, category))
                if cell is None:
                    if count:
                        VictimCount.objects.create(
                            report=report, dimension=dimension, category=category, count=count
                        )
                elif cell.count != count:
                    cell.count = count
                    cell.save()
    _forget_reported(period, DataKind.VICTIMS)
    return outlier_warnings(
        period=period, institution=institution, totals={s: g.total for s, g in grids.items()}
    )


# --- Children in street situations ---------------------------------------------------------------


def _forget_reported(period: ReportingPeriod, data: str) -> None:
    from cases.selectors import forget_reported

    forget_reported(period, data)


def period_for_date(county: County, day: datetime.date) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(county=county, start_date__lte=day, end_date__gte=day).first()


def intervention_save(
    *,
    intervention: StreetIntervention,
    counts: Mapping[tuple[str, int | None], int],
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> StreetIntervention:
    """Validate and save an intervention with its children counts (sex, age group id) → n.

    The period is found from the date: a date in the future, or outside every period
    of the county, or in a closed period, is refused.
    """
    today = today or timezone.localdate()
    county = intervention.county
    errors: dict[str, list] = {}
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
    total = 0
    for (_sex, group_id), count in counts.items():
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
    with transaction.atomic():
        if intervention.pk is not None:
            stored = StreetIntervention.objects.select_for_update().get(pk=intervention.pk)
            if stored.period.is_closed:
                raise ValidationError(
                    _("The period “%(period)s” is closed."), code="closed", params={"period": stored.period}
                )
            if expected_version is not None and stored.version != expected_version:
                raise StaleEditError([str(StreetIntervention._meta.verbose_name)])
            intervention.version = stored.version + 1
        intervention.full_clean()
        intervention.save()
        existing = {(c.sex, c.age_group_id): c for c in intervention.counts.all()}
        for key, cell in existing.items():
            if counts.get(key, 0) != cell.count:
                if counts.get(key, 0):
                    cell.count = counts[key]
                    cell.save()
                else:
                    cell.delete()
        for (sex, group_id), count in counts.items():
            if count and (sex, group_id) not in existing:
                StreetChildCount.objects.create(
                    intervention=intervention, sex=sex, age_group_id=group_id, count=count
                )
    _forget_reported(intervention.period, DataKind.STREET_CHILDREN)
    return intervention


def interventions_import(
    *, county: County, institution: Institution, items: Sequence[tuple[StreetIntervention, dict]]
) -> int:
    """Save imported interventions all together or none (errors carry the row number)."""
    with transaction.atomic():
        for intervention, counts in items:
            intervention.county = county
            intervention.institution = institution
            intervention_save(intervention=intervention, counts=counts)
    return len(items)


# --- Employment -------------------------------------------------------------------------------


def employment_stamp(*, period: ReportingPeriod, institution: Institution) -> int:
    """The optimistic lock of the employment grid: the newest change in its history.

    The grid's rows are replaced on each save, so no row carries a version; every save
    adds history rows, so this number grows with each one.
    """
    return employment_stamps([(period.pk, institution.pk)]).get((period.pk, institution.pk), 0)


def employment_stamps(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """`employment_stamp` of several (period id, institution id) grids, in one query
    (a grid never saved is missing: its stamp is 0)."""
    from cases.selectors import grids_q

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
    expected_stamp: int | None = None,
) -> list[EmploymentFunnel]:
    """Replace the institution's employment paths for the period, whole or not at all.

    With `expected_stamp` (what the editor loaded, see `employment_stamp`), a grid saved by
    someone else meanwhile refuses this save (`StaleEditError`).
    """
    check_writable(period=period, institution=institution, data=DataKind.EMPLOYMENT)
    seen = set()
    problems = []
    for number, row in enumerate(rows, start=1):
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
        if row.age_group_id and row.age_group.county_id != period.county_id:
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
        if expected_stamp is not None:
            Institution.objects.select_for_update().get(pk=institution.pk)  # one grid saver at a time
            if employment_stamp(period=period, institution=institution) != expected_stamp:
                raise StaleEditError([str(EmploymentFunnel._meta.verbose_name_plural)])
        for old in EmploymentFunnel.objects.filter(period=period, institution=institution):
            old.delete()
        for row in rows:
            row.pk = None
            row.save()
    _forget_reported(period, DataKind.EMPLOYMENT)
    return list(rows)
