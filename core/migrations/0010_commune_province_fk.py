"""The commune's province name gives way to the Province row 0009 filled in."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("chuprong", "0009_province")]

    operations = [
        migrations.AlterModelOptions(
            name="commune",
            options={"ordering": ["name"], "verbose_name": "commune", "verbose_name_plural": "communes"},
        ),
        migrations.RemoveField(model_name="commune", name="province"),
        migrations.RenameField(model_name="commune", old_name="province_ref", new_name="province"),
        migrations.AlterField(
            model_name="commune",
            name="province",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="communes",
                to="chuprong.province",
                verbose_name="province",
            ),
        ),
    ]
