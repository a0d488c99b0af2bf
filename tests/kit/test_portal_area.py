"""The header and footer name the deployment's place (PORTAL_AREA), not always Chư Prông."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_header_and_footer_name_the_deployments_place(client, settings):
    settings.PORTAL_AREA = "Gia Lai"
    html = client.get("/tap-huan/lich/").content.decode()
    assert '<a class="brand" href="/">Chuyển đổi số Gia Lai</a>' in html
    assert "Đoàn Thanh niên Gia Lai: chương trình chuyển đổi số." in html
    assert "Chư Prông" not in html


def test_by_default_it_is_chu_prong(client):
    html = client.get("/tap-huan/lich/").content.decode()
    assert "<title>" in html and "Chuyển đổi số Chư Prông" in html
