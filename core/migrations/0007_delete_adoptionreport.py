"""The adoption report moved to the reports app (issue 12): state only, the table stays.

``reports/0001_initial`` creates the same model in the reports app's state with
``db_table = "chuprong_adoptionreport"``; no SQL runs and every row stays.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("chuprong", "0006_province_wide_settings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AdoptionReport")],
            database_operations=[],
        ),
    ]
