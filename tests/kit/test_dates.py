"""Dates are day-first everywhere: 05/12/2026 is 5 December, in Vietnamese and in English.

Every form of the project (each app's ``forms`` module) and every admin form
(``admin.site._registry``, inlines included, django-celery-beat's too) reads
05/12/2026 as 5 December, accepts 31/12/2026, refuses 12/31/2026 saying how to
write a date, and shows its dates as dd/mm/yyyy (an ``<input type="date">``
keeps ISO, which is what browsers need and post). Imports read the same dates;
labels made from a moment use Viet Nam's day.
"""

import datetime
import importlib
import io
import json
import re
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from core.models import Village
from kit import dates
from kit import spreadsheets as shared
from market.models import VendorStatusChange
from tests.factories import UserFactory
from tests.market.factories import MarketFactory, VendorFactory
from volunteers import spreadsheets as volunteer_sheets
from volunteers.models import Campaign

DEC_5 = datetime.date(2026, 12, 5)
DEC_31 = datetime.date(2026, 12, 31)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MESSAGES = {
    "vi": "ngày/tháng/năm, ví dụ 05/12/2026",
    "en": "day/month/year, for example 05/12/2026",
}

# ------------------------------------------------------------------ the pure parser


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/12/2026", DEC_5),
        ("5/12/2026", DEC_5),
        ("05/12/26", DEC_5),
        ("05-12-2026", DEC_5),
        ("05.12.2026", DEC_5),
        ("2026-12-05", DEC_5),
        (" 05/12/2026 ", DEC_5),
        ("05/12/2026 14:30", DEC_5),  # a form's timestamp: the day
        ("2026-12-05 14:30", DEC_5),  # a real date-time cell, as cell_text writes it
        ("31/12/2026", DEC_31),
        ("", None),
    ],
)
def test_dates_are_read_day_first(text, expected):
    assert dates.parse_date(text) == expected


@pytest.mark.parametrize("text", ["12/31/2026", "31/02/2024", "2026/31/12", "tomorrow", "5 Dec"])
def test_month_first_and_impossible_dates_are_refused(text):
    with pytest.raises(ValueError, match=re.escape(text)):
        dates.parse_date(text)


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(9999, 12, 31)))
def test_every_day_reads_back_from_how_people_write_it(day):
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        assert dates.parse_date(day.strftime(pattern)) == day
    assert dates.parse_date(day.isoformat()) == day


def test_spreadsheet_cells_are_taken_as_they_are():
    assert dates.parse_date(DEC_5) == DEC_5
    assert dates.parse_date(datetime.datetime(2026, 12, 5, 23, 30)) == DEC_5  # noqa: DTZ001 (Excel)
    # an aware moment is the day it is in Viet Nam: 23:30 UTC on the 4th is the 5th there
    assert dates.parse_date(datetime.datetime(2026, 12, 4, 23, 30, tzinfo=datetime.UTC)) == DEC_5


def test_a_time_without_a_zone_is_viet_nams():
    moment = dates.parse_datetime("05/12/2026 14:30")
    assert moment == datetime.datetime(2026, 12, 5, 14, 30, tzinfo=HANOI)
    assert moment.astimezone(datetime.UTC).hour == 7
    naive_excel = datetime.datetime(2026, 12, 5, 6, 15)  # noqa: DTZ001 (openpyxl's, naive)
    assert dates.parse_datetime(naive_excel) == datetime.datetime(2026, 12, 5, 6, 15, tzinfo=HANOI)
    assert dates.parse_datetime(DEC_5) == datetime.datetime(2026, 12, 5, tzinfo=HANOI)
    assert dates.parse_datetime(shared.cell_text(naive_excel)) == naive_excel.replace(tzinfo=HANOI)
    with pytest.raises(ValueError):
        dates.parse_datetime("12/31/2026 08:00")


# ------------------------------------------------------------------ every form


def _project_forms():
    """Every form class defined in an app's ``forms`` module."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith(
            (
                "kit",
                "core",
                "reports",
                "portal",
                "ops",
                "market",
                "volunteers",
                "trainings",
                "legal",
            )
        ):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found.append((f"{module.__name__}.{value.__name__}", value))
    return found


def _admin_forms(user):
    """The add form of every admin, and of every inline, as a superuser gets them."""
    request = RequestFactory().get("/admin/")
    request.user = user
    found = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        found.append((f"admin {label}", model_admin.get_form(request)))
        for inline in model_admin.get_inline_instances(request):
            found.append((f"admin {label} inline", inline.get_formset(request).form))
    return found


def _date_fields(form_classes):
    for name, form_class in form_classes:
        for field_name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
                yield f"{name}.{field_name}", field


def _clean(field, day: str):
    if isinstance(field, forms.SplitDateTimeField):
        value = field.clean([day, "14:30"])
    elif isinstance(field, forms.DateTimeField):
        value = field.clean(f"{day} 14:30")
    else:
        return field.clean(day)
    return timezone.localtime(value).date()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_date_field_of_every_form_reads_day_first(language):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    with translation.override(language):
        fields = list(_date_fields(_project_forms() + _admin_forms(superuser)))
        names = {name for name, _field in fields}
        # the walk reaches the phone pages, the reports, the admin and celery-beat's admin
        assert {
            "volunteers.forms.VisitForm.helped_on",
            "reports.forms.ReportRequestForm.start",
            "admin volunteers.Campaign.starts_on",
            "admin legal_library.Document.effective_on",
            "admin trainings.TrainingSession.starts_at",
            "admin django_celery_beat.ClockedSchedule.clocked_time",
        } <= names, names
        wrong = []
        for name, field in fields:
            field.required = False
            try:
                if _clean(field, "05/12/2026") != DEC_5 or _clean(field, "31/12/2026") != DEC_31:
                    wrong.append(f"{name}: misread")
                if _clean(field, "2026-12-05") != DEC_5:
                    wrong.append(f"{name}: ISO refused")
            except forms.ValidationError as exc:
                wrong.append(f"{name}: {exc.messages}")
            try:
                _clean(field, "12/31/2026")
                wrong.append(f"{name}: 12/31/2026 accepted")
            except forms.ValidationError as exc:
                if not any(MESSAGES[language] in message for message in exc.messages):
                    wrong.append(f"{name}: {exc.messages}")
        assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_date_fields_show_day_first_unless_the_browser_draws_them(language):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    moment = datetime.datetime(2026, 12, 5, 14, 30, tzinfo=HANOI)
    with translation.override(language), timezone.override(HANOI):
        wrong = []
        for name, field in _date_fields(_project_forms() + _admin_forms(superuser)):
            value = DEC_5 if isinstance(field, forms.DateField) else moment
            html = field.widget.render("d", field.prepare_value(value))
            if 'type="date"' in html:
                ok = 'value="2026-12-05"' in html  # browsers want ISO there
            else:
                ok = 'value="05/12/2026' in html and "2026-12-05" not in html
            if not ok:
                wrong.append(f"{name}: {html}")
        assert wrong == []


@pytest.mark.django_db
def test_the_admin_saves_a_day_first_date_and_its_calendar_writes_one(client, officer, commune):
    client.force_login(officer)
    response = client.post(
        reverse("admin:volunteers_campaign_add"),
        {
            "name": "Chiến dịch tháng 12",
            "commune": commune.pk,
            "starts_on": "05/12/2026",
            "ends_on": "31/12/2026",
            "goal": "100",
            "description": "",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Chiến dịch tháng 12")
    assert (campaign.starts_on, campaign.ends_on) == (DEC_5, DEC_31)

    response = client.post(
        reverse("admin:volunteers_campaign_change", args=[campaign.pk]),
        {
            "name": "Chiến dịch tháng 12",
            "commune": commune.pk,
            "starts_on": "12/31/2026",
            "ends_on": "31/12/2026",
            "goal": "100",
            "description": "",
        },
    )
    assert response.status_code == 200
    assert MESSAGES["vi"] in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.starts_on == DEC_5

    page = client.get(reverse("admin:volunteers_campaign_change", args=[campaign.pk]))
    assert 'value="05/12/2026"' in page.content.decode()
    # DateTimeShortcuts writes get_format("DATE_INPUT_FORMATS")[0]
    catalog = client.get(reverse("admin:jsi18n")).content.decode()
    formats = json.loads(re.search(r"django\.formats = (\{.*?\});", catalog, re.S)[1])
    assert formats["DATE_INPUT_FORMATS"][0] == "%d/%m/%Y"
    assert formats["FIRST_DAY_OF_WEEK"] == 1  # Monday


@pytest.mark.parametrize("language", ["vi", "en"])
def test_short_dates_are_day_first_in_both_languages(language):
    from django.utils.formats import date_format

    moment = datetime.datetime(2026, 12, 5, 14, 30, tzinfo=HANOI)
    with translation.override(language):
        assert date_format(DEC_5, "SHORT_DATE_FORMAT") == "05/12/2026"
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "05/12/2026 14:30"
        assert (
            date_format(DEC_5)
            == {"vi": "Ngày 05 tháng 12 năm 2026", "en": "5 December 2026"}[language]
        )


# ------------------------------------------------------------------ imports


@pytest.mark.django_db
def test_an_import_reads_text_dates_day_first_and_real_dates_as_they_are(commune, village_a):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Thôn, làng", "Ngày vào"])
    sheet.append(["Nguyễn Văn An", "T03", "05/01/2025"])
    sheet.append(["Siu H'Bia", "T03", "05/01/25"])
    sheet.append(["Kpă Thị Hoa", "T03", datetime.datetime(2024, 12, 31, 23, 30)])  # noqa: DTZ001
    sheet.append(["Rơ Mah Hùng", "T03", "12/31/2024"])
    buffer = io.BytesIO()
    book.save(buffer)
    with translation.override("vi"):
        rows = volunteer_sheets.check_rows(
            volunteer_sheets.read_rows(buffer.getvalue(), "ds.xlsx"),
            Village.objects.filter(pk=village_a.pk),
        )
    assert [row.errors for row in rows[:3]] == [[], [], []]
    assert [row.cleaned["joined_on"] for row in rows[:3]] == [
        datetime.date(2025, 1, 5),
        datetime.date(2025, 1, 5),
        datetime.date(2024, 12, 31),
    ]
    assert "12/31/2024" in " ".join(rows[3].errors)
    assert MESSAGES["vi"] in " ".join(rows[3].errors)  # the same words as every form


# ------------------------------------------------------------------ labels


@pytest.mark.django_db
def test_a_status_change_is_labelled_with_viet_nams_day(village_a):
    vendor = VendorFactory(market=MarketFactory(village=village_a))
    change = VendorStatusChange(
        vendor=vendor,
        status=vendor.status,
        changed_at=datetime.datetime(2026, 12, 4, 23, 30, tzinfo=datetime.UTC),
    )
    assert str(change).endswith(" 05/12/2026")
