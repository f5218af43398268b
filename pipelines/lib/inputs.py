"""Defensive reading of untrusted input files.

Inventory and offer files come from national planners by e-mail or upload:
they may be CSV written by any Excel locale, .xlsx workbooks, files with the
wrong extension, password-protected workbooks, or hostile archives. This
module recognises a file by its content, refuses what it cannot read safely
with a reason a planner understands (`UnreadableFile`), and returns every
table in one shape (`Table`) so validation never cares where a value came
from.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import openpyxl.xml
from openpyxl.utils import get_column_letter

# openpyxl falls back to the standard library XML parser, which expands
# entities (billion laughs) when defusedxml is missing or switched off with
# OPENPYXL_DEFUSEDXML=False. Refuse to run rather than parse hostile workbooks.
if openpyxl.xml.DEFUSEDXML is not True:
    raise ImportError(
        "openpyxl is not using defusedxml, so untrusted .xlsx files could expand XML "
        "entities; install defusedxml and do not set OPENPYXL_DEFUSEDXML=False"
    )

MIB = 1024 * 1024


def _limit_from_env(variable: str, default_mib: float) -> int:
    """A byte limit from an environment variable given in MiB (decimals allowed)."""
    text = os.environ.get(variable)
    if text is None or not text.strip():
        return int(default_mib * MIB)
    try:
        mib = float(text)
    except ValueError:
        raise ValueError(f"{variable} must be a number of MiB, got {text!r}") from None
    if not mib > 0:
        raise ValueError(f"{variable} must be greater than 0, got {text!r}")
    return int(mib * MIB)


MAX_FILE_BYTES = _limit_from_env("CDP_MAX_FILE_MB", 100)
MAX_XLSX_UNCOMPRESSED_BYTES = _limit_from_env("CDP_MAX_XLSX_UNCOMPRESSED_MB", 500)
MAX_YAML_BYTES = _limit_from_env("CDP_MAX_YAML_MB", 1)
# Real workbooks compress about 5-20:1; a larger ratio on a large member is
# what a zip bomb looks like. Small members (styles, shared strings of a
# tiny sheet) may compress very well and are harmless, hence the size floor.
MAX_COMPRESSION_RATIO = 200
COMPRESSION_CHECK_MIN_BYTES = 1 * MIB

_SNIFF_BYTES = 64 * 1024
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_PARQUET_MAGIC = b"PAR1"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SAVE_AS_HINT = "save it as .xlsx or CSV"


class UnreadableFile(Exception):
    """A whole file cannot be used; `reason` is a sentence for the planner."""

    def __init__(self, reason: str, column: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.column = column


@dataclass
class Table:
    """One table read from a file, values still raw.

    `rows` holds (row number as a person counts it in the file, header = 1;
    {normalised column: raw value}). `row_problems` maps a row number to a
    reason when the row cannot be mapped onto the header (for example a value
    under a column without a name); such rows are also in `rows`.
    """

    sheet: str | None
    columns: list[str]
    rows: list[tuple[int, dict[str, object]]]
    row_problems: dict[int, str] = field(default_factory=dict)


def _mib(n: int) -> str:
    return f"{n / MIB:.1f} MiB"


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(MIB), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _cannot_open(error: OSError) -> UnreadableFile:
    return UnreadableFile(f"the file could not be opened ({error.strerror or error})")


def _too_large(size: int, limit: int, limit_variable: str) -> UnreadableFile:
    return UnreadableFile(
        f"the file is {_mib(size)}, larger than the limit of {_mib(limit)} "
        f"(raise {limit_variable} if this file is genuine)"
    )


def _check_size(path: Path, limit: int, limit_variable: str) -> int:
    size = path.stat().st_size
    if size > limit:
        raise _too_large(size, limit, limit_variable)
    return size


def _check_xlsx_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose members would inflate beyond the limits.

    The declared sizes are enough: Python's zipfile stops decompressing a
    member at its declared size and fails its CRC check if the data is
    longer, so a member cannot grow past what it declares.
    """
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    if total > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            f"the workbook would unpack to {_mib(total)}, more than the limit of "
            f"{_mib(MAX_XLSX_UNCOMPRESSED_BYTES)}; it may be a zip bomb "
            "(raise CDP_MAX_XLSX_UNCOMPRESSED_MB if this file is genuine)"
        )
    for member in members:
        if member.file_size <= COMPRESSION_CHECK_MIN_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise UnreadableFile(
                f"the workbook part {member.filename} is compressed {ratio:.0f}:1, far more "
                f"than a real spreadsheet (limit {MAX_COMPRESSION_RATIO}:1); it may be a zip "
                "bomb and was not opened"
            )


@dataclass(frozen=True)
class InputFile:
    """One input file read from disk once: its hash, its format and its bytes.

    `error` says why the file cannot be used (its bytes are then None); the hash is
    known whenever the file could be opened, even when it is refused for its size.
    """

    sha256: str | None
    format: str | None  # 'xlsx', 'parquet' or 'csv', judged by content
    data: bytes | None
    error: UnreadableFile | None = None


def read_input(path: str | os.PathLike) -> InputFile:
    """Read a table file once: the hash, the format and the table all come from these bytes."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            # Hashed in chunks, never held in memory: the ledger still records what came in.
            return InputFile(sha256_of(path), None, None, _too_large(size, MAX_FILE_BYTES,
                                                                    "CDP_MAX_FILE_MB"))
        data = path.read_bytes()
    except OSError as error:
        return InputFile(None, None, None, _cannot_open(error))
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        return InputFile(sha256, sniff_bytes(data), data)
    except UnreadableFile as error:
        return InputFile(sha256, None, None, error)


def sniff_format(path: str | os.PathLike) -> str:
    """Return 'xlsx', 'parquet' or 'csv', judged by content, not by extension.

    An .xlsx is also checked against zip-bomb limits here, before any parser
    touches it.
    """
    read = read_input(path)
    if read.error:
        raise read.error
    return read.format


def sniff_bytes(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(len(data), MAX_FILE_BYTES, "CDP_MAX_FILE_MB")
    if not data:
        raise UnreadableFile("the file is empty")
    head = data[:_SNIFF_BYTES]

    if head.startswith(_OLE2_MAGIC):
        raise UnreadableFile(
            "the file is encrypted (password-protected) or an old binary .xls; "
            f"{_SAVE_AS_HINT} without a password"
        )
    if head.startswith(_ZIP_MAGICS):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    raise UnreadableFile(
                        "the file is a zip archive but not an Excel workbook "
                        f"(an OpenDocument .ods or a zipped folder?); {_SAVE_AS_HINT}"
                    )
                _check_xlsx_archive(archive)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
            raise UnreadableFile(
                f"the file looks like an Excel workbook but is damaged ({error}); "
                f"open it in Excel and {_SAVE_AS_HINT} again"
            ) from None
        return "xlsx"
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    if head.startswith(_UTF16_BOMS):
        raise UnreadableFile(
            "the file is UTF-16 text (Excel 'Unicode Text'); save it as 'CSV UTF-8' instead"
        )
    if b"\x00" in head:
        raise UnreadableFile(
            f"the file is binary, not a spreadsheet or CSV text; {_SAVE_AS_HINT}"
        )
    return "csv"


def read_table(path: str | os.PathLike, preferred_sheet: str) -> Table:
    """Read the table of a CSV, .xlsx or Parquet file, whatever its extension says."""
    read = read_input(path)
    if read.error:
        raise read.error
    return table_of(read, preferred_sheet)


def table_of(read: InputFile, preferred_sheet: str) -> Table:
    """The table in the bytes of a file `read_input` accepted."""
    if read.format == "xlsx":
        return _read_xlsx(read.data, preferred_sheet)
    if read.format == "parquet":
        return _read_parquet(read.data)
    return _read_csv(read.data)


def read_text_file(path: str | os.PathLike, max_bytes: int | None = None) -> str:
    """Read a small text file (a scenario YAML) as UTF-8, or Windows-1252 as a fallback."""
    limit = MAX_YAML_BYTES if max_bytes is None else max_bytes
    path = Path(path)
    try:
        _check_size(path, limit, "CDP_MAX_YAML_MB")
        data = path.read_bytes()
    except OSError as error:
        raise _cannot_open(error) from None
    if data.startswith(_OLE2_MAGIC) or data.startswith(_ZIP_MAGICS) or b"\x00" in data:
        raise UnreadableFile("the file is binary, not text")
    return _decode_text(data)


def _decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel on Windows saves "CSV (comma delimited)" in the ANSI code page,
    # which is Windows-1252 across the EU's Latin-script locales.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableFile(
            "the text is neither UTF-8 nor Windows-1252; save it as 'CSV UTF-8'"
        ) from None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normalise_header(value: object) -> str:
    if value is None:
        return ""
    return str(value).replace("\ufeff", "").strip().lower()


def _build_table(
    sheet: str | None,
    numbered_rows,
    describe_column,
    overflow_hint: str = "",
) -> Table:
    """Turn (row number, cell values) pairs into a Table.

    The first non-empty row is the header. Columns without a header name are
    dropped, but a value under one is reported for its row rather than lost.
    """
    header: list[tuple[int, str]] | None = None
    named: set[int] = set()
    header_width = 0
    rows: list[tuple[int, dict[str, object]]] = []
    problems: dict[int, str] = {}
    for row_number, cells in numbered_rows:
        if all(_is_blank(cell) for cell in cells):
            continue
        if header is None:
            names = [_normalise_header(cell) for cell in cells]
            header = [(index, name) for index, name in enumerate(names) if name]
            named = {index for index, _ in header}
            header_width = len(names)
            _check_duplicate_columns(header, describe_column)
            continue
        rows.append((row_number, {name: cells[index] if index < len(cells) else None
                                  for index, name in header}))
        stray = [index for index, cell in enumerate(cells)
                 if index not in named and not _is_blank(cell)]
        if stray:
            index = stray[0]
            beyond = index >= header_width
            problems[row_number] = (
                f"row {row_number} has the value '{cells[index]}' in {describe_column(index)}, "
                "which has no header name"
                + (overflow_hint if beyond else "; name the column or clear the value")
            )
    if header is None:
        raise UnreadableFile("the table is empty: no header row was found")
    return Table(sheet=sheet, columns=[name for _, name in header], rows=rows,
                 row_problems=problems)


def _check_duplicate_columns(header: list[tuple[int, str]], describe_column) -> None:
    first_seen: dict[str, int] = {}
    for index, name in header:
        if name in first_seen:
            raise UnreadableFile(
                f"the column name '{name}' appears twice ({describe_column(first_seen[name])} "
                f"and {describe_column(index)}; names are compared ignoring case and spaces)",
                column=name,
            )
        first_seen[name] = index


def _detect_delimiter(text: str) -> str:
    # European Excel locales write ';' because ',' is their decimal mark;
    # the header line has no numbers, so counting separators there is safe.
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def separator_hint(delimiter: str) -> str:
    """What a planner should do when a row has more values than the header has names."""
    shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
    return f"; a value containing the separator {shown} must be in double quotes"


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data:
        raise UnreadableFile(f"the file is binary, not CSV text; {_SAVE_AS_HINT}")
    text = _decode_text(data)
    delimiter = _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def describe(index: int) -> str:
        return f"field {index + 1}"

    hint = separator_hint(delimiter)
    try:
        # csv.reader yields [] for a blank line, so counting records keeps the
        # numbering equal to the row numbers Excel shows for the same file.
        return _build_table(None, enumerate(reader, start=1), describe, hint)
    except csv.Error as error:
        raise UnreadableFile(f"the CSV text could not be parsed ({error})") from None


def _read_xlsx(data: bytes, preferred_sheet: str) -> Table:
    # A file object, not the path: openpyxl refuses paths whose extension is not
    # .xlsx, and the content has already been recognised as a workbook.
    with io.BytesIO(data) as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many unrelated types on corrupt files
            raise UnreadableFile(
                f"the Excel workbook could not be opened ({type(error).__name__}: {error}); "
                f"open it in Excel and {_SAVE_AS_HINT} again"
            ) from None
        try:
            return _read_sheet(workbook, preferred_sheet)
        finally:
            workbook.close()


def _read_sheet(workbook, preferred_sheet: str) -> Table:
    sheets = workbook.worksheets
    if not sheets:
        raise UnreadableFile("the workbook has no worksheets")
    wanted = preferred_sheet.strip().lower()
    sheet = next((s for s in sheets if s.title.strip().lower() == wanted), sheets[0])
    # Some writers store a wrong used range; without this, read-only mode
    # would silently cut the sheet to that range.
    sheet.reset_dimensions()

    def describe(index: int) -> str:
        return f"column {get_column_letter(index + 1)}"

    try:
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        return _build_table(sheet.title, rows, describe)
    except UnreadableFile:
        raise
    except Exception as error:  # damaged sheet XML surfaces only while iterating
        raise UnreadableFile(
            f"the sheet '{sheet.title}' could not be read ({type(error).__name__}: "
            f"{error}); open it in Excel and {_SAVE_AS_HINT} again"
        ) from None


def _read_parquet(data: bytes) -> Table:
    import duckdb  # only the benchmark generator writes Parquet; keep import off the common path

    try:
        with duckdb.connect() as connection, io.BytesIO(data) as handle:
            relation = connection.read_parquet(handle)
            names = list(relation.columns)
            values = relation.fetchall()
    except duckdb.Error as error:
        raise UnreadableFile(f"the Parquet file could not be read ({error})") from None

    def numbered():
        yield 1, names
        for offset, row in enumerate(values):
            yield offset + 2, row

    return _build_table(None, numbered(), lambda index: f"column {index + 1}")


# CSV records split exactly as csv.reader splits them, by DuckDB: one line is one record
# when no field is quoted and every carriage return ends a line, so DuckDB may read the
# file as lines (with a separator that never occurs) and split them itself.
LINE_READER_SEPARATOR = "\x01"
_CSV_FIELD_LIMIT = csv.field_size_limit()


@dataclass(frozen=True)
class PlainCsv:
    """A CSV file simple enough for DuckDB to split as csv.reader would (see `plain_csv`)."""

    utf8: bytes  # the text as UTF-8, without a byte-order mark
    delimiter: str
    header_row: int  # as a person counts rows, header included
    header_width: int  # cells in the header row, named or not
    columns: list[tuple[int, str]]  # (0-based index, normalised name) of the named ones


def plain_csv(data: bytes) -> PlainCsv | None:
    """The CSV's header and text if its records can be split line by line; None sends the
    file to csv.reader (quoted fields, lone carriage returns, overlong lines, text that is
    not UTF-8 or Windows-1252), which reads every file, only slower."""
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
        utf8 = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    except UnicodeDecodeError:
        try:
            text = _decode_text(data)
        except UnreadableFile:
            return None
        utf8 = text.encode("utf-8")
    if '"' in text or LINE_READER_SEPARATOR in text or text.count("\r") != text.count("\r\n"):
        return None
    if len(text) > _CSV_FIELD_LIMIT and max(map(len, text.split("\n"))) > _CSV_FIELD_LIMIT:
        return None
    delimiter = _detect_delimiter(text)
    start = row_number = 0
    while start < len(text):
        row_number += 1
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        cells = text[start:end].removesuffix("\r").split(delimiter)
        start = end + 1
        if not all(_is_blank(cell) for cell in cells):
            names = [_normalise_header(cell) for cell in cells]
            header = [(index, name) for index, name in enumerate(names) if name]
            _check_duplicate_columns(header, lambda index: f"field {index + 1}")
            return PlainCsv(utf8, delimiter, row_number, len(names), header)
    return None  # no header: csv.reader's path says so in its words
