"""The bank directory (market/data/banks.tsv) and the market permissions of the roles."""

from django.db import migrations


def load_banks(apps, schema_editor):
    from market.bank_directory import load_bank_directory

    load_bank_directory(apps)


def sync_roles(apps, schema_editor):
    from core.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0001_initial"),
        ("chuprong", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(load_banks, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
