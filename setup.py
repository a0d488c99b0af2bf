"""The wheel carries compiled translations; everything else is in pyproject.toml.

The .po catalogues are the source (the .mo are not in git). This compiles each
one shipped in the build to .mo beside it, in pure Python (polib, as
``manage.py compiletranslations`` does), so ``pip wheel .`` from a fresh clone
serves the Vietnamese interface without GNU gettext. An editable install reads
the checkout, where ``make messages`` compiles them.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        import polib

        for po_path in Path(self.build_lib).rglob("LC_MESSAGES/*.po"):
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


setup(cmdclass={"build_py": BuildPyWithCatalogues})
