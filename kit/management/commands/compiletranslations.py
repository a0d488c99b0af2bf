"""Compile the project's .po catalogues to .mo without GNU gettext.

Django's ``compilemessages`` needs ``msgfmt``, which a fresh machine may not
have; polib (pure Python) writes the same .mo files, so ``make run`` shows the
Vietnamese interface anywhere.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile every .po file under LOCALE_PATHS to .mo (pure Python, no msgfmt)."

    def handle(self, *_args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                try:
                    catalogue = polib.pofile(str(po_path))
                except OSError as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                mo_path = po_path.with_suffix(".mo")
                catalogue.save_as_mofile(str(mo_path))
                count += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{po_path} -> {mo_path}")
        self.stdout.write(f"Compiled {count} translation catalogue(s).")
