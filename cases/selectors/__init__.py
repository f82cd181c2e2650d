"""Reads of the period data: plain data, bounded queries, suppression where asked.

The period report (issue 7) calls `victims_summary`, `street_children_summary` and
`employment_summary` (in `victims`, `street` and `employment`); each returns a frozen
dataclass (`VictimsSummary`, `StreetSummary`, `EmploymentSummary`, each a
`comparison.PeriodComparison`) of cells (`krat.suppression.Cell`) and plain values, with the
figures of the period, of the previous period and of the same period a year earlier: nothing
in them reaches the database. Beside them: `comparison` (the periods compared and their
columns), `reporting` (the county's settings, who reports and who has reported, and
`PeriodReference`: what the reads of one period share, read once and passed down),
`age_groups`, `grids` (the grids as the institutions entered them) and `dashboard` (the
dashboard's card). Nothing here writes: the settings and age groups are created with their
county.
"""
