import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from krat.forms import ReportingPeriodForm
from krat.models import ReportingPeriod
from tests.factories import CountyFactory, PeriodFactory

D = datetime.date


MAY, AUGUST_END, DEADLINE = D(2018, 5, 1), D(2018, 8, 31), D(2018, 9, 10)


def period(county, label="P", start=MAY, end=AUGUST_END, deadline=DEADLINE):
    return ReportingPeriod(county=county, label=label, start_date=start, end_date=end, deadline=deadline)


@pytest.mark.django_db
class TestModelRules:
    def test_a_valid_period_passes(self):
        period(CountyFactory()).full_clean()

    @pytest.mark.parametrize(
        ("start", "end", "code"),
        [
            (D(2018, 5, 1), D(2018, 5, 1), "end_after_start"),
            (D(2018, 5, 2), D(2018, 5, 1), "end_after_start"),
        ],
    )
    def test_the_end_must_come_after_the_start(self, start, end, code):
        with pytest.raises(ValidationError, match="end date must come after"):
            period(CountyFactory(), start=start, end=end, deadline=start).full_clean()

    def test_the_deadline_is_not_before_the_start(self):
        with pytest.raises(ValidationError, match="deadline cannot be before"):
            period(CountyFactory(), deadline=D(2018, 4, 30)).full_clean()

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (D(2018, 4, 30), D(2018, 6, 30)),  # shares the last day
            (D(2017, 12, 1), D(2018, 1, 1)),  # shares the first day
            (D(2018, 2, 1), D(2018, 3, 1)),  # inside
            (D(2017, 1, 1), D(2019, 1, 1)),  # around
        ],
    )
    def test_periods_of_one_county_never_overlap(self, start, end):
        existing = PeriodFactory(start_date=D(2018, 1, 1), end_date=D(2018, 4, 30))
        with pytest.raises(ValidationError) as error:
            period(existing.county, start=start, end=end, deadline=end).full_clean()
        codes = [e.code for e in error.value.error_dict["__all__"]]
        assert codes == ["period_overlap"]
        assert "01.01.2018 – 30.04.2018" in str(error.value.messages)

    def test_adjacent_periods_and_other_counties_do_not_clash(self):
        existing = PeriodFactory(start_date=D(2018, 1, 1), end_date=D(2018, 4, 30))
        period(existing.county, start=D(2018, 5, 1), end=D(2018, 8, 31)).full_clean()
        period(CountyFactory(), label=existing.label, start=D(2018, 1, 1), end=D(2018, 4, 30)).full_clean()

    def test_a_period_may_be_saved_again_without_clashing_with_itself(self):
        existing = PeriodFactory()
        existing.full_clean()


@pytest.mark.django_db(transaction=True)
class TestDatabaseConstraints:
    """The database refuses what slips past validation (a script, a race, the shell)."""

    def _save_raw(self, instance):
        with pytest.raises(IntegrityError), transaction.atomic():
            instance.save()

    def test_overlap_is_refused_by_the_database(self):
        existing = PeriodFactory(start_date=D(2018, 1, 1), end_date=D(2018, 4, 30))
        self._save_raw(
            period(existing.county, start=D(2018, 4, 1), end=D(2018, 6, 1), deadline=D(2018, 6, 1))
        )
        assert ReportingPeriod.objects.count() == 1

    def test_an_update_into_an_overlap_is_refused_too(self):
        first = PeriodFactory(start_date=D(2018, 1, 1), end_date=D(2018, 4, 30))
        second = PeriodFactory(county=first.county, start_date=D(2018, 5, 1), end_date=D(2018, 8, 31))
        second.start_date = D(2018, 4, 15)
        self._save_raw(second)

    def test_end_before_start_is_refused_by_the_database(self):
        self._save_raw(
            period(CountyFactory(), start=D(2018, 5, 1), end=D(2018, 4, 1), deadline=D(2018, 5, 1))
        )

    def test_deadline_before_start_is_refused_by_the_database(self):
        self._save_raw(period(CountyFactory(), deadline=D(2018, 1, 1)))


@pytest.mark.django_db
class TestForm:
    def test_dates_are_typed_the_albanian_way(self):
        county = CountyFactory()
        form = ReportingPeriodForm(
            {
                "label": "Janar – Prill 2019",
                "start_date": "01.01.2019",
                "end_date": "30.04.2019",
                "deadline": "10.05.2019",
            },
            county=county,
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["end_date"] == D(2019, 4, 30)

    def test_an_overlapping_period_is_refused_with_the_clash_named(self):
        existing = PeriodFactory(label="Janar – Prill 2018")
        form = ReportingPeriodForm(
            {
                "label": "Tjetër",
                "start_date": "01.03.2018",
                "end_date": "30.06.2018",
                "deadline": "10.07.2018",
            },
            county=existing.county,
        )
        assert not form.is_valid()
        assert "Janar – Prill 2018" in str(form.non_field_errors())

    def test_a_duplicate_label_in_the_county_is_refused(self):
        existing = PeriodFactory(label="Janar – Prill 2018")
        form = ReportingPeriodForm(
            {
                "label": "Janar – Prill 2018",
                "start_date": "01.01.2019",
                "end_date": "30.04.2019",
                "deadline": "10.05.2019",
            },
            county=existing.county,
        )
        assert not form.is_valid()
        assert "already has a period with this label" in str(form.errors)


@pytest.mark.django_db
class TestCurrentPeriod:
    def test_the_period_containing_today_else_the_latest_started_else_the_next(self):
        from krat.periods import current_period

        county = CountyFactory()
        assert current_period(county, D(2018, 6, 1)) is None
        future = PeriodFactory(
            county=county,
            label="F",
            start_date=D(2019, 1, 1),
            end_date=D(2019, 4, 30),
            deadline=D(2019, 5, 1),
        )
        later = PeriodFactory(
            county=county,
            label="L",
            start_date=D(2019, 6, 1),
            end_date=D(2019, 8, 31),
            deadline=D(2019, 9, 1),
        )
        assert current_period(county, D(2018, 6, 1)) == future
        assert current_period(county, D(2019, 2, 1)) == future
        assert current_period(county, D(2019, 5, 15)) == future  # between periods: the latest started
        assert current_period(county, D(2019, 7, 1)) == later
        assert current_period(county, D(2020, 1, 1)) == later
