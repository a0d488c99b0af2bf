from django.db import migrations

# Schedules officers may edit in the admin (Periodic tasks), in Asia/Ho_Chi_Minh.
SCHEDULES = [
    # name, task, minute, hour, day of month, day of week
    ("Báo cáo tháng của các xã", "chuprong.monthly_reports", "0", "6", "1", "*"),
    ("Tổng hợp chiến dịch hằng tuần", "volunteers.weekly_campaign_summary", "0", "7", "*", "1"),
]


def forwards(apps, schema_editor):
    from core.roles import sync_roles

    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day_of_month, day_of_week in SCHEDULES:
        crontab, _created = Crontab.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year="*",
            day_of_week=day_of_week,
            timezone="Asia/Ho_Chi_Minh",
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "enabled": True}
        )
    sync_roles(apps)


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("chuprong", "0003_adoption_report"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("trainings", "0002_topics_roles"),
        ("volunteers", "0002_roles"),
        ("market", "0002_banks_and_roles"),
        ("legal_library", "0002_categories_roles_search"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
