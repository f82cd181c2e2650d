from django.test import RequestFactory
from django.urls import reverse

from krat.audit import log_download
from krat.models import DownloadLog


def test_a_download_is_logged_and_the_secretariat_reads_who_what_when(world, client):
    request = RequestFactory().get("/te-dhena/eksport.xlsx?periudha=1")
    request.user = world.users["observer"]
    log_download(request, county=world.own, what="Viktimat, Janar – Prill 2018", suppressed=True)

    client.force_login(world.users["secretariat"])
    page = client.get(reverse("krat:download_log", args=[world.own.slug])).content.decode()
    assert "Viktimat, Janar – Prill 2018" in page
    assert str(world.users["observer"]) in page
    assert "/te-dhena/eksport.xlsx?periudha=1" in page


def test_another_countys_log_is_not_shown(world, client):
    request = RequestFactory().get("/x")
    request.user = world.users["other_secretariat"]
    log_download(request, county=world.other, what="Vlorë only")
    client.force_login(world.users["secretariat"])
    assert (
        "Vlorë only" not in client.get(reverse("krat:download_log", args=[world.own.slug])).content.decode()
    )
    assert DownloadLog.objects.count() == 1
