"""Read the device lists people really export: any usual encoding, delimiter and headers.

Pure: bytes in, rows and errors out. No database and no application are needed
(messages are translated when an application context is there).
"""

from __future__ import annotations

import csv
import functools
import io
import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from reuse_tracker.i18n import gettext as _
from reuse_tracker.i18n import lazy_gettext as _l

#: The headers people use for each field, normalised (see ``normalise``), "|"-separated.
COLUMN_ALIASES = {
    "type": "type|categorie|category|type d equipement|type de materiel|type d appareil|"
    "materiel|equipement|device type|kind|asset type|asset category|assettype|"
    "type d ordinateur|types d ordinateur|computer type|chassis type|chassis|asset class",
    "brand": "marque|brand|fabricant|constructeur|manufacturer|make|asset make|"
    "smanufacturer|system manufacturer",
    "model": "modele|model|reference|model name|nom du modele|asset model|smodel|"
    "system model|modele de l ordinateur|computer model",
    "serial": "n de serie|no de serie|numero de serie|num de serie|n serie|numero serie|serie|"
    "serial|serial number|serial no|sn|s n|n s|service tag|serialnumber|asset serial|ssn|"
    "system serial number|numero de serie du systeme",
    "donor_asset_number": "n d inventaire|no d inventaire|numero d inventaire|n inventaire|"
    "numero inventaire|inventaire|n d immobilisation|numero d immobilisation|immobilisation|"
    "asset number|donor asset number|asset tag|asset|inventory number|numero d inventaire "
    "du materiel|assettag|asset id|tag",
    "asset_tag": "etiquette|n d etiquette|etiquette pre imprimee|pre printed label|label",
    "cpu": "processeur|cpu|processor|proc",
    "ram_gb": "ram|memoire|memoire vive|ram gb|ram go|memory",
    "storage_gb": "stockage|disque|disque dur|storage|storage gb|disk|hard drive|capacite|ssd|hdd",
    "year": "annee|year|annee de fabrication|annee d achat|millesime|purchase date|"
    "date d achat|date achat|purchased|date of purchase|purchasedate",
    "weight_kg": "poids|weight|masse|weight kg",
}
#: The words people write in the type column, normalised, by device type.
TYPE_WORDS = {
    "laptop": "laptop|portable|ordinateur portable|pc portable|notebook|ultraportable|"
    "ultrabook|netbook|chromebook|laptop computer|portable computer|convertible|"
    "detachable|ordinateur portatif",
    "desktop": "desktop|fixe|pc fixe|ordinateur fixe|ordinateur de bureau|unite centrale|uc|"
    "tour|pc|mini pc|tout en un|all in one|workstation|station de travail|desktop computer|"
    "tower|mini tower|small form factor|sff",
    "monitor": "monitor|ecran|moniteur|ecran plat|screen|display|ecran lcd|lcd monitor",
    "tablet": "tablet|tablette|ipad|tablet computer",
    "smartphone": "smartphone|telephone|telephone portable|mobile|phone|iphone|mobile phone|"
    "cell phone|telephone mobile",
}
REQUIRED_COLUMNS = ("type", "brand", "model", "serial")
COLUMN_TITLES = {
    "type": _l("Type"),
    "brand": _l("Brand"),
    "model": _l("Model"),
    "serial": _l("Serial number"),
    "donor_asset_number": _l("Donor asset number"),
    "asset_tag": _l("Pre-printed label"),
    "cpu": _l("Processor"),
    "ram_gb": _l("RAM (GB)"),
    "storage_gb": _l("Storage (GB)"),
    "year": _l("Year"),
    "weight_kg": _l("Weight (kg)"),
}
#: The downloadable template's header line: French, the users' language. No example row: a
#: forgotten example would be imported as a device.
TEMPLATE_HEADER = (
    "Type;Marque;Modèle;N° de série;N° d'inventaire;Processeur;RAM (Go);Stockage (Go);Année;"
    "Poids (kg)"
)
_TYPE_BY_WORD = {word: kind for kind, words in TYPE_WORDS.items() for word in words.split("|")}
_FIELD_BY_HEADER = {
    alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases.split("|")
}
#: Units a header may end with that say nothing more than the field (other units, such as
#: "Mo" or "To", would change the numbers: such a column is left out, and the preview says so).
_UNIT_WORDS = {"go", "gb", "kg", "en", "in"}
_NUMBER_FIELDS = ("ram_gb", "storage_gb", "weight_kg", "year")
_NUMBER_UNIT = re.compile(r"^\s*([0-9][0-9\s.,]*?)\s*(go|gb|kg)?\s*$", re.IGNORECASE)
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")


@dataclass
class ParsedFile:
    """What a file gave: device rows (field → text) with their line numbers, or errors."""

    rows: list[dict[str, str]] = field(default_factory=list)
    #: The line in the file where each row starts (1 = the header line).
    lines: list[int] = field(default_factory=list)
    #: Problems by place: ``"file"`` for the whole file, ``"line N"`` for one line.
    errors: dict[str, str] = field(default_factory=dict)
    #: The header each field was read from, as written in the file.
    columns: dict[str, str] = field(default_factory=dict)
    #: Headers that name no field we know: their cells are not imported.
    ignored: list[str] = field(default_factory=list)
    #: The column of each field.
    positions: dict[str, int] = field(default_factory=dict, repr=False)
    encoding: str = ""
    delimiter: str = ""
    #: Every header of the file, as written (for the column-mapping step).
    headers: list[str] = field(default_factory=list)
    #: Required fields no column was found for.
    missing: list[str] = field(default_factory=list)
    #: Values of the type column that name no device type, as written.
    unknown_types: list[str] = field(default_factory=list)

    @property
    def needs_mapping(self) -> bool:
        """Whether a column-mapping step would let the file be read (instead of a refusal)."""
        return bool(self.headers) and bool(self.missing or self.unknown_types)

    def row_label(self, index: int) -> str:
        """Name the row at ``index`` by its line (for ``register_donation``'s ``row_label``)."""
        return line_label(self.lines[index])


def line_label(number: int) -> str:
    """Name a line of the file in messages."""
    return _("line %(n)s", n=number)


def normalise(text: str) -> str:
    """Reduce a header or a word to lower-case ASCII words: "N° de série" → "n de serie"."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text).split())


def field_for_header(header: str) -> str | None:
    """Return the field a column header names, or None."""
    words = normalise(header).split()
    while words:
        name = _FIELD_BY_HEADER.get(" ".join(words))
        if name:
            return name
        if words[-1] not in _UNIT_WORDS:
            return None
        words = words[:-1]  # "RAM (Go)", "Poids en kg": the unit says nothing more
    return None


@functools.lru_cache(maxsize=512)
def device_type(word: str) -> str:
    """Return the device type a word names ("PC portable" → laptop), else the word itself."""
    key = normalise(word)
    singular = " ".join(part.removesuffix("s") if len(part) > 3 else part for part in key.split())
    kind = _TYPE_BY_WORD.get(key) or _TYPE_BY_WORD.get(singular)
    return kind or _TYPE_BY_WORD.get(key.removesuffix("s")) or word.strip()


def clean_number(text: str) -> str:
    """Drop a unit and thousands spaces from a number ("1,9 kg" → "1,9", "8 Go" → "8")."""
    if text.isascii() and text.isdigit():
        return text
    match = _NUMBER_UNIT.match(text)
    return re.sub(r"\s", "", match.group(1)) if match else text


def decode(data: bytes) -> tuple[str, str]:
    """Return the text and the encoding: UTF-16 (Excel's "Unicode text"), UTF-8, Windows-1252."""
    if is_utf16(data):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def is_utf16(data: bytes) -> bool:
    """Tell UTF-16 text: a byte-order mark, or every other byte zero (Latin text without one)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:2048]
    if len(sample) < 4:
        return False
    zeros = sample[1::2].count(0) if sample[0] else sample[0::2].count(0)
    return zeros > len(sample) // 2 * 0.9


def sniff_delimiter(header_line: str) -> str:
    """Guess the delimiter from the header line: semicolon, comma or tab."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=";,\t").delimiter
    except csv.Error:
        counts = {d: header_line.count(d) for d in (";", "\t", ",")}
        best = max(counts, key=counts.get)
        return best if counts[best] else ";"


@dataclass(frozen=True)
class Mapping:
    """A donor's reading of its export: which header is which field, which value which type."""

    #: field → the header, as written in the file.
    columns: dict[str, str] = field(default_factory=dict)
    #: a type value, normalised → our device type.
    values: dict[str, str] = field(default_factory=dict)


def parse(data: bytes, max_rows: int = 20000, mapping: Mapping | None = None) -> ParsedFile:
    """Read a CSV file of devices; report every problem with its line number."""
    result = ParsedFile()
    mapping = mapping or Mapping()
    text = _text_of(data, result)
    header_line = next((line for line in (text or "").splitlines() if line.strip()), None)
    if header_line is None:
        result.errors.setdefault("file", _("The file is empty."))
        return result
    result.delimiter = sniff_delimiter(header_line)
    try:
        _read_rows(text, result, max_rows, mapping)
    except csv.Error as error:
        result.errors = {"file": _("The file cannot be read as CSV (%(reason)s).", reason=error)}
    return result


def _text_of(data: bytes, result: ParsedFile) -> str | None:
    """Decode the file, or record why it is not a text file and return None."""
    if data.startswith(_SPREADSHEET_MAGIC) or (b"\x00" in data[:4096] and not is_utf16(data)):
        result.errors["file"] = _(
            "This is not a CSV file. Save the spreadsheet as CSV (semicolon-separated) and send "
            "that file."
        )
        return None
    try:
        text, result.encoding = decode(data)
    except UnicodeDecodeError:
        result.errors["file"] = _(
            "The file's characters cannot be read. Save it as CSV (UTF-8) or as Unicode text "
            "and try again."
        )
        return None
    return text


def _read_rows(text: str, result: ParsedFile, max_rows: int, mapping: Mapping) -> None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=result.delimiter)
    header = next((cells for cells in reader if "".join(cells).strip()), [])
    result.headers = [title.strip() for title in header]
    if not _map_header(header, result, mapping.columns):
        return
    pick = _picker(result.positions)
    rows: list[tuple[str, ...]] = []
    previous_end = reader.line_num
    for cells in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not "".join(cells).strip():
            continue
        if len(rows) >= max_rows:
            message = _(
                "The file has more than %(max)s device rows: split it into several files.",
                max=max_rows,
            )
            result.rows, result.lines, result.errors = [], [], {"file": message}
            return
        if len(cells) > len(header) and "".join(cells[len(header) :]).strip():
            result.errors[line_label(start)] = _(
                "has %(found)s cells but the header has %(expected)s columns (in a "
                "comma-separated file, a decimal comma must be quoted)",
                found=len(cells),
                expected=len(header),
            )
        rows.append(pick(cells))
        result.lines.append(start)
    result.rows = _fields_of(rows, list(result.positions), mapping.values, result)
    if not result.rows and not result.errors:
        result.errors["file"] = _("The file has a header line but no device rows.")


def _picker(positions: dict[str, int]) -> Callable[[list[str]], tuple[str, ...]]:
    """Return a function giving the cells of a row's fields, in the order of ``positions``.

    A tuple: a file's rows are kept until it is read, and Python's garbage collector soon
    stops following tuples of strings, where it would go over lists again and again.
    """
    width = max(positions.values()) + 1
    pick = operator.itemgetter(*positions.values())  # several: the required columns are there

    def cells_of(cells: list[str]) -> tuple[str, ...]:
        return pick(cells if len(cells) >= width else cells + [""] * (width - len(cells)))

    return cells_of


def _fields_of(
    rows: list[tuple[str, ...]],
    names: list[str],
    values: dict[str, str],
    result: ParsedFile,
) -> list[dict[str, str]]:
    """Return each row's fields from its cells, stripped and cleaned.

    Worked column by column: a file repeats its types and numbers on most rows, so each
    column's distinct values are cleaned once.
    """
    if not rows:
        return []
    columns = [list(map(str.strip, column)) for column in zip(*rows, strict=True)]
    for index, name in enumerate(names):
        if name in _CLEANERS:
            clean = _CLEANERS[name]
            if name == "type":
                clean = functools.partial(_mapped_type, values)
            cleaned = {value: clean(value) for value in set(columns[index]) if value}
            if name == "type":
                result.unknown_types = sorted(
                    raw for raw, kind in cleaned.items() if kind not in TYPE_WORDS
                )
            cleaned[""] = ""
            columns[index] = list(map(cleaned.__getitem__, columns[index]))
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _mapped_type(values: dict[str, str], value: str) -> str:
    """The type the donor's mapping gives a value, else the one its words name."""
    return values.get(normalise(value)) or device_type(value)


def clean_year(text: str) -> str:
    """Read a year from a year or a date: 2019, 2019-03-15, 15/03/2019, US 3/15/19."""
    text = text.strip()
    if found := re.search(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", text):
        return found.group(1)
    if short := re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-](\d{2})(?:\s.*)?", text):
        return str(2000 + int(short.group(1)))
    return text


def _map_header(header: list[str], result: ParsedFile, chosen: dict[str, str]) -> bool:
    """Find each field's column; record the file-level error and return False if unusable.

    ``chosen`` (field → header) comes from the column-mapping step and wins over the aliases.
    """
    positions: dict[str, int] = {}
    by_header = {title: name for name, title in chosen.items() if title}
    for position, title in enumerate(header):
        name = by_header.get(title.strip())
        if name is None:
            name = field_for_header(title)
            if name in chosen:  # that field was given another column
                name = None
        if name in positions:
            result.errors["file"] = _(
                "Two columns give the same information: %(first)s and %(second)s.",
                first=header[positions[name]].strip(),
                second=title.strip(),
            )
            return False
        if name:
            positions[name] = position
        elif title.strip():
            result.ignored.append(title.strip())
    result.missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    missing = [str(COLUMN_TITLES[name]) for name in result.missing]
    if not positions:
        example = TEMPLATE_HEADER.split(";")[:4]
        result.errors["file"] = _(
            "The first line must name the columns, for example: %(example)s.",
            example=";".join(example),
        )
    elif missing:
        result.errors["file"] = _(
            "Required columns are missing: %(columns)s.", columns=", ".join(missing)
        )
    result.columns = {name: header[position].strip() for name, position in positions.items()}
    result.positions = positions
    return "file" not in result.errors


_CLEANERS = {
    "type": device_type,
    **dict.fromkeys(_NUMBER_FIELDS, clean_number),
    "year": clean_year,
}


def describe_errors(errors: dict[str, str], parsed: ParsedFile) -> list[tuple[str, str]]:
    """Return (place, message) pairs in file order; places name the column as the file does."""
    line_of = {line_label(line): line for line in parsed.lines}
    described = []
    for key, message in errors.items():
        label, _sep, name = key.partition(" · ")
        if label in line_of:
            column = parsed.columns.get(name) or str(COLUMN_TITLES.get(name, name))
            described.append((line_of[label], f"{label} · {column}" if name else label, message))
        else:
            described.append((0, "" if key in ("file", "devices") else key, message))
    described.sort(key=lambda item: item[0])
    return [(place, message) for _line, place, message in described]
