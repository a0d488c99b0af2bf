"""Every marked string has a Vietnamese translation, and the catalogue is current."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _untranslated(catalogue: polib.POFile) -> list[str]:
    return [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]


def test_every_vietnamese_entry_is_translated():
    assert _untranslated(polib.pofile(str(PO))) == []


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(PO)):
        if entry.obsolete or not entry.msgstr:
            continue
        for token in ("%(", "{{", "%s", "%d"):
            assert entry.msgid.count(token) == entry.msgstr.count(token), entry.msgid


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed"
)
def test_catalogue_has_every_string_marked_in_the_code(tmp_path, settings):
    """Extract the strings again into a copy: anything missing from locale/vi fails."""
    copy = tmp_path / "locale"
    shutil.copytree(PO.parent.parent.parent, copy)
    settings.LOCALE_PATHS = [copy]
    # makemessages also rewrites ./locale when run from the project root (it adds any
    # "locale" folder of the current directory): keep the real catalogue as it was.
    original = PO.read_bytes()
    try:
        call_command("makemessages", locale=["vi"], verbosity=0, no_obsolete=True)
    finally:
        if PO.read_bytes() != original:
            PO.write_bytes(original)
    fresh = polib.pofile(str(copy / "vi" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    missing = [e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed]
    assert missing == [], "run `make makemessages` and translate: " + repr(missing[:10])
    assert _untranslated(fresh) == []
