"""The victims grid: its categories and rules, the outlier warnings, and its save (both
statuses, whole or not at all, refused when someone else saved meanwhile)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
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
from cases.models import AgeGroup, VictimCount, VictimReport
from cases.selectors.reporting import forget_reported
from cases.services.reporting import check_writable
from cases.services.settings import age_groups_for
from krat.concurrency import StaleEditError, require_version
from krat.models import Institution, ReportingPeriod


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
    from cases.selectors.victims import earlier_victim_means

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
    versions: Mapping[str, int | None],
) -> list[Warning]:
    """Save both statuses of an institution's grid for a period, whole or not at all.

    `versions` gives, for each status saved, the version the editor loaded (0: none was
    stored). Returns the outlier warnings (saved anyway). Raises ValidationError listing
    every broken rule, StaleEditError when someone else saved the grid meanwhile, or
    MissingVersionError when a status saved comes without its version.
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
    expected = {status: require_version(versions.get(status)) for status in grids}
    with transaction.atomic():
        # One grid saver at a time, so that two first saves of a status cannot both insert.
        Institution.objects.select_for_update().get(pk=institution.pk)
        stored = {
            r.status: r
            for r in VictimReport.objects.select_for_update().filter(period=period, institution=institution)
        }
        for status, grid in grids.items():
            report = stored.get(status)
            # 0 means "there was none when I read": stale if there is one now.
            if (report.version if report is not None else 0) != expected[status]:
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
    forget_reported(period, DataKind.VICTIMS)
    return outlier_warnings(
        period=period, institution=institution, totals={s: g.total for s, g in grids.items()}
    )
