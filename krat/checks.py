"""System checks of the project's own settings (run by `manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Warning, register


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


@register()
def data_stamp_is_writable(app_configs, **kwargs):
    """Kept pages (krat/freshness.py) are correct only if every write can replace the stamp."""
    from django.core.cache import caches

    try:
        stamps = caches["stamps"]
        stamps.set("krat.check", "ok", timeout=60)
        written = stamps.get("krat.check") == "ok"
    except Exception as error:  # any failure of the store is the finding
        written, reason = False, str(error)
    else:
        reason = "the value written was not read back"
    if written:
        return []
    return [
        Error(
            f"The data stamp store cannot be written ({reason}).",
            hint="Point KRAT_STAMP_DIR at a folder the server may write (shared by all its servers).",
            id="krat.E001",
        )
    ]
