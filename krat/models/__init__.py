"""The table's core: counties, municipalities, institutions, people and reporting periods."""

from krat.models.api_token import ApiToken
from krat.models.audit import DownloadLog
from krat.models.county import County, Municipality
from krat.models.institution import Institution
from krat.models.membership import TableMembership
from krat.models.period import ReportingPeriod
from krat.models.report import FinalReport, PeriodReport
from krat.models.submission import (
    PartNothingToReport,
    PeriodSubmission,
    ReminderStep,
    SubmissionReminder,
    SubmissionState,
)
from krat.models.two_factor import RecoveryCode, RecoveryCodeDevice
from krat.models.user import User

__all__ = [
    "ApiToken",
    "County",
    "DownloadLog",
    "FinalReport",
    "Institution",
    "Municipality",
    "PartNothingToReport",
    "PeriodReport",
    "PeriodSubmission",
    "RecoveryCode",
    "RecoveryCodeDevice",
    "ReminderStep",
    "ReportingPeriod",
    "SubmissionReminder",
    "SubmissionState",
    "TableMembership",
    "User",
]
