import csv
import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from krat import spreadsheets as xl
from krat.choices import InstitutionKind

TEMPLATE = xl.SheetTemplate(
    title="Aktivitete",
    columns=[
        xl.Column("code", "Code", xl.text(20)),
        xl.Column("kind", "Kind", xl.choice(InstitutionKind.choices)),
        xl.Column("count", "Count", xl.whole_number(0, 1000)),
        xl.Column("deadline", "Deadline", xl.date(), required=False),
    ],
)


def workbook(rows, header=("Code", "Kind", "Count", "Deadline"), edit=None):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    if edit:
        edit(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems(data):
    with pytest.raises(xl.SpreadsheetError) as error:
        xl.read_rows(data, TEMPLATE)
    return error.value.messages


def test_a_good_file_gives_typed_rows_with_their_numbers():
    rows = xl.read_rows(
        workbook(
            [
                ("A.1", "Policia e Shtetit", 3, "25.04.2018"),
                (None, None, None, None),
                ("A.2", "ngo", "7", None),
            ]
        ),
        TEMPLATE,
    )
    assert [(r.number, r.values) for r in rows] == [
        (2, {"code": "A.1", "kind": "state_police", "count": 3, "deadline": datetime.date(2018, 4, 25)}),
        (4, {"code": "A.2", "kind": "ngo", "count": 7, "deadline": None}),
    ]


def test_the_header_may_be_in_albanian():
    from django.utils import translation

    with translation.override("sq"):
        header = [str(c.title) for c in TEMPLATE.columns]
    assert xl.read_rows(workbook([("A.1", "ngo", 1, None)], header=header), TEMPLATE)


def test_every_bad_cell_is_named_and_nothing_is_returned():
    messages = problems(workbook([("A.1", "bank", -1, "2018-13-45"), ("", "ngo", 2.5, None)]))
    assert messages[0].startswith("B2: Not one of:")
    assert messages[1] == "C2: Expected a number from 0 to 1000."
    assert messages[2] == "D2: Expected a date such as 25.04.2018."
    assert "A3: This cell is required." in messages
    assert "C3: Expected a whole number." in messages


def test_formulas_are_refused():
    assert problems(workbook([("A.1", "ngo", "=1+2", None)])) == [
        "C2: Formulas are not accepted; type the value itself."
    ]


def test_merged_cells_are_refused():
    messages = problems(workbook([("A.1", "ngo", 1, None)], edit=lambda s: s.merge_cells("A2:B2")))
    assert messages == ["A2:B2: Merged cells are not allowed; unmerge them."]


def test_extra_columns_are_refused_in_the_header_and_in_rows():
    assert problems(
        workbook([("A.1", "ngo", 1, None)], header=("Code", "Kind", "Count", "Deadline", "Name"))
    ) == ["E1: Extra column: the template has no such column."]
    assert problems(workbook([("A.1", "ngo", 1, None, "Arta")])) == [
        "E2: Extra column: the template has no such column."
    ]


def test_another_template_is_refused():
    messages = problems(workbook([("x",)], header=("Emri", "Mbiemri")))
    assert messages[0] == "A1: This is not the expected template: the column should be “Code”."


def test_a_file_that_is_not_a_workbook_is_refused():
    assert problems(b"name,surname\n") == ["This is not an Excel workbook (.xlsx)."]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (xl.MAX_UNCOMPRESSED_BYTES + 1))
    assert problems(buffer.getvalue()) == ["The workbook is too large once unpacked; it was refused."]


def test_too_many_rows_are_refused():
    data = workbook([], edit=lambda s: s.cell(row=xl.MAX_ROWS + 5, column=1, value="x"))
    assert problems(data) == [f"At most {xl.MAX_ROWS} rows can be imported at once."]


def test_exports_neutralise_formulas_but_keep_numbers():
    content = xl.workbook_bytes(
        [xl.Sheet("Vendime", ["Teksti", "Numri"], [['=HYPERLINK("x")', -3], ["@SUM", 4]])]
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Teksti", "Numri"],
        ['\'=HYPERLINK("x")', -3],
        ["'@SUM", 4],
    ]


def test_csv_export_is_utf8_with_a_bom_and_neutralised():
    response = xl.csv_response(["Emri"], [["-2+3"], ["Fëmijë"]], "te-dhena.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [["Emri"], ["'-2+3"], ["Fëmijë"]]
    assert response["Content-Disposition"] == 'attachment; filename="te-dhena.csv"'


def test_the_template_download_has_the_header_row():
    sheet = load_workbook(io.BytesIO(xl.template_bytes(TEMPLATE))).active
    assert [c.value for c in sheet[1]] == ["Code", "Kind", "Count", "Deadline"]
