from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from ops.backups import BackupError, Database, backup_create


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database and the uploaded files (MEDIA_ROOT) "
        "into backups/chuprong-YYYYmmdd-HHMMSS.tar.gz, with a manifest of checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(Path(settings.BASE_DIR) / "backups"),
            help="Folder for the archive (default: backups/ beside manage.py).",
        )

    def handle(self, *_args, output_dir: str, **_options):
        try:
            result = backup_create(
                database=Database.from_settings(connections["default"].settings_dict),
                media_root=Path(settings.MEDIA_ROOT),
                directory=Path(output_dir),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written: %(path)s (%(tables)d tables, %(rows)d rows, "
                    "%(files)d uploaded files, %(size).1f MB)."
                )
                % {
                    "path": result.path,
                    "tables": len(manifest["row_counts"]),
                    "rows": sum(manifest["row_counts"].values()),
                    "files": len(manifest["files"]) - 1,
                    "size": result.path.stat().st_size / 1e6,
                }
            )
        )
