"""A Province above the communes (issue 16): each commune's province name becomes a row."""

import django.db.models.deletion
from django.db import migrations, models

from kit.text import slugify


def provinces_from_names(apps, schema_editor):
    Province = apps.get_model("chuprong", "Province")
    Commune = apps.get_model("chuprong", "Commune")
    for name in Commune.objects.values_list("province", flat=True).distinct():
        province, _created = Province.objects.get_or_create(
            name=name, defaults={"slug": slugify(name)[:80] or "tinh"}
        )
        Commune.objects.filter(province=name).update(province_ref=province)
    if schema_editor.connection.vendor == "postgresql":
        # the updates' deferred checks must not be pending when 0010 changes the table
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("chuprong", "0008_user_sign_in_link")]

    operations = [
        migrations.CreateModel(
            name="Province",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120, unique=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=80, unique=True, verbose_name="slug")),
                (
                    "code",
                    models.CharField(
                        blank=True,
                        help_text="The national administrative unit code, when known.",
                        max_length=10,
                        verbose_name="administrative code",
                    ),
                ),
                (
                    "report_email",
                    models.EmailField(
                        blank=True,
                        help_text="Where the communes' sent reports are e-mailed.",
                        max_length=254,
                        verbose_name="address for reports",
                    ),
                ),
            ],
            options={"verbose_name": "province", "verbose_name_plural": "provinces", "ordering": ["name"]},
        ),
        migrations.AddField(
            model_name="commune",
            name="province_ref",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="chuprong.province",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="province",
            field=models.ForeignKey(
                blank=True,
                help_text="Where a province officer's role applies.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="users",
                to="chuprong.province",
                verbose_name="province",
            ),
        ),
        migrations.RunPython(provinces_from_names, migrations.RunPython.noop),
    ]
