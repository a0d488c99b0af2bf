"""Every ``aria-describedby`` of every page names an element of that page.

Django points a field at ``<id>_helptext`` and ``<id>_error``; a template that
draws hints and errors itself must give them those ids, or screen readers read
nothing. Every page of the project (the access table's, with the personas who
open it) and every admin add and change page is read as it first shows and
after an empty post (all its errors), and each reference is looked up.
"""

import html.parser

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory
from tests.test_access import ALL_ROWS, _url, objects  # noqa: F401 (objects is a fixture)

PERSONAS = ["anonymous", "officer", "secretary_a", "volunteer", "vendor"]


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if attributes.get("aria-describedby"):
            described = f"<{tag} name={attributes.get('name')}>"
            self.references.append((described, attributes["aria-describedby"]))


def _dangling(body: str) -> list[str]:
    parser = _Ids()
    parser.feed(body)
    return [
        f"{element} → {ident}"
        for element, idents in parser.references
        for ident in idents.split()
        if ident not in parser.ids
    ]


def _check(client, urls) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            page = response.status_code in (200, 400) and "html" in response["Content-Type"]
            if page and (dangling := _dangling(response.content.decode())):
                found[f"{method.__name__.upper()} {url}"] = dangling
    return found


@pytest.mark.django_db
def test_the_check_finds_a_reference_to_nothing():
    assert _dangling('<input aria-describedby="id_x_helptext"><p id="id_y_helptext">') == [
        "<input name=None> → id_x_helptext"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_hint_and_error_of_the_projects_pages_has_its_id(client, request, persona):
    rows = request.getfixturevalue("objects")
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    urls = {_url(name, rows) for name in ALL_ROWS if not name.startswith("admin:")}
    assert _check(client, sorted(urls)) == {}


@pytest.mark.django_db
@pytest.mark.usefixtures("objects")
def test_every_hint_and_error_of_the_admins_forms_has_its_id(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    urls = ["/admin/password_change/"]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_add"))
        if (row := model._default_manager.first()) is not None:
            urls.append(reverse(f"{prefix}_change", args=[row.pk]))
    assert _check(client, urls) == {}
