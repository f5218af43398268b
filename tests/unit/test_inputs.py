"""Reading untrusted files: format by content, hostile archives, CSV dialects, sheets."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import io
import struct
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from defusedxml import EntitiesForbidden
from openpyxl.xml.functions import iterparse

from pipelines.lib import inputs
from pipelines.lib.inputs import Table, UnreadableFile, read_table, sha256_of, sniff_format

OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes] | None = None,
                add: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, (replace or {}).get(info.filename, old.read(info)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def load_fresh_copy(monkeypatch, name: str):
    """Execute inputs.py again as a separate module, to test import-time behaviour."""
    spec = importlib.util.spec_from_file_location(name, inputs.__file__)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


# --- sniff_format -------------------------------------------------------------


def test_csv_text_is_csv(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("a,b\n1,2\n")
    assert sniff_format(path) == "csv"


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "empty"),
        (OLE2_HEADER, "encrypted (password-protected) or an old binary .xls"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"\xff\xfea\x00,\x00b\x00", "UTF-16"),
    ],
)
def test_unusable_content_is_refused_with_a_reason(tmp_path, content, fragment):
    path = tmp_path / "inventory.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as caught:
        sniff_format(path)
    assert fragment in caught.value.reason


def test_encrypted_workbook_reason_tells_what_to_do(tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(OLE2_HEADER)
    with pytest.raises(UnreadableFile) as caught:
        read_table(path, "inventory")
    assert caught.value.reason == (
        "the file is encrypted (password-protected) or an old binary .xls; "
        "save it as .xlsx or CSV without a password"
    )


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "inventory.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UnreadableFile, match="zip archive but not an Excel workbook"):
        sniff_format(path)


def test_truncated_zip_is_refused(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"inventory": [["a"], [1]]})
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:200])
    with pytest.raises(UnreadableFile, match="damaged"):
        sniff_format(broken)


def test_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "1,2\n" * 100)
    monkeypatch.setattr(inputs, "MAX_FILE_BYTES", 100)
    with pytest.raises(UnreadableFile, match="larger than the limit .*CDP_MAX_FILE_MB"):
        sniff_format(path)


def test_parquet_is_recognised_and_read(tmp_path):
    path = tmp_path / "inv.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT 'FI' AS \"Member_State\", 6.0 AS quantity UNION ALL "
            f"SELECT NULL, NULL) TO '{path}' (FORMAT parquet)"
        )
    assert sniff_format(path) == "parquet"
    table = read_table(path, "inventory")
    assert table.columns == ["member_state", "quantity"]
    assert table.rows == [(2, {"member_state": "FI", "quantity": 6.0})]


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFile, match="could not be opened"):
        sniff_format(tmp_path / "nope.csv")


# --- xlsx defences --------------------------------------------------------------


def test_highly_compressible_member_is_refused_before_openpyxl(tmp_path, monkeypatch):
    good = write_xlsx(tmp_path / "good.xlsx", {"inventory": [["a"], [1]]})
    bomb = rewrite_zip(good, tmp_path / "bomb.xlsx",
                       add={"xl/media/padding.bin": b"\0" * (50 * 1024 * 1024)})
    assert bomb.stat().st_size < 1024 * 1024

    def must_not_parse(*args, **kwargs):
        raise AssertionError("openpyxl must not see a suspected zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_parse)
    with pytest.raises(UnreadableFile, match="zip bomb") as caught:
        read_table(bomb, "inventory")
    assert "xl/media/padding.bin" in caught.value.reason


def test_member_declaring_a_huge_size_is_refused(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"inventory": [["a"], [1]]})
    data = bytearray(good.read_bytes())
    # Patch the uncompressed size in every central-directory entry to ~4 GiB,
    # as a crafted archive would declare it.
    position = data.find(b"PK\x01\x02")
    while position != -1:
        struct.pack_into("<I", data, position + 24, 0xFFFFFFF0)
        position = data.find(b"PK\x01\x02", position + 4)
    crafted = tmp_path / "crafted.xlsx"
    crafted.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile, match="would unpack to .*zip bomb"):
        sniff_format(crafted)


def test_total_uncompressed_limit_applies(tmp_path, monkeypatch):
    good = write_xlsx(tmp_path / "good.xlsx", {"inventory": [["a"], [1]]})
    monkeypatch.setattr(inputs, "MAX_XLSX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(UnreadableFile, match="CDP_MAX_XLSX_UNCOMPRESSED_MB"):
        sniff_format(good)


def test_ordinary_workbook_passes_the_archive_checks(tmp_path):
    rows = [["member_state", "quantity"]] + [["FI", i] for i in range(5000)]
    path = write_xlsx(tmp_path / "good.xlsx", {"inventory": rows})
    assert sniff_format(path) == "xlsx"


def test_xml_entity_expansion_in_a_sheet_is_refused(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"inventory": [["a"], [1]]})
    hostile_sheet = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    hostile = rewrite_zip(good, tmp_path / "hostile.xlsx",
                          replace={"xl/worksheets/sheet1.xml": hostile_sheet})
    with pytest.raises(UnreadableFile, match="could not be"):
        read_table(hostile, "inventory")
    # and it is defusedxml, not luck, that stops it inside openpyxl
    with pytest.raises(EntitiesForbidden):
        for _ in iterparse(io.BytesIO(hostile_sheet)):
            pass


def test_wrong_used_range_in_the_sheet_does_not_cut_rows(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"inventory": [["a", "b"], [1, 2], [3, 4]]})
    with zipfile.ZipFile(good) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:B3"/>' in sheet
    lying = rewrite_zip(good, tmp_path / "lying.xlsx", replace={
        "xl/worksheets/sheet1.xml": sheet.replace(b'ref="A1:B3"', b'ref="A1:A1"')})
    table = read_table(lying, "inventory")
    assert table.columns == ["a", "b"]
    assert table.rows == [(2, {"a": 1, "b": 2}), (3, {"a": 3, "b": 4})]


def test_corrupt_workbook_xml_is_explained(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"inventory": [["a"], [1]]})
    corrupt = rewrite_zip(good, tmp_path / "corrupt.xlsx",
                          replace={"xl/workbook.xml": b"<not really xml"})
    with pytest.raises(UnreadableFile, match="workbook could not be opened"):
        read_table(corrupt, "inventory")


def test_import_refuses_openpyxl_without_defusedxml(monkeypatch):
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(ImportError, match="defusedxml"):
        load_fresh_copy(monkeypatch, "inputs_without_defusedxml")


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CDP_MAX_FILE_MB", "2")
    monkeypatch.setenv("CDP_MAX_XLSX_UNCOMPRESSED_MB", "0.5")
    monkeypatch.setenv("CDP_MAX_YAML_MB", "0.25")
    copy = load_fresh_copy(monkeypatch, "inputs_with_env_limits")
    assert copy.MAX_FILE_BYTES == 2 * 1024 * 1024
    assert copy.MAX_XLSX_UNCOMPRESSED_BYTES == 512 * 1024
    assert copy.MAX_YAML_BYTES == 256 * 1024


def test_default_limits(monkeypatch):
    for variable in ("CDP_MAX_FILE_MB", "CDP_MAX_XLSX_UNCOMPRESSED_MB", "CDP_MAX_YAML_MB"):
        monkeypatch.delenv(variable, raising=False)
    copy = load_fresh_copy(monkeypatch, "inputs_with_default_limits")
    assert copy.MAX_FILE_BYTES == 100 * 1024 * 1024
    assert copy.MAX_XLSX_UNCOMPRESSED_BYTES == 500 * 1024 * 1024
    assert copy.MAX_YAML_BYTES == 1024 * 1024


def test_bad_limit_in_the_environment_fails_loudly(monkeypatch):
    monkeypatch.setenv("CDP_MAX_FILE_MB", "lots")
    with pytest.raises(ValueError, match="CDP_MAX_FILE_MB"):
        load_fresh_copy(monkeypatch, "inputs_with_bad_limit")


# --- xlsx tables ----------------------------------------------------------------


def test_preferred_sheet_is_found_even_when_not_first(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {
        "Cover": [["Submission of Finland"]],
        " Inventory ": [["member_state", "quantity"], ["FI", 6]],
    })
    table = read_table(path, "inventory")
    assert table.sheet == " Inventory "
    assert table.rows == [(2, {"member_state": "FI", "quantity": 6})]


def test_first_sheet_is_used_without_preferred_sheet(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {
        "Data": [["member_state", "quantity"], ["FI", 6]],
        "Other": [["x"], [1]],
    })
    table = read_table(path, "inventory")
    assert table.sheet == "Data"
    assert table.columns == ["member_state", "quantity"]


def test_xlsx_keeps_cell_types_and_sheet_row_numbers(tmp_path):
    when = dt.datetime(2025, 3, 1)
    path = write_xlsx(tmp_path / "w.xlsx", {"inventory": [
        [None],
        [None, None],
        [" Member_State ", "QUANTITY", "deployable_abroad", "as_of", None, None],
        ["FI", 6.0, False, when],
        [None, None, None],
        ["EE", 2, True, None],
    ]})
    table = read_table(path, "inventory")
    assert table.columns == ["member_state", "quantity", "deployable_abroad", "as_of"]
    assert table.rows == [
        (4, {"member_state": "FI", "quantity": 6.0, "deployable_abroad": False, "as_of": when}),
        (6, {"member_state": "EE", "quantity": 2, "deployable_abroad": True, "as_of": None}),
    ]


def test_csv_extension_with_xlsx_content_is_read_as_xlsx(tmp_path):
    real = write_xlsx(tmp_path / "real.xlsx", {"inventory": [["member_state"], ["FI"]]})
    disguised = tmp_path / "inventory.csv"
    disguised.write_bytes(real.read_bytes())
    assert sniff_format(disguised) == "xlsx"
    assert read_table(disguised, "inventory").rows == [(2, {"member_state": "FI"})]


def test_workbook_with_only_empty_sheet_has_no_header(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"inventory": []})
    with pytest.raises(UnreadableFile, match="no header row"):
        read_table(path, "inventory")


def test_value_under_a_nameless_xlsx_column_is_a_row_problem(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"inventory": [
        ["member_state", None, "quantity"],
        ["FI", None, 1],
        ["EE", "stray", 2],
    ]})
    table = read_table(path, "inventory")
    assert table.columns == ["member_state", "quantity"]
    assert len(table.rows) == 2
    assert list(table.row_problems) == [3]
    assert "'stray' in column B" in table.row_problems[3]


# --- CSV tables -----------------------------------------------------------------


def test_csv_with_bom_semicolons_and_spaced_upper_case_headers(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_bytes("\ufeff Member_State ;CAPABILITY_CODE ; Quantity\r\nFI;BS.SURV.UAS;6\r\n"
                     .encode("utf-8"))
    table = read_table(path, "inventory")
    assert table == Table(
        sheet=None,
        columns=["member_state", "capability_code", "quantity"],
        rows=[(2, {"member_state": "FI", "capability_code": "BS.SURV.UAS", "quantity": "6"})],
    )


def test_tab_delimited_csv(tmp_path):
    path = tmp_path / "inv.tsv"
    path.write_text("a\tb\n1\t2\n")
    assert read_table(path, "x").rows == [(2, {"a": "1", "b": "2"})]


def test_comma_csv_with_quoted_separators_and_line_breaks(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text('member_state,notes\nFI,"a, b; c"\nEE,"two\nlines"\nLV,x\n')
    table = read_table(path, "x")
    assert table.rows == [
        (2, {"member_state": "FI", "notes": "a, b; c"}),
        (3, {"member_state": "EE", "notes": "two\nlines"}),
        (4, {"member_state": "LV", "notes": "x"}),
    ]


def test_windows_1252_csv_is_decoded(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_bytes("name;note\nÖsterreich;naïve – “quoted”\n".encode("cp1252"))
    assert read_table(path, "x").rows == [(2, {"name": "Österreich", "note": "naïve – “quoted”"})]


def test_empty_rows_are_skipped_but_row_numbers_stay_as_in_the_file(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text("a,b,,\n1,2,,\n\n,,\n 3 ,4\n")
    table = read_table(path, "x")
    assert table.columns == ["a", "b"]
    assert table.rows == [(2, {"a": "1", "b": "2"}), (5, {"a": " 3 ", "b": "4"})]
    assert table.row_problems == {}


def test_duplicate_columns_after_normalisation_are_refused(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text("Quantity,quantity \n1,2\n")
    with pytest.raises(UnreadableFile) as caught:
        read_table(path, "x")
    assert "'quantity' appears twice" in caught.value.reason
    assert caught.value.column == "quantity"


def test_blank_csv_has_no_header(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text("\n ; ;\n\n")
    with pytest.raises(UnreadableFile, match="no header row"):
        read_table(path, "x")


def test_extra_csv_field_beyond_the_header_is_a_row_problem(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_text("member_state,notes\nFI,delayed, awaiting funds\nEE,ok\n")
    table = read_table(path, "x")
    assert len(table.rows) == 2
    assert set(table.row_problems) == {2}
    assert "must be in double quotes" in table.row_problems[2]


def test_nul_bytes_later_in_a_csv_are_refused(tmp_path):
    path = tmp_path / "inv.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 20000 + b"\x00\x00")
    with pytest.raises(UnreadableFile, match="binary"):
        read_table(path, "x")


def test_sha256_of(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc" * 1000)
    assert sha256_of(path) == hashlib.sha256(b"abc" * 1000).hexdigest()


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(UnreadableFile, match="could not be opened"):
        read_table(tmp_path, "x")
