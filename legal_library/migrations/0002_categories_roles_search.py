"""Starting categories, the library permissions of the roles, and (PostgreSQL only)
a full-text index over the folded search text."""

from django.db import migrations

CATEGORIES = [
    ("hon-nhan-gia-dinh", "Hôn nhân và gia đình"),
    ("dat-dai", "Đất đai"),
    ("an-toan-giao-thong", "An toàn giao thông"),
    ("phong-chong-tao-hon", "Phòng, chống tảo hôn"),
    ("dich-vu-cong", "Dịch vụ công trực tuyến"),
    ("an-ninh-mang", "An toàn thông tin, an ninh mạng"),
]


def categories(apps, schema_editor):
    Category = apps.get_model("legal_library", "Category")
    for position, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


def roles(apps, schema_editor):
    from core.roles import sync_roles

    sync_roles(apps)


def search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS legal_document_search_gin ON legal_library_document "
            "USING gin (to_tsvector('simple', search_text))"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS legal_document_search_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("legal_library", "0001_initial"),
        ("chuprong", "0002_roles"),
        ("market", "0002_banks_and_roles"),
    ]

    operations = [
        migrations.RunPython(categories, migrations.RunPython.noop),
        migrations.RunPython(roles, migrations.RunPython.noop),
        migrations.RunPython(search_index, drop_search_index),
    ]
