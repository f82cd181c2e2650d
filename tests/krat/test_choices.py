"""`krat.choices.label_of` gives what a model's get_FOO_display() gives, in each language."""

import pytest
from django.utils import translation

from actionplan.choices import EventStatus, TargetGroupCode
from actionplan.models import AwarenessEvent, TargetGroup
from krat.choices import label_of
from krat.models import SubmissionState
from meetings.choices import Body, DecisionStatus, MeetingStatus


@pytest.mark.parametrize(
    "choices", [EventStatus, TargetGroupCode, SubmissionState, Body, DecisionStatus, MeetingStatus]
)
@pytest.mark.parametrize("language", ["sq", "en"])
def test_label_of_is_the_display_of_every_value_and_the_value_itself_when_unknown(choices, language):
    with translation.override(language):
        for value, label in choices.choices:
            assert label_of(choices, value) == str(label)
        assert label_of(choices, "no-such-value") == "no-such-value"


def test_the_report_s_rows_print_what_the_models_print():
    with translation.override("sq"):
        event = AwarenessEvent(status=EventStatus.HELD)
        assert label_of(EventStatus, event.status) == event.get_status_display()
        group = TargetGroup(code=TargetGroupCode.values[0])
        assert str(group) == group.get_code_display()
