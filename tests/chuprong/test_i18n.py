"""Every marked string has a Vietnamese translation, and the catalogue is current."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
# Where translatable strings live (apps, shared templates, static scripts).
SOURCES = [
    "chuprong",
    "kit",
    "core",
    "reports",
    "portal",
    "ops",
    "market",
    "legal_library",
    "volunteers",
    "trainings",
    "templates",
]


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
def test_catalogue_has_every_string_marked_in_the_code(tmp_path, monkeypatch):
    """Extract the strings again into a copy: anything missing from locale/vi fails.

    makemessages writes to the ``locale`` folder it finds under the current
    directory, so it runs in a scratch folder holding links to the code and a
    copy of the catalogue; the real catalogue is never touched.
    """
    root = Path(settings.BASE_DIR)
    for name in SOURCES:
        (tmp_path / name).symlink_to(root / name, target_is_directory=True)
    copy = tmp_path / "locale"
    shutil.copytree(root / "locale", copy)
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["vi"], verbosity=0, no_obsolete=True, symlinks=True)
    fresh = polib.pofile(str(copy / "vi" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    missing = [e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed]
    assert missing == [], "run `make makemessages` and translate: " + repr(missing[:10])
    assert _untranslated(fresh) == []
