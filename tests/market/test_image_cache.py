"""A withdrawn code is never served from the image cache (issue 11, item 11).

The images of /v/<key>/… are kept in the shared cache (locmem here, Redis with
REDIS_URL) and in each process's copy. Another web process keeps its own copy,
which no change made here can clear: the tests put the copies this process had
back after each change, as that other process would still hold them.
"""

import pytest
from django.urls import reverse

from market import qr, services
from market.models import Vendor
from tests.core.test_audit import admin_form_data

pytestmark = pytest.mark.django_db


def _urls(vendor) -> list[str]:
    urls = [f"/v/{vendor.token}/qr.png", f"/v/{vendor.token}/qr.svg"]
    for account in vendor.accounts.all():
        urls += [
            reverse("market:account_qr", args=[vendor.token, account.pk, fmt])
            for fmt in ("png", "svg")
        ]
    return urls


def _warm(client, urls) -> dict:
    """Fetch every image (so it is cached); return this process's copies of them."""
    for url in urls:
        assert client.get(url).status_code == 200, url
    return dict(qr._local._items)


def _as_another_process(copies: dict) -> None:
    """Put back the per-process copies a change may have dropped here: another
    process still holds its own."""
    with qr._local._lock:
        qr._local._items.update(copies)


def _delete_in_admin_page(client, vendor):
    response = client.post(f"/admin/market/vendor/{vendor.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302


def _delete_in_admin_list(client, vendor):
    response = client.post(
        "/admin/market/vendor/",
        {"action": "delete_selected", "_selected_action": [vendor.pk], "post": "yes"},
    )
    assert response.status_code == 302


def _delete_by_service(client, vendor):
    services.vendor_delete(vendor=vendor, actor=None)


@pytest.mark.parametrize(
    "delete", [_delete_in_admin_page, _delete_in_admin_list, _delete_by_service]
)
def test_a_deleted_vendors_images_are_gone(
    client, officer, vendor_a, delete, django_capture_on_commit_callbacks
):
    urls = _urls(vendor_a)
    copies = _warm(client, urls)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        delete(client, vendor_a)
    assert not Vendor.objects.filter(pk=vendor_a.pk).exists()
    client.logout()
    _as_another_process(copies)
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_a_reissued_keys_old_images_are_gone(
    client, officer, vendor_a, django_capture_on_commit_callbacks
):
    old_urls = _urls(vendor_a)
    copies = _warm(client, old_urls)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cho/nguoi-ban/{vendor_a.pk}/doi-lien-ket/")
    assert response.status_code == 302
    client.logout()
    _as_another_process(copies)
    for url in old_urls:
        assert client.get(url).status_code == 404, url
    vendor_a.refresh_from_db()
    for url in _urls(vendor_a):  # the new key's images work
        assert client.get(url).status_code == 200, url


def test_a_removed_accounts_image_is_gone(
    client, officer, vendor_a, django_capture_on_commit_callbacks
):
    momo = vendor_a.accounts.get(label="MoMo")
    gone = [
        reverse("market:account_qr", args=[vendor_a.token, momo.pk, fmt]) for fmt in ("png", "svg")
    ]
    kept = [u for u in _urls(vendor_a) if u not in gone]
    copies = _warm(client, gone + kept)
    client.force_login(officer)
    data = admin_form_data(client.get(f"/admin/market/vendor/{vendor_a.pk}/change/"))
    index = next(i for i in range(2) if str(data.get(f"accounts-{i}-id")) == str(momo.pk))
    data[f"accounts-{index}-DELETE"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/market/vendor/{vendor_a.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not vendor_a.accounts.filter(pk=momo.pk).exists()
    client.logout()
    _as_another_process(copies)
    for url in gone:
        assert client.get(url).status_code == 404, url
    for url in kept:
        assert client.get(url).status_code == 200, url


def test_the_cached_image_costs_no_query_and_one_cache_read(
    client, vendor_a, django_assert_num_queries, monkeypatch
):
    url = f"/v/{vendor_a.token}/qr.png"
    client.get(url)
    reads = []
    for name in ("get", "get_many"):
        original = getattr(qr.cache, name)
        monkeypatch.setattr(
            qr.cache, name, lambda *a, _o=original, _n=name, **k: reads.append(_n) or _o(*a, **k)
        )
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    assert len(reads) == 1  # one round trip to the shared cache, the validity included
