"""The province officer's role (issue 16): reads the province's communes, owns its lists."""

from django.db import migrations


def province_officer_role(apps, schema_editor):
    from core.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("chuprong", "0010_commune_province_fk"),
        # every app's models exist, so the roles keep all their permissions
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("legal_library", "0010_number_joined_up"),
        ("market", "0006_vendor_amount_ceiling"),
        ("reports", "0002_content_type"),
        ("trainings", "0003_secretaries_plan_sessions"),
        ("volunteers", "0006_follow_up_closed"),
    ]

    operations = [migrations.RunPython(province_officer_role, migrations.RunPython.noop)]
