"""A document's owner (issue 16): a commune's own, or empty, the province's. Every
stored document becomes province-wide (shown at every point, as before); province
officers get the documents' permissions (legal_library/apps.py)."""

import django.db.models.deletion
from django.db import migrations, models


def sync_roles(apps, schema_editor):
    from core.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("chuprong", "0011_province_officer_role"),
        ("legal_library", "0010_number_joined_up"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="commune",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: a province-wide document, shown in every commune.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="documents",
                to="chuprong.commune",
                verbose_name="commune",
            ),
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
