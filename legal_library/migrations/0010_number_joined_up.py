from django.db import migrations

from legal_library.rendering import plain_text
from legal_library.searching import index_columns, write_index


def reindex(apps, schema_editor):
    """SQLite: write every document's FTS5 row again, now with its number joined up."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    Document = apps.get_model("legal_library", "Document")
    for document in Document.objects.only("pk", "number", "title", "summary", "body_html"):
        columns = index_columns(
            number=document.number,
            title=document.title,
            summary=document.summary,
            body_text=plain_text(document.body_html),
        )
        write_index(connection, document.pk, columns)


class Migration(migrations.Migration):
    dependencies = [("legal_library", "0009_search_head")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
