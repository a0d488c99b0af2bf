from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from ops.backups import BackupError, Database, restore


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup`: checks it first, then restores "
        "the database and the uploaded files and checks the row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backups/chuprong-YYYYmmdd-HHMMSS.tar.gz")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace a database that already has data.",
        )
        parser.add_argument(
            "--database-url",
            help=(
                "Restore into this database instead of the project's (DATABASE_URL), "
                "e.g. a scratch database made with createdb."
            ),
        )
        parser.add_argument(
            "--media-root",
            help="Put the uploaded files here instead of MEDIA_ROOT.",
        )

    def handle(self, *_args, archive, yes, database_url, media_root, **_options):
        try:
            database = (
                Database.from_url(database_url)
                if database_url
                else Database.from_settings(connections["default"].settings_dict)
            )
            result = restore(
                archive=Path(archive),
                database=database,
                media_root=Path(media_root or settings.MEDIA_ROOT),
                confirmed=yes,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored %(path)s (made %(date)s): %(tables)d tables and %(rows)d rows, "
                    "as the manifest says; %(written)d files written, %(unchanged)d already "
                    "in place."
                )
                % {
                    "path": archive,
                    "date": manifest["created_at"],
                    "tables": len(manifest["row_counts"]),
                    "rows": sum(manifest["row_counts"].values()),
                    "written": result.files_written,
                    "unchanged": result.files_unchanged,
                }
            )
        )
        if result.files_extra:
            self.stdout.write(
                _(
                    "Files in the media folder that are not in the backup were left in place: "
                    "%(count)d."
                )
                % {"count": result.files_extra}
            )
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
