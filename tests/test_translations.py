"""The French catalogue: complete, consistent with the code, and compilable (no database)."""

from __future__ import annotations

import gettext
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "reuse_tracker" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
#: ``%(name)s`` and the other named conversions of Python's % operator.
NAMED = re.compile(r"%\(([^)]+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
#: ``{{ name }}``: placeholders of the charter's texts, should a message carry one.
BRACES = re.compile(r"\{\{\s*([^}]*?)\s*\}\}")


def _load() -> Catalog:
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="fr")


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    assert CATALOGUE.exists(), "No French catalogue: run `make translations`."
    return _load()


def _messages(catalogue: Catalog) -> list[Message]:
    return [message for message in catalogue if message.id]


def _name(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    context = f"[{message.context}] " if message.context else ""
    return f"{context}{msgid!r} ({where})"


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _placeholders(text: str) -> set[str]:
    return set(NAMED.findall(text))


def test_the_header_has_the_french_plural_rule(catalogue):
    assert catalogue.num_plurals == 2
    assert catalogue.plural_expr.replace(" ", "") == "(n>1)"
    assert str(catalogue.locale) == "fr"


def test_every_entry_is_translated(catalogue):
    untranslated = [
        _name(message)
        for message in _messages(catalogue)
        if not all(form.strip() for form in _forms(message))
        or len(_forms(message)) != (2 if message.pluralizable else 1)
    ]
    assert not untranslated, "Untranslated entries:\n" + "\n".join(untranslated)


def test_no_entry_is_fuzzy(catalogue):
    fuzzy = [_name(message) for message in _messages(catalogue) if message.fuzzy]
    assert not fuzzy, "Fuzzy entries (check them, then remove the flag):\n" + "\n".join(fuzzy)
    assert not catalogue.fuzzy, "The catalogue's header is marked fuzzy."


def test_placeholders_are_kept(catalogue):
    wrong = []
    for message in _messages(catalogue):
        if message.pluralizable:
            singular, plural = message.id
            allowed = _placeholders(plural)
            for index, form in enumerate(message.string):
                extra = _placeholders(form) - allowed
                if extra:
                    wrong.append(f"{_name(message)} msgstr[{index}] adds {sorted(extra)}")
            if "num" in allowed and "num" not in _placeholders(message.string[-1]):
                wrong.append(f"{_name(message)}: the plural form lacks %(num)s")
            if _placeholders(singular) - allowed:
                wrong.append(f"{_name(message)}: msgid has placeholders msgid_plural lacks")
        else:
            expected, found = _placeholders(message.id), _placeholders(message.string)
            if expected != found:
                wrong.append(f"{_name(message)}: {sorted(expected)} became {sorted(found)}")
        originals = message.id if message.pluralizable else (message.id,)
        braces = set().union(*(BRACES.findall(text) for text in originals))
        for form in _forms(message):
            if set(BRACES.findall(form)) != braces:
                wrong.append(f"{_name(message)}: the {{{{ … }}}} placeholders changed")
    assert not wrong, "Placeholders differ:\n" + "\n".join(wrong)


def test_translations_format_without_error(catalogue):
    """A stray % (write %%) would break at run time where the message is formatted."""
    broken = []
    for message in _messages(catalogue):
        originals = message.id if message.pluralizable else (message.id,)
        names = set().union(*(_placeholders(text) for text in originals))
        in_template = any(path.endswith(".html") for path, _line in message.locations)
        if not names and not in_template:
            continue  # Python's gettext formats only when given variables; Jinja's always does
        values = dict.fromkeys(names, "x")
        for form in _forms(message):
            try:
                form % values
            except (KeyError, ValueError, TypeError) as error:
                broken.append(f"{_name(message)}: {error!r}")
    assert not broken, "Translations that do not format:\n" + "\n".join(broken)


def test_babel_checks_pass(catalogue):
    problems = [
        f"{_name(message)}: {'; '.join(map(str, errors))}" for message, errors in catalogue.check()
    ]
    assert not problems, "\n".join(problems)


def _makefile_keywords() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^BABEL_KEYWORDS\s*:?=\s*(.+)$", makefile, re.MULTILINE)
    assert match, "The Makefile no longer defines BABEL_KEYWORDS."
    return match.group(1).split()


def test_every_string_of_the_code_is_in_the_catalogue(catalogue, tmp_path):
    """Extract as `make translations` does: a new string without a translation fails here."""
    template = tmp_path / "messages.pot"
    command = [
        sys.executable, "-m", "babel.messages.frontend", "-q", "extract",
        "-F", "babel.cfg", *_makefile_keywords(), "-o", str(template), ".",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    with template.open("rb") as handle:
        extracted = read_po(handle)
    missing = []
    for message in _messages(extracted):
        known = catalogue.get(message.id, message.context)
        if known is None or not all(form.strip() for form in _forms(known)):
            missing.append(_name(message))
        elif message.pluralizable and (not known.pluralizable or known.id[1] != message.id[1]):
            missing.append(f"{_name(message)} (its plural changed)")
    assert not missing, (
        "Strings of the code without a French translation (run `make translations`, then "
        "translate them in " + str(CATALOGUE.relative_to(ROOT)) + "):\n" + "\n".join(missing)
    )


def test_the_catalogue_compiles_and_reads_back(catalogue):
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    assert translations.gettext("Dashboard") == "Tableau de bord"
    assert translations.pgettext("device field", "Grade") == "Grade"
    one, many = "%(num)s device", "%(num)s devices"
    assert translations.ngettext(one, many, 0) == "%(num)s équipement"
    assert translations.ngettext(one, many, 1) == "%(num)s équipement"
    assert translations.ngettext(one, many, 2) == "%(num)s équipements"


def test_pybabel_compile_succeeds(tmp_path):
    """`make` compiles with pybabel: it must accept the catalogue without an error."""
    target = tmp_path / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    mo = target / "messages.mo"
    command = [
        sys.executable, "-m", "babel.messages.frontend", "compile",
        "-i", str(CATALOGUE), "-o", str(mo), "-l", "fr",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr.lower(), done.stderr
    assert mo.stat().st_size > 10_000
