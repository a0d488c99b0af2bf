"""A report's XLSX, CSV and PDF, made from a snapshot written by hand."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pypdf import PdfReader

from kit.spreadsheets import sheet_title
from reports.files import cell_text, cell_value, write_csv, write_pdf, write_xlsx
from reports.indicators import CHECKS, INDICATORS, PROGRAM_NAMES, TABLE_BY_KEY, TABLES
from trainings.models import TrainingSession
from volunteers.models import Service

VALUES = {
    "market.vendors": 40,
    "market.vendors_with_qr": 31,
    "market.vendors_cashless": 29,
    "market.cashless_share": 72.5,
    "market.vendors_confirmed": 18,
    "market.confirmed_share": 45.0,
    "market.onboarded": 6,
    "assistance.visits": 120,
    "assistance.residents": 97,
    "assistance.services": 150,
    "assistance.services_done": 131,
    "assistance.vneid_accounts": 55,
    "assistance.referred": 9,
    "trainings.sessions": 4,
    "trainings.attendances": 86,
    "trainings.people_trained": 70,
    "trainings.webinar_audience": 210,
    "library.points_active": 9,
    "library.villages": 12,
    "library.coverage": 75.0,
    "library.scans": 1234,
    "library.reads": 2500,
    "volunteers.active": 25,
    "volunteers.tech_team": 8,
    "volunteers.visits_per_volunteer": 4.8,
    "volunteers.villages_covered": 11,
}
FRACTIONS = {
    "market.cashless_share": (29, 40),
    "market.confirmed_share": (18, 40),
    "library.coverage": (9, 12),
    "volunteers.visits_per_volunteer": (120, 25),
}


def _indicators() -> dict:
    result = {}
    for code, value in VALUES.items():
        numerator, denominator = FRACTIONS.get(code, (None, None))
        result[code] = {"value": value, "numerator": numerator, "denominator": denominator}
    return result


SNAPSHOT = {
    "schema": 1,
    "scope": {
        "level": "commune",
        "name": "Xã Chư Prông",
        "commune": "Chư Prông",
        "province": "Gia Lai",
        "village": "",
    },
    "period": {"kind": "month", "start": "2026-11-01", "end": "2026-11-30"},
    "as_of": "2026-11-30",
    "made_at": "2026-12-01T06:00:00+07:00",
    "indicators": _indicators(),
    "tables": {
        "villages": [
            {
                "village": "Làng Kte",
                "vendors": 12,
                "cashless": 9,
                "share": 75.0,
                "confirmed_share": 50.0,
                "visits": 30,
                "residents": 25,
                "services": 41,
                "volunteers": 5,
                "attendances": 18,
                "scans": 140,
            },
            {
                "village": "Thôn Hòa Bình",
                "vendors": 0,
                "cashless": 0,
                "share": None,
                "confirmed_share": None,
                "visits": 4,
                "residents": 4,
                "services": 4,
                "volunteers": 1,
                "attendances": 0,
                "scans": 2,
            },
        ],
        "markets": [
            {
                "market": "Chợ Chư Prông",
                "village": "Thôn 3",
                "vendors": 30,
                "with_qr": 25,
                "cashless": 23,
                "share": 76.66666,
                "confirmed": 15,
                "confirmed_share": 50.0,
            },
            {
                "market": "Chợ phiên Ia Boòng",
                "village": "Làng Kte",
                "vendors": 10,
                "with_qr": 6,
                "cashless": 6,
                "share": 60.0,
                "confirmed": 3,
                "confirmed_share": 30.0,
            },
        ],
        "market_trend": [
            {"month": "2026-10", "onboarded": 3, "cashless_total": 23},
            {"month": "2026-11", "onboarded": 6, "cashless_total": 29},
        ],
        "services": [
            {"service": "vneid_activated", "done": 55, "referred": 4, "follow_up": 3, "total": 62},
            {"service": "payment_app", "done": 30, "referred": 0, "follow_up": 2, "total": 32},
        ],
        "campaigns": [
            {
                "campaign": "Tháng cao điểm VNeID",
                "goal": 200,
                "visits": 80,
                "residents": 70,
                "share": 35.0,
            },
        ],
        "campaign_days": [
            {"campaign": "Tháng cao điểm VNeID", "day": "2026-11-05", "visits": 50},
            {"campaign": "Tháng cao điểm VNeID", "day": "2026-11-06", "visits": 30},
        ],
        "training_kinds": [
            {"kind": "class", "sessions": 2, "attendances": 40, "external": 0},
            {"kind": "webinar", "sessions": 1, "attendances": 30, "external": 150},
        ],
        "training_topics": [
            {"topic": "Thanh toán không dùng tiền mặt", "sessions": 3, "attendances": 56},
        ],
        "webinars": [
            {
                "title": "Dịch vụ công trực tuyến",
                "day": "2026-11-20",
                "attendances": 30,
                "external": 150,
            },
        ],
        "library_points": [
            {"point": "Nhà văn hóa Làng Kte", "village": "Làng Kte", "scans": 900},
            {"point": "Trường Tiểu học <Kpă Klơng>", "village": "Thôn 3", "scans": 334},
        ],
        "library_categories": [{"category": "Hôn nhân và gia đình", "reads": 800}],
        "top_documents": [],  # an empty table
        "volunteer_visits": [
            {"volunteer": "Rơ Mah Hồng", "village": "Làng Kte", "visits": 40},
            {"volunteer": "Kpă Thị Lan", "village": "Thôn 3", "visits": 22},
        ],
    },
    "checks": [
        {"code": "duplicate_phone", "count": 2, "ids": [14, 15]},
        {"code": "future_visits", "count": 0, "ids": []},
    ],
}


def test_snapshot_covers_every_table_and_indicator():
    assert set(SNAPSHOT["tables"]) == {t.key for t in TABLES}
    assert set(SNAPSHOT["indicators"]) == {i.code for i in INDICATORS}
    for table in TABLES:
        for row in SNAPSHOT["tables"][table.key]:
            assert set(row) == {c.key for c in table.columns}, table.key


# ------------------------------------------------------------------ cells


def test_cells_by_kind():
    assert cell_value("int", 12) == 12
    assert cell_value("percent", 76.66666) == 76.7
    assert cell_value("percent", None) is None
    assert cell_value("date", "2026-11-05") == datetime.date(2026, 11, 5)
    assert cell_value("month", "2026-11") == "11/2026"
    assert cell_value("service", "vneid_activated") == Service.VNEID_ACTIVATED.label
    assert cell_value("kind", "webinar") == TrainingSession.Kind.WEBINAR.label
    assert cell_value("service", "gone") == "gone"  # a code dropped since
    assert cell_text("date", "2026-11-05") == "05/11/2026"
    assert cell_text("percent", None) == "–"
    assert cell_text("text", "Làng Kte") == "Làng Kte"


# ------------------------------------------------------------------ XLSX


@pytest.fixture(scope="module")
def book():
    buffer = io.BytesIO()
    write_xlsx(SNAPSHOT, buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def _row_of(sheet, first: str) -> tuple:
    return next(row for row in sheet.iter_rows(values_only=True) if row[0] == first)


def test_xlsx_sheets(book):
    program_sheets = [sheet_title(str(name), "") for name in PROGRAM_NAMES.values()]
    assert book.sheetnames == [
        sheet_title(_("Summary"), ""),
        *program_sheets,
        sheet_title(str(TABLE_BY_KEY["villages"].title), ""),
        sheet_title(_("Data-quality checks"), ""),
    ]
    assert "Chợ không dùng tiền mặt" in book.sheetnames
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_xlsx_summary(book):
    sheet = book.worksheets[0]
    assert sheet["A1"].value == _("Digital transformation report")
    assert sheet["A1"].font.bold
    assert sheet["B2"].value == "Xã Chư Prông"
    assert sheet["B3"].value == "01/11/2026 – 30/11/2026"
    assert sheet["B4"].value.isoformat() == "2026-12-01T06:00:00"  # Hồ Chí Minh time, naive
    assert (sheet["A5"].value, sheet["B5"].value) == ("Số liệu đến ngày", "30/11/2026")
    assert sheet["A7"].value == _("Program") and sheet["A7"].font.bold
    assert sheet["H7"].value == _("Denominator")
    # one row per indicator, in order
    names = [sheet.cell(row=8 + i, column=2).value for i in range(len(INDICATORS))]
    assert names == [str(i.name) for i in INDICATORS]
    share = _row_of_name(sheet, "market.cashless_share")
    assert share == (
        str(PROGRAM_NAMES["market"]),
        share[1],
        72.5,
        "%",
        70,
        pgettext("target reached", "Yes"),
        29,
        40,
        None,  # no baseline, so no baseline day
        None,
        103.6,  # progress: 72.5 ÷ 70
    )
    vendors = _row_of_name(sheet, "market.vendors")
    assert vendors[2] == 40 and isinstance(vendors[2], int)
    assert vendors[4] is None and vendors[5] is None
    coverage = _row_of_name(sheet, "library.coverage")
    assert (
        coverage[2] == 75.0
        and coverage[4] == 100
        and coverage[5] == pgettext("target reached", "No")
    )


def _row_of_name(sheet, code):
    name = str(next(i.name for i in INDICATORS if i.code == code))
    return next(row for row in sheet.iter_rows(min_row=8, values_only=True) if row[1] == name)


def test_xlsx_program_sheet(book):
    sheet = book[sheet_title(str(PROGRAM_NAMES["market"]), "")]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == str(TABLE_BY_KEY["markets"].title)
    assert rows[1][:3] == (_("Market"), _("Village"), _("Vendors"))
    assert sheet["A1"].font.bold and sheet["A2"].font.bold
    assert rows[2] == ("Chợ Chư Prông", "Thôn 3", 30, 25, 23, 76.7, 15, 50.0)
    assert sheet["F3"].number_format == "0.0"
    trend = _row_of(sheet, str(TABLE_BY_KEY["market_trend"].title))
    assert trend
    assert _row_of(sheet, "11/2026")[1:3] == (6, 29)

    assistance = book[sheet_title(str(PROGRAM_NAMES["assistance"]), "")]
    row = _row_of(assistance, str(Service.VNEID_ACTIVATED.label))
    assert row[1:5] == (55, 4, 3, 62)
    days = [r for r in assistance.iter_rows() if r[0].value == "Tháng cao điểm VNeID"]
    day_cell = days[-1][1]
    assert day_cell.value.date() == datetime.date(2026, 11, 6)  # a real date, read back
    assert day_cell.number_format == "dd/mm/yyyy"

    library = book[sheet_title(str(PROGRAM_NAMES["library"]), "")]
    empty = [r for r in library.iter_rows(values_only=True) if r[0] == _("No data")]
    assert len(empty) == 1  # top_documents


def test_xlsx_villages_and_checks(book):
    villages = book[sheet_title(str(TABLE_BY_KEY["villages"].title), "")]
    assert villages["A1"].value == _("Village")
    assert villages["D1"].value == str(TABLE_BY_KEY["villages"].columns[3].heading)
    assert villages["A3"].value == "Thôn Hòa Bình"
    assert villages["D3"].value is None  # nothing to divide by
    assert villages["E2"].value == 50.0  # confirmed receiving transfers
    assert villages["K2"].value == 140
    assert villages.freeze_panes == "B2"

    checks = book[sheet_title(_("Data-quality checks"), "")]
    assert [c.value for c in checks[1]] == [
        _("Check"),
        _("Count"),
        _("Record ids"),
        _("Severity"),
    ]
    assert [c.value for c in checks[2]] == [str(CHECKS["duplicate_phone"]), 2, "14, 15", "Cảnh báo"]
    assert checks["B3"].value == 0


def test_xlsx_is_written_in_write_only_mode(monkeypatch):
    made = []
    original = openpyxl.Workbook.__init__

    def spy(self, *args, **kwargs):
        made.append(kwargs.get("write_only", False))
        original(self, *args, **kwargs)

    monkeypatch.setattr(openpyxl.Workbook, "__init__", spy)
    write_xlsx(SNAPSHOT, io.BytesIO())
    assert made == [True]


def test_xlsx_of_an_empty_snapshot():
    buffer = io.BytesIO()
    write_xlsx({"scope": {"name": "Làng Kte"}, "period": {}, "tables": {}, "checks": []}, buffer)
    buffer.seek(0)
    sheet = openpyxl.load_workbook(buffer).worksheets[0]
    assert sheet["B2"].value == "Làng Kte"


# ------------------------------------------------------------------ CSV


@pytest.fixture(scope="module")
def csv_rows():
    content = write_csv(SNAPSHOT)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_header_and_report(csv_rows):
    assert csv_rows[0] == [_("Section"), _("Item"), _("Measure"), _("Value")]
    assert [_("Report"), _("Scope"), "", "Xã Chư Prông"] in csv_rows
    assert [_("Report"), _("Period"), _("From"), "01/11/2026"] in csv_rows
    assert all(len(row) == 4 for row in csv_rows)


def test_csv_indicators(csv_rows):
    market = str(PROGRAM_NAMES["market"])
    name = str(next(i.name for i in INDICATORS if i.code == "market.cashless_share"))
    assert [market, name, _("Value"), "72.5"] in csv_rows
    assert [market, name, _("Target"), "70"] in csv_rows
    assert [market, name, _("Reached"), pgettext("target reached", "Yes")] in csv_rows
    assert [market, name, _("Numerator"), "29"] in csv_rows
    vendors = str(next(i.name for i in INDICATORS if i.code == "market.vendors"))
    assert [market, vendors, _("Value"), "40"] in csv_rows
    assert not [r for r in csv_rows if r[1] == vendors and r[2] == _("Target")]


def test_csv_tables(csv_rows):
    markets = str(TABLE_BY_KEY["markets"].title)
    assert [markets, "Chợ Chư Prông – Thôn 3", _("Share cashless (%)"), "76.7"] in csv_rows
    villages = str(TABLE_BY_KEY["villages"].title)
    assert [villages, "Thôn Hòa Bình", _("Share cashless (%)"), ""] in csv_rows
    days = str(TABLE_BY_KEY["campaign_days"].title)
    visits = pgettext("door-to-door", "Visits")
    assert [days, "Tháng cao điểm VNeID – 06/11/2026", visits, "30"] in csv_rows
    services = str(TABLE_BY_KEY["services"].title)
    assert [services, str(Service.PAYMENT_APP.label), _("Done"), "30"] in csv_rows
    trend = str(TABLE_BY_KEY["market_trend"].title)
    assert [trend, "10/2026", _("Onboarded"), "3"] in csv_rows
    documents = str(TABLE_BY_KEY["top_documents"].title)
    assert not [r for r in csv_rows if r[0] == documents]


def test_csv_checks(csv_rows):
    section = _("Data-quality checks")
    name = str(CHECKS["duplicate_phone"])
    assert [section, name, _("Count"), "2"] in csv_rows
    assert [section, name, _("Record ids"), "14, 15"] in csv_rows
    assert [section, name, _("Severity"), "Cảnh báo"] in csv_rows


def test_csv_never_starts_a_formula():
    snapshot = {
        "tables": {"top_documents": [{"document": "=HYPERLINK(1)", "reads": 1}]},
        "checks": [],
    }
    rows = list(csv.reader(io.StringIO(write_csv(snapshot).decode("utf-8-sig"))))
    assert any(row[1] == "'=HYPERLINK(1)" for row in rows)


# ------------------------------------------------------------------ PDF


@pytest.fixture(scope="module")
def pdf():
    return write_pdf(SNAPSHOT)


def test_pdf_text(pdf):
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Xã Chư Prông" in text
    assert _("Digital transformation report") in text
    assert str(TABLE_BY_KEY["library_points"].title) in text
    assert "Trường Tiểu học <Kpă Klơng>" in text  # escaped for Paragraph, shown as is
    assert str(CHECKS["duplicate_phone"]) in text.replace("\n", " ")
    assert "01/11/2026 – 30/11/2026" in text
    assert "Số liệu đến ngày 30/11/2026" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    # reportlab's chart renderer names Helvetica in its initial state, but draws no text in it
    assert {"/AAAAAA+DejaVuSans", "/AAAAAA+DejaVuSans-Bold"} <= fonts, fonts
    assert _("Target %(target)s") % {"target": "70"} in text  # the market chart's target line


def test_pdf_long_table_repeats_its_header():
    rows = [
        {"volunteer": f"Tình nguyện viên {n}", "village": "Làng Kte", "visits": n}
        for n in range(200)
    ]
    snapshot = {**SNAPSHOT, "tables": {**SNAPSHOT["tables"], "volunteer_visits": rows}}
    reader = PdfReader(io.BytesIO(write_pdf(snapshot)))
    heading = str(TABLE_BY_KEY["volunteer_visits"].columns[0].heading)
    pages = [page.extract_text() for page in reader.pages]
    with_rows = [text for text in pages if "Tình nguyện viên 1" in text]
    assert len(with_rows) >= 2
    assert all(heading in text for text in with_rows)


def test_pdf_of_an_empty_snapshot():
    pdf = write_pdf({"scope": {"name": "Làng Kte"}, "period": {}, "tables": {}, "checks": []})
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Làng Kte" in text
