"""Build hook: the built package carries the compiled translation catalogues (.mo).

The ``.mo`` files are not versioned (``make compile-translations`` writes them in a
checkout); without this, a package built by ``pip install .`` or ``pip wheel .`` would
fall back to English. Everything else is declared in ``pyproject.toml``.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """Compile every ``messages.po`` of the package into the build, beside its source."""

    def run(self) -> None:
        super().run()
        from babel.messages import mofile, pofile

        source = Path(__file__).resolve().parent / "reuse_tracker" / "translations"
        for po_path in sorted(source.glob("*/LC_MESSAGES/messages.po")):
            target = Path(self.build_lib) / po_path.relative_to(source.parent.parent)
            target = target.with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalogue = pofile.read_po(po_file)
            with target.open("wb") as mo_file:
                mofile.write_mo(mo_file, catalogue, use_fuzzy=True)


setup(cmdclass={"build_py": BuildWithCatalogues})
