"""Import legal documents from a spreadsheet, the officer page's flow on the command line.

    manage.py import_documents FILE [--commune SLUG [--own]] [--apply]

Without ``--apply`` it prints the preview (each row, its errors and notes) and exits
with status 1 when a row has an error; with it, it saves the clean rows and prints
what it added, updated and refused. Point codes are those of every commune, or of
``--commune`` (``tất cả``: all of them). The documents are the province's (shown in
every commune), or with ``--own`` the commune's own: a row that would change another
owner's stored document is refused. Saved through ``services.documents_import``.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from core.models import Commune
from legal_library import services, spreadsheets
from legal_library.models import LibraryPoint


class Command(BaseCommand):
    help = "Check (and with --apply save) the documents of an XLSX or CSV spreadsheet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .xlsx or .csv file, with a header row.")
        parser.add_argument("--apply", action="store_true", help="Save the rows without errors.")
        parser.add_argument(
            "--commune", help="Slug of the commune whose library points the file names."
        )
        parser.add_argument(
            "--own",
            action="store_true",
            help="The documents are the commune's own (with --commune), not the province's.",
        )

    def handle(self, *_args: Any, **options: Any) -> None:
        with translation.override("vi"):
            self._import(
                Path(options["file"]),
                options["commune"],
                own=options["own"],
                apply=options["apply"],
            )

    def _import(self, path: Path, commune_slug: str | None, *, own: bool, apply: bool) -> None:
        points = LibraryPoint.objects.select_related("village__commune")
        commune = None
        if own and not commune_slug:
            raise CommandError(_("--own needs --commune: whose own documents they are."))
        if commune_slug:
            commune = Commune.objects.filter(slug=commune_slug).first()
            if commune is None:
                raise CommandError(_('No commune "%(slug)s".') % {"slug": commune_slug})
            points = points.filter(village__commune=commune)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            rows = spreadsheets.check_rows(
                spreadsheets.read_rows(content, path.name),
                points,
                owner_id=commune.pk if commune and own else None,
            )
        except spreadsheets.SpreadsheetError as exc:
            raise CommandError(str(exc)) from exc
        bad = [row for row in rows if not row.ok]
        if not apply:
            self._preview(rows)
            if bad:
                raise CommandError(
                    _("%(count)s of %(total)s rows have errors: nothing was saved.")
                    % {"count": len(bad), "total": len(rows)},
                    returncode=1,
                )
            self.stdout.write(_("No errors. Run again with --apply to save."))
            return
        result = services.documents_import(
            rows=rows, only_clean=True, actor=None, commune=commune if own else None
        )
        for label, documents in (
            (_("Added"), result.created),
            (_("Updated"), result.updated),
            (_("Unchanged"), result.unchanged),
        ):
            self.stdout.write(f"{label}: {len(documents)}")
            for document in documents:
                self.stdout.write(f"  {document}")
        refused = _("Refused")
        self.stdout.write(f"{refused}: {len(bad)}")
        self._preview(bad)

    def _preview(self, rows: list[spreadsheets.Row]) -> None:
        for row in rows:
            v = row.values
            mark = "✓" if row.ok else "✗"
            title = " ".join(part for part in (v["number"], v["title"]) if part)
            self.stdout.write(_("Row %(row)s") % {"row": row.number} + f" {mark} {title}")
            for error in row.errors:
                self.stdout.write(f"    - {error}")
            for note in row.notes:
                self.stdout.write(f"    · {note}")
