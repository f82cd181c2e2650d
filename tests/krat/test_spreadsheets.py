import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation
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


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


# Text a spreadsheet program would run as a formula, or read as an error or a number.
RISKY = ['=HYPERLINK("http://x","y")', "-2+3", "+355 69 000 0000", "@SUM(A1)", "#N/A", "=1"]


def test_exports_keep_risky_text_as_text_cells_without_an_apostrophe():
    content = xl.workbook_bytes([xl.Sheet("Vendime", ["Teksti", "Numri"], [[text, -3] for text in RISKY])])
    xml = sheet_xml(content)
    # No formula anywhere: each risky text is an inline string, marked to stay text when edited.
    assert "<f>" not in xml and "<f " not in xml
    assert xml.count('t="inlineStr"') == len(RISKY) + 2  # the two headers too
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == RISKY
    assert all(row[0].quotePrefix for row in rows)
    # Numbers stay numbers, negative ones included.
    assert [(row[1].value, row[1].data_type) for row in rows] == [(-3, "n")] * len(RISKY)


def test_exports_write_dates_as_date_cells_and_numbers_as_numbers():
    content = xl.workbook_bytes(
        [
            xl.Sheet(
                "Të dhëna",
                ["Data", "Numri", "Shuma", "Pa vlerë"],
                [[datetime.date(2018, 4, 25), 13, Decimal("2500.50"), None]],
            )
        ]
    )
    date, count, amount, empty = next(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2))
    assert date.is_date and date.value == datetime.datetime(2018, 4, 25)
    assert date.number_format.lower() == "dd.mm.yyyy"
    assert (count.value, count.data_type) == (13, "n")
    assert (amount.value, amount.data_type) == (2500.5, "n")
    assert empty.value is None


def test_an_exported_apostrophe_of_an_older_export_is_not_imported():
    """Files exported before text cells were used carry "'" before risky text."""
    rows = xl.read_rows(workbook([["'-1.1", "ngo", 1], ["'=x", "ngo", 2]]), TEMPLATE)
    assert [row.values["code"] for row in rows] == ["-1.1", "=x"]


def csv_rows(response, delimiter):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))


def test_csv_for_an_albanian_reader_uses_semicolons_and_a_decimal_comma():
    rows = [["-2+3", Decimal("3.5"), 1200, datetime.date(2018, 4, 25)], ["Fëmijë; të rinj", 0.25, -4, None]]
    with translation.override("sq"):
        response = xl.csv_response(["Emri", "Mesatarja", "Numri", "Data"], rows, "te-dhena.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert text.splitlines()[0] == "\ufeffEmri;Mesatarja;Numri;Data"
    assert csv_rows(response, ";") == [
        ["Emri", "Mesatarja", "Numri", "Data"],
        # The quote prefix is how CSV blocks a formula; a number is never prefixed.
        ["'-2+3", "3,5", "1200", "25.04.2018"],
        ["Fëmijë; të rinj", "0,25", "-4", ""],
    ]
    assert response["Content-Disposition"] == 'attachment; filename="te-dhena.csv"'


def test_csv_for_an_english_reader_uses_commas_and_a_decimal_point():
    with translation.override("en"):
        response = xl.csv_response(["Name", "Mean"], [["=1+1", Decimal("3.5")]], "data.csv")
    assert csv_rows(response, ",") == [["Name", "Mean"], ["'=1+1", "3.5"]]


def test_one_formula_guard_serves_every_export():
    import meetings.export

    assert not hasattr(meetings.export, "safe_cell")
    assert not hasattr(meetings.export, "FORMULA_STARTS")


def test_the_template_download_has_the_header_row():
    sheet = load_workbook(io.BytesIO(xl.template_bytes(TEMPLATE))).active
    assert [c.value for c in sheet[1]] == ["Code", "Kind", "Count", "Deadline"]


def test_a_sheet_title_excel_refuses_is_made_acceptable():
    """A colon in a translated title broke the report workbook; names repeat or run long too."""
    import io

    from openpyxl import load_workbook

    from krat.spreadsheets import Sheet, workbook_bytes

    titles = ["Fëmijët në rrugë: kategoritë", "a/b?c*[d]", "x" * 40, "X" * 40, ""]
    book = load_workbook(io.BytesIO(workbook_bytes([Sheet(title=t, headers=["h"], rows=[]) for t in titles])))
    assert book.sheetnames == [
        "Fëmijët në rrugë- kategoritë",
        "a-b-c--d-",
        "x" * 31,
        "X" * 27 + " (2)",
        "—",
    ]


@pytest.mark.parametrize("text", ["²", "-²", "٣", "1²", "１"])
def test_a_digit_that_is_not_0_to_9_is_not_a_whole_number(text):
    """str.isdigit says yes to a superscript two; int() refuses it (found by the import fuzz
    test: a 500 instead of a message)."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        xl.whole_number(0, 1000)(text)
    assert xl.whole_number(-5, 1000)(" -3 ") == -3
