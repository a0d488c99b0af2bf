import django.db.models.deletion
from django.db import migrations, models


def sync_roles(apps, schema_editor):
    from core.roles import sync_roles

    # volunteers of a market's village now register and help its vendors (apps.py)
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0004_vendor_followups"),
        ("volunteers", "0003_report_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="vendorstatuschange",
            name="helped_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The volunteer of the market's village who helped the vendor.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="vendor_status_changes",
                to="volunteers.volunteer",
                verbose_name="helped by",
            ),
        ),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
