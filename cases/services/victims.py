"""The victims grid: its categories and rules, the outlier warnings, and its save (both
statuses, whole or not at all, refused when someone else saved meanwhile)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.choices import (
    MAX_COUNT,
    Citizenship,
    Country,
    DataKind,
    Dimension,
    VictimStatus,
    victim_categories,
)
from cases.models import AgeGroup, VictimCount, VictimReport
from cases.selectors.age_groups import age_groups_for
from cases.services.reporting import check_writable, lock_open
from krat.concurrency import StaleEditError, require_version
from krat.models import Institution, ReportingPeriod


@dataclass
class VictimGrid:
    """What one status of the grid holds: the total, the referred, and the cells entered.

    `cells` maps (dimension, category) to a count, for the cells entered only (0
    included): a cell missing from it has no value. `total` and `referred` are None when
    left empty.
    """

    total: int | None = None
    referred: int | None = None
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    def dimension(self, dimension: str) -> dict[str, int]:
        return {cat: n for (dim, cat), n in self.cells.items() if dim == dimension}

    @property
    def is_empty(self) -> bool:
        """Nothing entered: no total, no referred, no cell."""
        return self.total is None and self.referred is None and not self.cells


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT


def victim_grid_errors(grid: VictimGrid, age_groups: Sequence[AgeGroup]) -> list[tuple[str | None, str]]:
    """Every rule the grid breaks, as (dimension or None, message).

    A cell left empty has no value. The total is the figure every other one breaks
    down, so nothing else is entered without it. A breakdown whose every category is
    entered adds up to the total; one with empty cells adds up to no more than it (what
    is not entered is shown as such, never taken for 0). Foreign victims by country add
    up to no more than the foreign victims (the list of countries is never complete by
    its shape, so it is never required to add up exactly).
    """
    errors: list[tuple[str | None, str]] = []
    allowed = victim_categories(age_groups)
    bad_count = _("Counts are whole numbers from 0 to %(max)d.") % {"max": MAX_COUNT}
    for (dimension, category), count in grid.cells.items():
        if dimension == Dimension.COUNTRY:
            valid = category in Country.values
        else:
            valid = category in {value for value, _label in allowed.get(dimension, [])}
        if not valid:
            errors.append((dimension, _("Unknown category “%(category)s”.") % {"category": category}))
        if not _is_count(count):
            errors.append((dimension, bad_count))
    for value in (grid.total, grid.referred):
        if value is not None and not _is_count(value):
            errors.append((None, bad_count))
    if errors:
        return errors
    if grid.total is None:
        if not grid.is_empty:
            errors.append((None, _("Enter the total: every other figure of the column is a part of it.")))
        return errors
    total = grid.total
    if grid.referred is not None and grid.referred > total:
        errors.append(
            (
                "referred",
                _("Referred to services (%(referred)d) cannot be more than the total (%(total)d).")
                % {"referred": grid.referred, "total": total},
            )
        )
    for dimension, options in allowed.items():
        entered = grid.dimension(dimension)
        parts = sum(entered.values())
        complete = len(entered) == len(options)
        if complete and parts != total:
            errors.append(
                (
                    dimension,
                    _(
                        "“%(dimension)s” adds up to %(sum)d, not to the total %(total)d; put the rest under “Unknown”."
                    )
                    % {"dimension": Dimension(dimension).label, "sum": parts, "total": total},
                )
            )
        elif parts > total:
            errors.append(
                (
                    dimension,
                    _(
                        "The cells entered of “%(dimension)s” add up to %(sum)d, more than the total %(total)d."
                    )
                    % {"dimension": Dimension(dimension).label, "sum": parts, "total": total},
                )
            )
    by_country = grid.dimension(Dimension.COUNTRY)
    if by_country:
        foreign = grid.cells.get((Dimension.CITIZENSHIP, Citizenship.FOREIGN))
        if foreign is None:
            errors.append(
                (
                    Dimension.COUNTRY,
                    _("Enter the number of foreign victims before their countries."),
                )
            )
        elif sum(by_country.values()) > foreign:
            errors.append(
                (
                    Dimension.COUNTRY,
                    _(
                        "Foreign victims by country add up to %(sum)d, more than the %(foreign)d foreign victims."
                    )
                    % {"sum": sum(by_country.values()), "foreign": foreign},
                )
            )
    return errors


@dataclass(frozen=True)
class OutlierWarning:
    """A total far from the institution's earlier periods: shown, never refused."""

    status: str
    total: int
    mean: float
    message: str


def outlier_warnings(
    *, period: ReportingPeriod, institution: Institution, totals: Mapping[str, int | None]
) -> list[OutlierWarning]:
    """Totals far from the institution's earlier periods: a second look, never a refusal.

    Flagged when a total is more than 3× or less than ⅓ of the mean of the institution's
    totals in earlier periods (same status), and differs from it by at least 5.
    """
    from cases.selectors.victims import earlier_victim_means

    means = earlier_victim_means(period=period, institution=institution)
    warnings = []
    for status, total in totals.items():
        if status not in means or total is None:
            continue
        mean = means[status]
        far = total > 3 * mean or 3 * total < mean
        if far and abs(total - mean) >= 5:
            warnings.append(
                OutlierWarning(
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
) -> list[OutlierWarning]:
    """Save both statuses of an institution's grid for a period, whole or not at all.

    `versions` gives, for each status saved, the version the editor loaded (0: none was
    stored). A cell left empty is stored as no row, a status left wholly empty as no
    report (or, when one was stored, as its total and referred emptied). Returns the outlier warnings (saved anyway). Raises ValidationError listing
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
        lock_open(periods=[period])
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
                if grid.is_empty:
                    continue  # nothing entered, nothing stored: no value is not a row of zeros
                report = VictimReport(
                    county=period.county, period=period, institution=institution, status=status
                )
            else:
                report.version += 1
            report.total, report.referred = grid.total, grid.referred
            report.full_clean()
            report.save()
            # A cell emptied loses its row (its history keeps what it held).
            existing = {(c.dimension, c.category): c for c in report.cells.all()}
            for key, cell in existing.items():
                if key not in grid.cells:
                    cell.delete()
                elif cell.count != grid.cells[key]:
                    cell.count = grid.cells[key]
                    cell.save()
            for (dimension, category), count in grid.cells.items():
                if (dimension, category) not in existing:
                    VictimCount.objects.create(
                        report=report, dimension=dimension, category=category, count=count
                    )
    return outlier_warnings(
        period=period, institution=institution, totals={s: g.total for s, g in grids.items()}
    )
