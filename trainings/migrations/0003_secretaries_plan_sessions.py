"""Branch secretaries plan their village's sessions: the roles are set again from the
apps' declarations (trainings/apps.py now gives them ``add_trainingsession``)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from core.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0002_topics_roles"),
        # every app's models exist, so the roles keep all their permissions
        ("chuprong", "0008_user_sign_in_link"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("legal_library", "0010_number_joined_up"),
        ("market", "0006_vendor_amount_ceiling"),
        ("reports", "0002_content_type"),
        ("volunteers", "0004_resident_consent"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
