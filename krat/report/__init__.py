"""The period coordination report (issue 7): data, finalisation and the workbook.

- `selectors.period_report(county, period, *, shared, today)`: everything the preview,
  the PDF and the XLSX show (a frozen `CoordinationReport`): each section's data (a frozen
  dataclass) under its key, the core's sections and those the apps contribute
  (`krat.contributions`).
- `national.national_report(start_date, *, today)`: every county's headline figures of one
  period, the national totals and their comparisons (a frozen `NationalReport`).
- `services`: the secretariat's summary and the chair's finalisation.
- `workbook.report_workbook(report)`: the report's tables as one XLSX.
"""
