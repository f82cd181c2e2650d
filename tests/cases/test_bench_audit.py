"""The audit of issue 15 on the benchmark's data at scale 1 (bench/data/): every period
of the county, for the observer, the report for sharing and each institution's
representative — no hidden count reveals more than its mark; how many were checked is
printed and must not be zero."""

from __future__ import annotations

import pytest

from bench.data.core import generate
from cases.models import EmploymentFunnel, StreetIntervention, VictimReport
from cases.selectors.audit import audit_period
from krat.benchmarks import first_county


@pytest.mark.django_db
def test_the_audit_passes_on_the_benchmark_data_for_every_reader():
    generate(scale=1)
    county = first_county()
    checked = 0
    for period in county.periods.order_by("start_date"):
        reporting = set()
        for model in (VictimReport, StreetIntervention, EmploymentFunnel):
            reporting |= set(model.objects.filter(period=period).values_list("institution_id", flat=True))
        readers = ["observer", "sharing", *(f"representative:{pk}" for pk in sorted(reporting))]
        for reader in readers:
            result = audit_period(county, period, reader)
            assert result.failures == [], (period.label, reader, result.failures[:5])
            checked += len(result.checks)
        print(f"{period.label}: {len(readers)} readers, {checked} hidden cells checked so far")
    print(f"Audit of the benchmark data at scale 1: {checked} hidden cells checked, none revealing more.")
    assert checked > 0
