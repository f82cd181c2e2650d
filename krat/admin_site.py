"""The admin site asks for the second factor (django-otp's OTP admin site).

Installed as the project's default admin site (`krat.apps.KratAdminConfig`), so every
`@admin.register` of the apps and of django-otp lands here. A session that gave only
the password is treated as not staff: the admin asks for the code before any page.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django_otp.admin import OTPAdminSite
from simple_history.admin import SimpleHistoryAdmin

from krat.models.base import Versioned


class KratAdminSite(OTPAdminSite):
    def __init__(self, name: str = "admin"):
        # OTPAdminSite names itself "otpadmin"; the URL namespace stays "admin".
        super().__init__(name)


class VersionedAdmin(SimpleHistoryAdmin):
    """The admin of a model with history: a change of a `Versioned` record here counts as
    one, as a form's save does (`krat.concurrency.save_versioned`), so a person editing the
    same record in a form is told of it instead of overwriting it, and what is kept under
    a record's version (`cases.selectors.figures.published_headlines`) is not read for the
    changed record. The inline records of a page are counted the same way.

    simple-history's revert page (`history_form_view`) asks only for the permission to
    *view* the record before it saves what is posted; here a revert is a change, refused
    where the change page is (a closed period's records, `cases.admin.PeriodRecordAdmin`),
    and the revert of a record deleted since is an addition, refused where adding is."""

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            # A record deleted since comes back as a new one: the add permission decides.
            stored = self.get_object(request, object_id)
            if stored is None:
                allowed = self.has_add_permission(request)
            else:
                allowed = self.has_change_permission(request, stored)
            if not allowed:
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            _count_change(obj)
            super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            instances = formset.save(commit=False)
            for deleted in formset.deleted_objects:
                deleted.delete()
            for instance in instances:
                _count_change(instance)
                instance.save()
            formset.save_m2m()


def _count_change(obj: Model) -> None:
    """The next version of a stored `Versioned` record, read under a lock (two admins
    saving at once both count)."""
    if isinstance(obj, Versioned) and obj.pk is not None:
        stored = (
            type(obj)
            ._default_manager.select_for_update()
            .filter(pk=obj.pk)
            .values_list("version", flat=True)
            .first()
        )
        if stored is not None:
            obj.version = stored + 1
