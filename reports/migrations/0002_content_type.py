"""The adoption report's content type follows the model to the reports app.

The row of ``django_content_type`` is renamed (chuprong → reports), not replaced,
so its permissions (and the groups that hold them) and the audit entries that
point at it stay as they were. Then the roles are set again from the apps'
declarations, which now name ``reports.view_adoptionreport``.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from core.roles import sync_roles

    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="reports", model="adoptionreport").exists():
        ContentType.objects.filter(app_label="chuprong", model="adoptionreport").update(
            app_label="reports"
        )
    sync_roles(apps)


def backwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="chuprong", model="adoptionreport").exists():
        ContentType.objects.filter(app_label="reports", model="adoptionreport").update(
            app_label="chuprong"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        # every app's models exist, so the roles keep all their permissions
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("legal_library", "0004_point_codes_unique_any_case"),
        ("market", "0003_report_indexes"),
        ("trainings", "0002_topics_roles"),
        ("volunteers", "0003_report_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
