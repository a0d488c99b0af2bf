"""Reports go up to the province (issue 16): the as-of day, the send state (separate from
the making), who sent and received, the reason for sending despite blocking problems, the
version a correction replaces, the e-mail to the province; the send and receive
permissions, given to the roles by ``sync_roles``.

A report made before this keeps an empty as-of day unless its period had ended when it
was made: then its figures ran to the period's end, which is what is written.
"""

import zoneinfo

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def forwards(apps, schema_editor):
    from core.roles import sync_roles

    AdoptionReport = apps.get_model("reports", "AdoptionReport")
    for report in AdoptionReport.objects.filter(status="done", finished_at__isnull=False):
        made_on = report.finished_at.astimezone(LOCAL).date()
        if report.period_end < made_on:
            report.as_of = report.period_end
            report.save(update_fields=["as_of"])
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_content_type"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # every app's models exist, so the roles keep all their permissions
        ("chuprong", "0011_province_officer_role"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("legal_library", "0010_number_joined_up"),
        ("market", "0006_vendor_amount_ceiling"),
        ("trainings", "0003_secretaries_plan_sessions"),
        ("volunteers", "0006_follow_up_closed"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="adoptionreport",
            options={
                "ordering": ["-period_start", "-version"],
                "permissions": [
                    ("send_adoptionreport", "Can send a commune's report to the province"),
                    ("receive_adoptionreport", "Can mark a sent report received"),
                ],
                "verbose_name": "adoption report",
                "verbose_name_plural": "adoption reports",
            },
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="as_of",
            field=models.DateField(
                blank=True,
                help_text="The last day the figures count: the period's end, or the day the report was made for a period not yet over. Empty for reports made before it was kept.",
                null=True,
                verbose_name="figures up to",
            ),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="corrects",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="corrections",
                to="reports.adoptionreport",
                verbose_name="correction of",
            ),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="email_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "No e-mail"),
                    ("queued", "E-mail waiting to go"),
                    ("sending", "E-mail going out"),
                    ("sent", "E-mailed"),
                    ("no_address", "Not e-mailed: the province has no address for reports"),
                    ("failed", "The e-mail could not be sent"),
                ],
                default="",
                max_length=12,
                verbose_name="e-mail to the province",
            ),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="emailed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="e-mailed at"),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="emailed_to",
            field=models.EmailField(blank=True, max_length=254, verbose_name="e-mailed to"),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="received_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="received at"),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="received_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="received by",
            ),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="send_reason",
            field=models.TextField(
                blank=True, verbose_name="reason for sending despite blocking problems"
            ),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sent at"),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="sent_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="sent by",
            ),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="sent_state",
            field=models.CharField(
                choices=[
                    ("draft", "Not sent"),
                    ("sent", "Sent to the province"),
                    ("received", "Received by the province"),
                ],
                default="draft",
                max_length=10,
                verbose_name="sending",
            ),
        ),
        migrations.AddField(
            model_name="adoptionreport",
            name="email_claimed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
