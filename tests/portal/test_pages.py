import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import TEST_PASSWORD, CommuneFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_home_page_is_vietnamese(client, commune, village_a, village_b, django_assert_num_queries):
    # the communes with their village count, the villages, the markets, the library
    # points, the coming training sessions (their topics are not shown: no prefetch query)
    with django_assert_num_queries(5):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Xã số Chư Prông" in html
    assert "Tủ sách pháp luật" in html
    assert "Thôn 3" in html and "Làng Kte" in html
    assert "2 thôn, làng" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_home_page_query_count_does_not_grow_with_villages(
    client, commune, django_assert_num_queries
):
    VillageFactory.create_batch(40, commune=commune)
    with django_assert_num_queries(5):
        assert client.get("/").status_code == 200


def test_several_communes_are_listed(client, commune, other_commune, django_assert_num_queries):
    CommuneFactory.create_batch(5)
    with django_assert_num_queries(1):
        response = client.get("/")
    html = response.content.decode()
    assert reverse("commune_detail", args=[commune.slug]) in html
    assert reverse("commune_detail", args=[other_commune.slug]) in html
    detail = client.get(reverse("commune_detail", args=[other_commune.slug]))
    assert detail.status_code == 200
    assert "Ia Boòng" in detail.content.decode()


def test_unknown_commune_and_page_are_friendly_404s(client, commune):
    for url in ("/xa/khong-co/", "/khong-co-trang-nay/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()


def test_english_is_the_second_language(client, commune):
    response = client.get("/ngon-ngu/en/", {"next": "/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Chư Prông digital commune" in html
    assert "Legal library" in html
    client.get("/ngon-ngu/vi/", {"next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_500_page_is_vietnamese():
    html = render_to_string("500.html")
    assert "Đã có lỗi xảy ra" in html


def test_sign_in_with_username_or_email(client, officer):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert "Đăng nhập" in html and "Tên đăng nhập hoặc email" in html
    response = client.post("/accounts/login/", {"login": "canbo", "password": TEST_PASSWORD})
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "Đăng xuất" in home
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"login": officer.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_wrong_password_is_explained_in_vietnamese(client, officer):
    response = client.post("/accounts/login/", {"login": "canbo", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập và/hoặc mật khẩu không đúng." in response.content.decode()


def test_sign_in_attempts_are_rate_limited(client, officer):
    """Five wrong passwords for one account, then even the right one is refused."""
    limited = "Đăng nhập sai quá nhiều lần"
    for n in range(5):
        response = client.post("/accounts/login/", {"login": "canbo", "password": f"sai-{n}"})
        assert limited not in response.content.decode()
    response = client.post("/accounts/login/", {"login": "canbo", "password": TEST_PASSWORD})
    assert limited in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_there_is_no_public_sign_up(client, commune):
    response = client.get("/accounts/signup/")
    assert "Tài khoản do Đoàn xã tạo" in response.content.decode()
    assert (
        client.post(
            "/accounts/signup/",
            {
                "username": "x",
                "email": "x@example.invalid",
                "password1": "Abcdef12345!",
                "password2": "Abcdef12345!",
            },
        ).status_code
        != 302
    )


def test_password_reset_pages_are_vietnamese(client, officer, mailoutbox):
    response = client.get("/accounts/password/reset/")
    assert "Đặt lại mật khẩu" in response.content.decode()
    response = client.post("/accounts/password/reset/", {"email": officer.email}, follow=True)
    assert "Kiểm tra email" in response.content.decode()
    assert len(mailoutbox) == 1
    assert "mật khẩu mới" in mailoutbox[0].body


def test_a_phone_set_to_english_still_gets_vietnamese(client, commune):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"
    assert "Cookie" in response["Vary"]


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client, commune):
    client.cookies["django_language"] = "fr"
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_the_language_link_never_redirects_elsewhere(client, commune):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.get("/ngon-ngu/en/", {"next": target})
        assert response["Location"] == "/"
    assert "django_language" not in client.get("/ngon-ngu/xx/").cookies


def test_a_refused_form_says_so_at_its_top_with_links_to_the_fields(client, officer):
    """On a phone the fields in error may be screens below: the form opens with a summary
    (visible without scrolling) whose links lead to each field in error."""
    client.force_login(officer)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "", "password1": "a", "password2": "b"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    summary = html.index('id="form-errors"')
    assert summary < html.index('name="oldpassword"')
    assert "Chưa lưu: hãy sửa những chỗ báo đỏ bên dưới." in html
    assert 'href="#id_oldpassword"' in html[summary:]
