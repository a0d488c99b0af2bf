"""The sign-in sheet and the certificate: real PDFs, text extracted, QR code scanned back."""

import datetime
import io
from dataclasses import dataclass

import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.utils import translation

from tests.pdf_reading import SCALE, Box, normalize, qr_square
from tests.trainings.factories import AttendanceFactory, topic
from tests.volunteers.factories import VolunteerFactory
from trainings import documents
from trainings.selectors import roster

A4_PORTRAIT = (595.28, 841.89)
VERIFY_URL = "https://portal.example.vn/tap-huan/chung-nhan/{code}/"

# 20/05/2025 08:00 - 10:30 in Asia/Ho_Chi_Minh (UTC+7).
STARTS_AT = datetime.datetime(2025, 5, 20, 1, 0, tzinfo=datetime.UTC)
ENDS_AT = datetime.datetime(2025, 5, 20, 3, 30, tzinfo=datetime.UTC)

FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Rơ Mah", "Ksor", "Siu", "Kpă", "Nay", "Rơ Lan"]
GIVEN = ["Văn Đạt", "Thị Huệ", "H'Bia", "Y Rôn", "Thị Ngọc Ánh", "Đức Thắng"]

LONG_NAME = " ".join(["Nguyễn Thị Quỳnh Như"] * 9) + " Hoa Lan Ánh"  # as long as allowed


@dataclass
class Page:
    size: tuple[float, float]
    text: str  # pypdf's text, NFC, whitespace collapsed
    lines: list[str]  # pypdfium2's lines (pypdf breaks after every word), NFC, collapsed
    codes: list[str]  # what the QR codes on the page decode to
    qr_squares: list[Box]  # each code with its quiet zone, in PDF points
    chars: list[tuple[str, Box]]  # every printed character and its box (pypdfium2)


def read_pdf(data: bytes) -> list[Page]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = []
    with pypdfium2.PdfDocument(data) as pdf:
        assert len(pdf) == len(reader.pages)
        for pdf_page, reader_page in zip(pdf, reader.pages, strict=True):
            width, height = pdf_page.get_size()
            image = pdf_page.render(scale=SCALE).to_pil()
            results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            textpage = pdf_page.get_textpage()
            chars = []
            for index in range(textpage.count_chars()):
                char = textpage.get_text_range(index, 1)
                if char.strip():
                    chars.append((char, Box(*textpage.get_charbox(index))))
            lines = textpage.get_text_range().splitlines()
            pages.append(
                Page(
                    size=(width, height),
                    text=normalize(reader_page.extract_text()),
                    lines=[normalize(line) for line in lines if line.strip()],
                    codes=[result.text for result in results],
                    qr_squares=[qr_square(result, height) for result in results],
                    chars=chars,
                )
            )
    return pages


@pytest.fixture
def session(session_a):
    session_a.starts_at, session_a.ends_at = STARTS_AT, ENDS_AT
    session_a.save(update_fields=["starts_at", "ends_at"])
    session_a.topics.set([topic("dich-vu-cong-truc-tuyen"), topic("vneid")])
    return session_a


@pytest.fixture
def crowd(village_a, village_b):
    """60 more volunteers, none of whose names is part of another's."""
    names = [f"{family} {given}" for family in FAMILIES for given in GIVEN]
    return [
        VolunteerFactory(village=village_a if index % 2 else village_b, full_name=name)
        for index, name in enumerate(names)
    ]


def sheet(session, volunteers, **kwargs) -> list[Page]:
    with translation.override("en"):
        return read_pdf(documents.render_sign_in_sheet(session, volunteers, **kwargs))


def certificate(attendance) -> list[Page]:
    url = VERIFY_URL.format(code=attendance.certificate_code)
    with translation.override("en"):
        return read_pdf(documents.render_certificate(attendance, verify_url=url))


# ------------------------------------------------------------------ sign-in sheet


def test_sheet_shows_the_session_and_names_with_diacritics(
    session, volunteer_a, teammate_a, volunteer_b
):
    pages = sheet(session, [volunteer_a, teammate_a, volunteer_b])

    assert len(pages) == 1
    assert pages[0].size == pytest.approx(A4_PORTRAIT, abs=0.5)
    text = pages[0].text
    assert "Chư Prông commune Youth Union" in text
    assert "ATTENDANCE SHEET" in text
    assert session.title in text
    assert "Kind: Class" in text
    assert "Time: 20/05/2025 08:00 - 10:30" in text
    assert "Place: Hội trường UBND xã" in text
    assert "Trainer: Đ/c Rơ Mah Hồng" in text
    assert "Topics: Dịch vụ công trực tuyến" in text
    assert "Trần Thị Ánh" in text
    assert "Ksor Y Bim" in text
    assert "Rơ Châm Thuận" in text
    assert "0905***444" in text and "0905333444" not in text  # masked on paper
    assert "Page 1 of 1" in text


def test_sheet_embeds_dejavu_in_the_active_language(session, volunteer_a):
    with translation.override("vi"):
        data = documents.render_sign_in_sheet(session, [volunteer_a])

    assert "Trần Thị Ánh" in read_pdf(data)[0].text
    # The embedded DejaVu fonts set every letter; Helvetica (no "ễ") is not even declared.
    assert b"DejaVuSans" in data
    assert b"/Helvetica" not in data


def test_sheet_numbers_the_volunteers_in_the_given_order_then_blank_rows(
    session, volunteer_a, teammate_a, volunteer_b
):
    pages = sheet(session, [volunteer_b, teammate_a, volunteer_a], blank_rows=4)
    lines = pages[0].lines

    assert "1 Rơ Châm Thuận Làng Kte 0905***666" in lines
    assert "2 Ksor Y Bim Thôn 3 0905***444" in lines
    assert "3 Trần Thị Ánh Thôn 3 0905***222" in lines
    assert [line for line in lines if line.isdigit()] == ["4", "5", "6", "7"]


def test_sheet_uses_the_roster_order_of_the_attendance_page(
    session, volunteer_a, teammate_a, volunteer_b
):
    expected = list(roster(session))
    text = sheet(session, expected)[0].text

    for number, volunteer in enumerate(expected, start=1):
        assert f"{number} {volunteer.full_name} {volunteer.village.name}" in text


def test_a_long_roster_takes_more_pages_with_the_header_on_each(
    session, volunteer_a, teammate_a, volunteer_b, crowd, django_assert_max_num_queries
):
    short = sheet(session, [volunteer_a])
    volunteers = list(roster(session))
    assert len(volunteers) == 63
    with django_assert_max_num_queries(2):  # the commune and the topics, not one per row
        data = documents.render_sign_in_sheet(session, volunteers, blank_rows=10)
    with translation.override("en"):
        pages = read_pdf(documents.render_sign_in_sheet(session, volunteers, blank_rows=10))

    assert len(short) == 1
    assert len(pages) >= 3
    assert len(read_pdf(data)) == len(pages)
    everything = " ".join(page.text for page in pages)
    for volunteer in volunteers:
        assert everything.count(volunteer.full_name) == 1, volunteer.full_name
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page.text
        assert "No. Full name Village Phone Signature" in page.lines
    assert f"Attendance sheet: {session.title}" in pages[1].text
    assert "Time: 20/05/2025" not in pages[1].text  # the full header is on page 1 only
    # 63 volunteers, then 10 blank rows: the last page ends with row 73.
    assert [line for line in pages[-1].lines if line.isdigit()][-1] == "73"


def test_volunteers_already_checked_in_are_marked(session, volunteer_a, teammate_a):
    AttendanceFactory(session=session, volunteer=teammate_a)
    text = sheet(session, list(roster(session)))[0].text

    assert text.count("Already checked in") == 1


def text_left(page: Page, text: str) -> float:
    """Where ``text`` starts on the page (its first occurrence)."""
    joined = "".join(char for char, _box in page.chars)
    return page.chars[joined.index(text.replace(" ", ""))][1].left


def test_a_200_character_name_stays_in_its_cell(session, village_a, teammate_a):
    assert len(LONG_NAME) == 200
    long = VolunteerFactory(village=village_a, full_name=LONG_NAME)
    pages = sheet(session, [teammate_a, long, teammate_a])

    assert len(pages) == 1
    page = pages[0]
    assert LONG_NAME in page.text
    assert "Ksor Y Bim" in page.text

    # Row 1 holds Ksor Y Bim of Thôn 3: where the name and village columns' text starts.
    name_left, village_left = text_left(page, "Ksor Y Bim"), text_left(page, "Thôn 3")
    letters = [box for char, box in page.chars if char in "Qỳ"]  # only in the long name
    assert len(letters) == 18
    for box in letters:
        assert name_left - 0.5 <= box.left and box.right <= village_left - 3


def test_an_empty_roster_still_prints_blank_rows(session):
    pages = sheet(session, [], blank_rows=3)

    assert len(pages) == 1
    assert [line for line in pages[0].lines if line.isdigit()] == ["1", "2", "3"]


def test_negative_blank_rows_is_an_error(session):
    with pytest.raises(ValueError, match="blank_rows"):
        documents.render_sign_in_sheet(session, [], blank_rows=-1)


def test_online_session_shows_its_link(session):
    session.place, session.online_link = "", "https://meet.google.com/abc-defg-hij"
    session.save(update_fields=["place", "online_link"])

    text = sheet(session, [])[0].text

    assert "Online: https://meet.google.com/abc-defg-hij" in text
    assert "Place:" not in text


def test_paginate():
    rows = [documents.SheetRow(number=n) for n in range(1, 11)]

    assert [len(page) for page in documents.paginate(rows, 4, 3)] == [4, 3, 3]
    assert [len(page) for page in documents.paginate(rows, 20, 3)] == [10]
    assert documents.paginate([], 4, 3) == [[]]


# ------------------------------------------------------------------ certificate


def test_certificate_is_one_landscape_page_with_name_and_session(session, teammate_a):
    attendance = AttendanceFactory(session=session, volunteer=teammate_a)
    pages = certificate(attendance)

    assert len(pages) == 1
    width, height = pages[0].size
    assert (width, height) == pytest.approx(A4_PORTRAIT[::-1], abs=0.5)
    text = pages[0].text
    assert "HO CHI MINH COMMUNIST YOUTH UNION" in text
    assert "Youth Union Committee of Chư Prông commune" in text
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text
    assert "Independence - Freedom - Happiness" in text
    assert "CERTIFICATE OF ATTENDANCE" in text
    assert "This certifies that Ksor Y Bim took part in the training session" in text
    assert session.title in text
    assert "Topics: Dịch vụ công trực tuyến, " in text
    assert "Time: 20/05/2025 08:00 - 10:30" in text
    assert "Place: Hội trường UBND xã" in text
    assert "Given at Chư Prông, on 20/05/2025" in text
    assert "Scan to check this certificate" in text
    assert f"Certificate code: {attendance.certificate_code}" in text


def test_certificate_qr_code_opens_the_verification_page(session, volunteer_a):
    attendance = AttendanceFactory(session=session, volunteer=volunteer_a)
    page = certificate(attendance)[0]

    assert page.codes == [VERIFY_URL.format(code=attendance.certificate_code)]
    assert "Trần Thị Ánh" in page.text


def test_certificate_in_vietnamese_keeps_the_diacritics(session, volunteer_a):
    attendance = AttendanceFactory(session=session, volunteer=volunteer_a)
    url = VERIFY_URL.format(code=attendance.certificate_code)
    with translation.override("vi"):
        data = documents.render_certificate(attendance, verify_url=url)

    text = read_pdf(data)[0].text
    assert "Trần Thị Ánh" in text
    assert "Chư Prông" in text
    assert b"/Helvetica" not in data


def test_certificate_of_a_walk_in_online(session):
    session.place, session.online_link = "", "https://meet.google.com/abc-defg-hij"
    session.save(update_fields=["place", "online_link"])
    attendance = AttendanceFactory(session=session, name="Siu H'Bia")

    page = certificate(attendance)[0]

    assert "Siu H'Bia" in page.text
    assert "Place: online" in page.text
    assert len(page.codes) == 1


def test_certificate_with_a_200_character_name_and_a_long_title(session):
    session.title = " ".join(["Tập huấn kỹ năng số cho đoàn viên thanh niên"] * 4)[:200]
    session.save(update_fields=["title"])
    attendance = AttendanceFactory(session=session, name=LONG_NAME)

    page = certificate(attendance)[0]

    assert LONG_NAME in page.text
    assert session.title in page.text
    assert page.codes == [VERIFY_URL.format(code=attendance.certificate_code)]
    width, height = page.size
    square = page.qr_squares[0]
    for char, box in page.chars:
        assert not box.overlaps(square), char
        assert box.left > 0 and box.right < width and box.bottom > 0 and box.top < height
