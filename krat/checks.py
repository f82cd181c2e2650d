"""System checks of the project's own settings (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def site_url_is_set(app_configs, **kwargs):
    if settings.KRAT_SITE_URL.startswith("https://"):
        return []
    return [
        Warning(
            "SITE_URL is not an https:// address: links in e-mails would not reach people.",
            hint="Set SITE_URL to the public address, e.g. https://krat.prefektura-durres.gov.al",
            id="krat.W001",
        )
    ]
