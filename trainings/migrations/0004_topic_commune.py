"""A topic's owner (issue 16): a commune's own, or empty, the province's. Every stored
topic stays the province's; commune officers get add and change of topics (their own
commune's only: services.topic_save, the admin)."""

import django.db.models.deletion
from django.db import migrations, models


def sync_roles(apps, schema_editor):
    from core.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("chuprong", "0011_province_officer_role"),
        ("legal_library", "0011_document_commune"),
        ("trainings", "0003_secretaries_plan_sessions"),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="commune",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: a province-wide topic, offered to every commune.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="topics",
                to="chuprong.commune",
                verbose_name="commune",
            ),
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
