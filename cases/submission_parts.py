"""The period data an institution's period submission includes, by the county's settings:
the victims grid, street-children interventions, the employment path."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.choices import DataKind
from cases.models import EmploymentFunnel, StreetIntervention, VictimReport
from cases.selectors.reporting import reported_institutions, settings_for
from krat.submissions.parts import COMPLETE, MISSING, SubmissionPart, register_part

PARTS = [
    (DataKind.VICTIMS, VictimReport, _("Victims and potential victims"), "cases:victims_entry"),
    (DataKind.STREET_CHILDREN, StreetIntervention, _("Children in street situations"), "cases:street"),
    (DataKind.EMPLOYMENT, EmploymentFunnel, _("Employment of vulnerable people"), "cases:employment_entry"),
]


def _part(data: str, model, title, url_name: str) -> SubmissionPart:
    def applicable(submissions) -> set[int]:
        # The submissions are the period's, of its members: the part is in the report of
        # each whose kind reports it, also of one made inactive since.
        kinds = set(settings_for(submissions[0].period.county).kinds_for(data))
        return {s.institution_id for s in submissions if s.institution.kind in kinds}

    def states(submissions) -> dict[int, str]:
        reported = reported_institutions(submissions[0].period, data)
        return {s.institution_id: COMPLETE if s.institution_id in reported else MISSING for s in submissions}

    def url(submission) -> str:
        if url_name == "cases:street":
            return reverse(url_name, args=[submission.period_id])
        return reverse(url_name, args=[submission.period_id, submission.institution_id])

    return SubmissionPart(
        key=f"cases.{data}",
        title=title,
        applies_to=lambda institution: institution.kind in settings_for(institution.county).kinds_for(data),
        state=lambda submission: states([submission])[submission.institution_id],
        states=states,
        applicable=applicable,
        url=url,
        case_figures=True,
    )


def register() -> None:
    for data, model, title, url_name in PARTS:
        register_part(_part(data, model, title, url_name))
