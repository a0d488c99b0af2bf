"""Migrations 0009–0010: each commune's province name becomes a Province row, on a
database that holds communes (PostgreSQL queues the updates' checks: see 0009)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import Commune, Province


@pytest.mark.django_db(transaction=True)
def test_the_province_names_become_provinces():
    before = [("chuprong", "0008_user_sign_in_link")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("chuprong", "Commune")
    old.objects.create(name="Chư Prông", slug="chu-prong", province="Gia Lai")
    old.objects.create(name="Ia Boòng", slug="ia-boong", province="Gia Lai")
    old.objects.create(name="Ea Kar", slug="ea-kar", province="Đắk Lắk")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert sorted(Province.objects.values_list("name", "slug")) == [
        ("Gia Lai", "gia-lai"),
        ("Đắk Lắk", "dak-lak"),
    ]
    by_commune = dict(Commune.objects.values_list("slug", "province__name"))
    assert by_commune == {"chu-prong": "Gia Lai", "ia-boong": "Gia Lai", "ea-kar": "Đắk Lắk"}
