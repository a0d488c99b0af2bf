from django.db import migrations


def officers_no_longer_change_province_wide_settings(apps, schema_editor):
    """Banks, schedules, topics and categories: commune officers keep only "view"
    (sync_roles sets each role's permissions to the list, so the rest are removed)."""
    from core.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("chuprong", "0005_audit_entry"),
        # every app's models exist, so the roles keep all their permissions
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("legal_library", "0003_report_indexes"),
        ("market", "0003_report_indexes"),
        ("trainings", "0002_topics_roles"),
        ("volunteers", "0003_report_indexes"),
    ]

    operations = [
        migrations.RunPython(
            officers_no_longer_change_province_wide_settings, migrations.RunPython.noop
        )
    ]
