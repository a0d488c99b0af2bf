"""Who gets what: every page of the project, for every persona.

The URL patterns are read from the resolver, so a new page without a row here
fails ``test_every_page_has_a_row``. Expected answers: 200; 302 to sign in;
404 for what exists but is not the persona's (never a 403 that tells it
exists); 405 for a POST-only address opened with GET; ``To(path)`` for a
redirect elsewhere (the admin's own sign-in page, a vendor's own page).

The Django admin and allauth have hundreds of patterns of their own: they are
not walked, but the admin index, a changelist and a change page of every model
an officer sees there, and allauth's sign-in, sign-out and password reset have
rows (``test_every_admin_model_of_officers_has_rows`` keeps that list whole).

Every 200 that is text (HTML, JSON, CSV, JavaScript) is also read for data the
persona may not see: a resident helped in another village, a vendor's account
number of another vendor or village, anything of another commune.

What the admin's forms offer and accept (every foreign key and many-to-many of every
admin form and inline, raw-id labels, the autocomplete view) is the other half of
this table: ``tests/test_admin_scoping.py`` walks ``admin.site._registry`` and posts
another commune's record into each of them.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core import audit
from core import services as core_services
from core.roles import Role
from legal_library import services as library_services
from legal_library.models import Category, Document, DocumentAudio, Issuer, PointDailyCount
from market.models import Bank, Vendor
from market.services import AccountData, market_create, vendor_register
from reports.services import baseline_set, report_generate, report_request, target_set
from tests.factories import UserFactory
from tests.trainings.factories import AttendanceFactory
from tests.volunteers.factories import AssistanceRecordFactory, VolunteerFactory
from trainings.models import Topic

pytestmark = pytest.mark.django_db

# The commune's people (the rows below list their answers in this order) ...
COMMUNE_PERSONAS = [
    "anonymous",
    "vendor",
    "vendor_b",
    "volunteer",
    "secretary_a",
    "secretary_b",
    "other_officer",
    "officer",
]
# ... and the province's: Gia Lai's officer, and the officer of another province
# (``PROVINCE_ROWS`` gives their answers; see ``_province_answers`` for the default).
PERSONAS = [*COMMUNE_PERSONAS, "province_officer", "far_province_officer"]


class To(str):
    """A redirect (302) to this path; ``{token_a}``-style fields come from the objects."""


SIGN_IN = "/accounts/login/"
ADMIN_SIGN_IN = To("/admin/login/")
ADMIN_INDEX = To("/admin/")  # the admin's answer to a missing object: back to the index

# page → answers for the personas, in the order of PERSONAS
PUBLIC = (200,) * 8
MEMBER = (302, 404, 404, 200, 200, 200, 200, 200)  # volunteers and managers
MANAGER = (302, 404, 404, 404, 200, 200, 200, 200)  # officers and branch secretaries
OFFICER_ONLY = (302, 404, 404, 404, 404, 404, 200, 200)  # permission officers alone have
SESSION = (302, 404, 404, 404, 404, 404, 404, 200)  # a commune's object: its officer
POST_ONLY = (302, 405, 405, 405, 405, 405, 405, 405)
VILLAGE_A = (302, 404, 404, 404, 200, 404, 404, 200)  # village A's: its secretary, officer
# village A's market, seen by its secretary and officer, and worked in by its volunteers
VILLAGE_A_MARKET = (302, 404, 404, 200, 200, 404, 404, 200)
# the market workspace of village A (register, accounts, hand-over, status): its
# commune's officers and its village's volunteers; not secretaries (they only look)
WORKSPACE = (302, 404, 404, 200, 404, 404, 404, 200)
# the admin: officers (staff) only; anyone else goes to the admin's sign-in page
ADMIN = (ADMIN_SIGN_IN,) * 6 + (200, 200)  # shared, or each officer's own rows
ADMIN_OBJECT = (ADMIN_SIGN_IN,) * 6 + (ADMIN_INDEX, 200)  # an object of commune A

TABLE = {
    # ---------------------------------------------------------------- chuprong
    "home": PUBLIC,
    "commune_detail": PUBLIC,
    "province_detail": PUBLIC,  # the province's communes
    "healthz": PUBLIC,
    "set_language": (To("/"),) * 8,
    # the sign-in page (the project's own view over allauth's); signed in: home
    "account_login": (200,) + (To("/"),) * 7,
    # allauth's e-mail management is closed: addresses come from officers (user_create)
    "account_email": (404,) * 8,
    # sign-in accounts: officers make those of their commune's people (each officer
    # sees their own commune's list; another commune's person is not found)
    "logins": OFFICER_ONLY,
    "login_secretary_create": OFFICER_ONLY,
    "login_volunteer_create": (302, 404, 404, 404, 404, 404, 405, 405),
    "login_vendor_create": (302, 404, 404, 404, 404, 404, 405, 405),
    "login_link_issue": (302, 404, 404, 404, 404, 404, 405, 405),
    "login_handover": SESSION,  # an account of commune A with a link out
    "login_handover_qr": SESSION,
    # the one-time link: whoever holds it (opening it uses nothing up)
    "sign_in_link": PUBLIC,
    # ---------------------------------------------------------------- market
    # vendor A's page and codes: public to whoever holds its key
    "market:vendor_page": PUBLIC,
    "market:vendor_qr": PUBLIC,
    "market:account_qr": PUBLIC,
    # a signed-in vendor goes to their own page, never to another's
    "market:vendor_me": (302, To("/v/{token_a}/"), To("/v/{token_b}/"), 404, 404, 404, 404, 404),
    "market:market_list": MEMBER,  # volunteers: their village's market
    "market:market_detail": VILLAGE_A_MARKET,
    # the market's officer tools: not for volunteers
    "market:market_posters": VILLAGE_A,
    "market:market_export": VILLAGE_A,
    "market:market_import": SESSION,
    "market:vendor_posters": VILLAGE_A_MARKET,
    "market:vendor_new": WORKSPACE,
    "market:vendor_workspace": WORKSPACE,
    "market:vendor_handover": WORKSPACE,
    "market:vendor_status": WORKSPACE,
    "market:vendor_account_add": WORKSPACE,
    # the permission is checked before the method: those without it learn nothing
    # (a volunteer has it, but a POST finds no vendor of theirs: vendor_for_user)
    "market:vendor_reissue": (302, 404, 404, 405, 404, 404, 405, 405),
    # the vendor signed in as themselves, or an officer of the commune who may change vendors
    "market:vendor_ceiling": (302, 200, 404, 404, 404, 404, 404, 200),
    # the vendor signed in as themselves, or whoever may see vendor A (the posters' rule)
    "market:vendor_price_tags": (302, 200, 404, 404, 200, 404, 404, 200),
    # follow-ups: commune officers and the volunteers of the market's village, never
    # branch secretaries or vendors; the list across one's markets, and market A's
    "market:followups": (302, 404, 404, 200, 404, 404, 200, 200),
    "market:market_followups": (302, 404, 404, 200, 404, 404, 404, 200),
    # ---------------------------------------------------------------- legal library
    "legal_library:point": PUBLIC,
    "legal_library:point_category": PUBLIC,
    "legal_library:document": PUBLIC,
    "legal_library:attachment": PUBLIC,  # a published document's PDF
    "legal_library:audio": PUBLIC,  # an audio reading of a published document
    "legal_library:point_list": PUBLIC,
    "legal_library:search": PUBLIC,
    "legal_library:service_worker": PUBLIC,
    "legal_library:offline": PUBLIC,  # the same anonymous page for everyone, kept offline
    # the last point this phone opened (none here): the list of points
    "legal_library:back": (To("/phap-luat/"),) * 8,
    "legal_library:poster": VILLAGE_A,
    # every point of the persona's villages (village B has none: nothing to print)
    "legal_library:posters": (302, 404, 404, 404, 200, 404, 200, 200),
    # an admin-styled page: the admin's sign-in for anyone but staff
    "legal_library:stats": (ADMIN_SIGN_IN,) * 6 + (200, 200),
    # documents by spreadsheet: officers who may add and change documents
    "legal_library:document_import": OFFICER_ONLY,
    "legal_library:document_export_xlsx": OFFICER_ONLY,
    "legal_library:document_export_csv": OFFICER_ONLY,
    # ---------------------------------------------------------------- volunteers
    "volunteer_home": MEMBER,
    "volunteers:visit_new": MEMBER,
    # the phone's outbox: signed out, a 401 it understands (the visits wait on the phone)
    "volunteers:visit_sync": (401, 404, 404, 200, 200, 200, 200, 200),
    # the volunteers' installable app: the same worker and manifest for everyone
    "volunteers:service_worker": PUBLIC,
    "volunteers:manifest": PUBLIC,
    "volunteers:history": MEMBER,
    "volunteers:record_list": MANAGER,
    # a record of village A, made by the volunteer persona
    "volunteers:record_detail": (302, 404, 404, 200, 200, 404, 404, 200),
    # correcting or deleting it: who logged it, for 24 hours; officers keep the admin
    "volunteers:visit_edit": (302, 404, 404, 200, 404, 404, 404, 404),
    "volunteers:visit_delete": (302, 404, 404, 200, 404, 404, 404, 404),
    # the open follow-ups of one's villages (a volunteer's branch village, a secretary's,
    # an officer's commune): every recorder has a list, of their own villages only
    "volunteers:follow_ups": MEMBER,
    "volunteers:follow_up_close": POST_ONLY,
    "volunteers:campaign_list": MEMBER,
    # the commune's campaign: counts only, for its commune's people
    "volunteers:campaign_detail": (302, 404, 404, 200, 200, 200, 404, 200),
    "volunteers:volunteer_list": MANAGER,
    "volunteers:volunteer_export": MANAGER,
    "volunteers:volunteer_import": OFFICER_ONLY,
    # residents' requests (access, erasure): the commune's officers alone; a visit of
    # village A's resident is found by commune A's officer only
    "volunteers:resident_desk": OFFICER_ONLY,
    "volunteers:resident_detail": SESSION,
    "volunteers:resident_export": SESSION,
    "volunteers:resident_erase": SESSION,
    # what is kept and why: for whoever sees residents' data beyond their own visits
    "volunteers:resident_policy": MANAGER,
    # ---------------------------------------------------------------- trainings
    "trainings:calendar": PUBLIC,
    "trainings:verify": PUBLIC,
    "trainings:check_in": (302,) + (200,) * 7,
    "trainings:session_list": MANAGER,
    # plan a session: officers (their commune), secretaries (their own village's branch)
    "trainings:session_new": MANAGER,
    "trainings:skills": MANAGER,
    "trainings:session_detail": SESSION,
    "trainings:attendance_sheet": POST_ONLY,
    "trainings:attendance_remove": POST_ONLY,
    "trainings:checkin_screen": SESSION,
    "trainings:checkin_qr": SESSION,
    "trainings:sign_in_sheet": SESSION,
    "trainings:attendance_xlsx": SESSION,
    "trainings:attendance_csv": SESSION,
    "trainings:attendance_import": SESSION,
    # the volunteer's own certificate, or the session's officer
    "trainings:certificate": (302, 404, 404, 200, 404, 404, 404, 200),
    # ---------------------------------------------------------------- reports
    # officers: their own commune's dashboard and reports, nobody else's
    "reports:dashboard": OFFICER_ONLY,
    "reports:request": POST_ONLY,
    "reports:detail": SESSION,
    "reports:status": SESSION,
    "reports:download": SESSION,
    # sending a report up (its commune's officer) and marking it received (the province)
    "reports:send": POST_ONLY,
    "reports:receive": POST_ONLY,
    # the public pages of progress: counts only, for everyone
    "reports:public_commune": PUBLIC,
    "reports:public_province": PUBLIC,
    # targets and baselines: a commune's officer their own commune's; the province's
    # officer every commune of theirs (rows with ?xa= of another commune: tests/reports)
    "reports:goals": OFFICER_ONLY,
    # the province dashboard and its XLSX: the province's officers alone
    "reports:province": (302, 404, 404, 404, 404, 404, 404, 404),
    "reports:province_download": (302, 404, 404, 404, 404, 404, 404, 404),
    # which communes sent which month: the province's officers alone
    "reports:province_inbox": (302, 404, 404, 404, 404, 404, 404, 404),
}

# allauth: not walked pattern by pattern; these are the pages people use.
ALLAUTH_TABLE = {
    # sign-out asks for confirmation; there is nothing to sign out of when anonymous
    "account_logout": (To("/"),) + (200,) * 7,
    "account_reset_password": PUBLIC,
}

# The admin: its index, and a changelist and a change page of every model an
# officer sees there. Rows of a commune (or village) are commune A's; the
# others (banks, categories, documents, topics, schedules) are shared.
ADMIN_MODELS = {
    "chuprong_commune": ADMIN_OBJECT,
    "chuprong_village": ADMIN_OBJECT,
    "reports_adoptionreport": ADMIN_OBJECT,
    "reports_indicatortarget": ADMIN_OBJECT,  # Chư Prông's target (set by the province)
    "reports_indicatorbaseline": ADMIN_OBJECT,
    "chuprong_auditentry": ADMIN_OBJECT,  # read-only history of changes
    "market_bank": ADMIN,
    "market_market": ADMIN_OBJECT,
    "market_vendor": ADMIN_OBJECT,
    "legal_library_category": ADMIN,
    "legal_library_document": ADMIN,
    "legal_library_issuer": ADMIN,  # the shared list of issuers officers extend
    "legal_library_librarypoint": ADMIN_OBJECT,
    "volunteers_volunteer": ADMIN_OBJECT,
    "volunteers_campaign": ADMIN_OBJECT,
    "volunteers_assistancerecord": ADMIN_OBJECT,
    "trainings_topic": ADMIN,
    "trainings_trainingsession": ADMIN_OBJECT,
    "django_celery_beat_periodictask": ADMIN,
    "django_celery_beat_crontabschedule": ADMIN,
}
ADMIN_TABLE = {"admin:index": ADMIN}
for _model in ADMIN_MODELS:
    ADMIN_TABLE[f"admin:{_model}_changelist"] = ADMIN
    ADMIN_TABLE[f"admin:{_model}_change"] = ADMIN_MODELS[_model]

# The province officers' answers, where they are not the default of ``_province_answers``:
# Gia Lai's officer reads the figures of every commune of Gia Lai (dashboards, reports),
# never the records behind them (residents' names, vendors' accounts) and changes nothing
# of a commune's; they own the province-wide lists in the admin. The other province's
# officer finds nothing of Gia Lai.
PROVINCE_ROWS: dict[str, tuple] = {
    # Chư Prông's (the first of Gia Lai); the other province's officer: Ea Kar's
    "reports:dashboard": (200, 200),
    "reports:detail": (200, 404),
    "reports:status": (200, 404),
    "reports:download": (200, 404),
    "reports:province_inbox": (200, 200),  # each their own province's communes
    # the province's documents (the deployment's, like banks): its officers keep them,
    # by the admin or by spreadsheet (a commune's own documents stay the commune's)
    "admin:legal_library_document_changelist": (200, 200),
    "admin:legal_library_document_change": (200, 200),  # a province-wide document
    "admin:legal_library_issuer_changelist": (200, 200),
    "admin:legal_library_issuer_change": (200, 200),
    "legal_library:document_import": (200, 200),
    "legal_library:document_export_xlsx": (200, 200),
    "legal_library:document_export_csv": (200, 200),
    "reports:province": (200, 200),
    "reports:province_download": (200, 200),
    "reports:goals": (200, 200),  # Chư Prông's; the other province's officer: Ea Kar's
    "admin:reports_indicatortarget_changelist": (200, 200),
    "admin:reports_indicatortarget_change": (200, ADMIN_INDEX),
    "admin:reports_indicatorbaseline_changelist": (200, 200),
    "admin:reports_indicatorbaseline_change": (200, ADMIN_INDEX),
    # the admin: staff, with the province-wide lists (banks, topics, categories, schedules)
    "admin:index": (200, 200),
    "admin:chuprong_commune_changelist": (200, 200),  # their province's communes (none)
    "admin:chuprong_commune_change": (200, ADMIN_INDEX),
    "admin:reports_adoptionreport_changelist": (200, 200),
    # villages are the commune's records: the province's officers list none
    "admin:chuprong_village_changelist": (200, 200),
    "admin:chuprong_village_change": (ADMIN_INDEX, ADMIN_INDEX),
    "admin:reports_adoptionreport_change": (200, ADMIN_INDEX),
}
for _model in ("market_bank", "trainings_topic", "legal_library_category"):
    for _page in ("changelist", "change"):
        PROVINCE_ROWS[f"admin:{_model}_{_page}"] = (200, 200)
for _model in ("django_celery_beat_periodictask", "django_celery_beat_crontabschedule"):
    for _page in ("changelist", "change"):
        PROVINCE_ROWS[f"admin:{_model}_{_page}"] = (200, 200)


def _province_answers(row: tuple) -> tuple:
    """What the two province officers get where ``PROVINCE_ROWS`` says nothing: what every
    signed-in persona of the commune gets (a public page, a redirect, 405 for what only
    takes a POST), else 404 (everything of a commune's people and records)."""
    signed_in = set(row[1:])
    if len(signed_in) == 1:
        return (row[1], row[1])
    return (404, 404)


ALL_ROWS = {
    name: (*row, *PROVINCE_ROWS.get(name, _province_answers(row)))
    for name, row in {**TABLE, **ALLAUTH_TABLE, **ADMIN_TABLE}.items()
}


def test_every_province_row_is_a_page():
    assert set(PROVINCE_ROWS) <= set(ALL_ROWS)


# ------------------------------------------------------------------ private data
# Values that only some personas may see; no other persona's page may show them.
RESIDENT_A = "Ksor Thị Ngọc Làng A"
RESIDENT_B = "Rơ Lan Y Bíp Làng B"
RESIDENT_OTHER = "Nay Thị Blơng Xã Khác"
RESIDENT_FAR = "H'Ruê Mlô Tỉnh Khác"  # helped in another province: nobody here sees them
ACCOUNT_A = "1023456789"
ACCOUNT_B = "2023456789"
ACCOUNT_OTHER = "3023456789"
ACCOUNT_FAR = "4023456789"
PHONE_B = "0905555666"  # volunteer of village B
MARKET_B = "Chợ Làng Kte"
MARKET_OTHER = "Chợ Ia Boòng"
PRIVATE = {
    RESIDENT_A: {"volunteer", "secretary_a", "officer"},
    RESIDENT_B: {"secretary_b", "officer"},
    RESIDENT_OTHER: {"other_officer"},
    ACCOUNT_A: {"vendor", "volunteer", "secretary_a", "officer"},
    ACCOUNT_B: {"vendor_b", "secretary_b", "officer"},
    ACCOUNT_OTHER: {"other_officer"},
    PHONE_B: {"secretary_b", "officer"},
    RESIDENT_FAR: set(),
    ACCOUNT_FAR: set(),
}
# Pages that show a private value to anyone who may open them at all.
SHOWN_BY_THE_PAGE = {
    # the vendor page is public to whoever holds vendor A's key
    "market:vendor_page": {ACCOUNT_A},
}
# Officer pages that list the markets or points of the persona's villages only.
NOT_SHOWN = {
    # whom a status change may name: village A's volunteers, never village B's
    "market:vendor_status": {persona: ["Rơ Châm Thuận"] for persona in PERSONAS},
    # where a vendor may live: the market's commune, never another
    "market:vendor_new": {persona: ["Thôn Hòa Bình"] for persona in PERSONAS},
    # vendor A (village A) and vendor B (village B) are both due
    "market:followups": {
        "volunteer": ["Đặng Văn Ước", MARKET_B],
        "other_officer": ["Lê Thị Bưởi", "Đặng Văn Ước"],
    },
    "market:market_followups": {"volunteer": ["Đặng Văn Ước"], "officer": ["Đặng Văn Ước"]},
    "logins": {"other_officer": ["Rơ Châm Thuận", "Lê Thị Bưởi"], "officer": ["Siu Thị Mai"]},
    "market:market_list": {
        "volunteer": [MARKET_B, MARKET_OTHER],
        "secretary_a": [MARKET_B, MARKET_OTHER],
        "secretary_b": ["Chợ tạm Thôn 3", MARKET_OTHER],
        "other_officer": ["Chợ tạm Thôn 3", MARKET_B],
        "officer": [MARKET_OTHER],
    },
    "legal_library:stats": {
        "other_officer": ["Tủ sách pháp luật Thôn 3"],
        "officer": ["Tủ sách pháp luật Thôn Hòa Bình"],
    },
    "admin:legal_library_librarypoint_changelist": {
        "other_officer": ["Tủ sách pháp luật Thôn 3"],
        "officer": ["Tủ sách pháp luật Thôn Hòa Bình"],
    },
    "admin:market_market_changelist": {
        "other_officer": ["Chợ tạm Thôn 3", MARKET_B],
        "officer": [MARKET_OTHER],
    },
    "admin:chuprong_auditentry_changelist": {"other_officer": ["Lê Thị Bưởi"]},
    "admin:chuprong_commune_changelist": {
        "other_officer": ["chu-prong"],
        "far_province_officer": ["chu-prong"],
    },
    "reports:dashboard": {
        "province_officer": ["Ea Kar"],
        "far_province_officer": ["Chư Prông", "Thôn 3"],
    },
    "admin:reports_adoptionreport_changelist": {"far_province_officer": ["Chư Prông"]},
    "reports:province_inbox": {
        "far_province_officer": ["Chư Prông"],
        "province_officer": ["Ea Kar"],
    },
    "admin:chuprong_village_changelist": {"other_officer": ["Thôn 3", "Làng Kte"]},
}
# What the pages must show, so the checks above can fail: the data is there.
SHOWN = {
    "market:vendor_status": {"volunteer": ["Trần Thị Ánh"], "officer": ["Trần Thị Ánh"]},
    "market:vendor_new": {"volunteer": ["Làng Kte"], "officer": ["Làng Kte"]},
    "logins": {"officer": ["Rơ Châm Thuận", "Lê Thị Bưởi"], "other_officer": ["Siu Thị Mai"]},
    "volunteers:record_list": {
        "officer": [RESIDENT_A, RESIDENT_B],
        "secretary_a": [RESIDENT_A],
        "secretary_b": [RESIDENT_B],
    },
    "volunteers:volunteer_list": {"officer": [PHONE_B], "secretary_b": [PHONE_B]},
    "volunteers:follow_ups": {
        "volunteer": [RESIDENT_A],
        "secretary_a": [RESIDENT_A],
        "secretary_b": [RESIDENT_B],
        "officer": [RESIDENT_A, RESIDENT_B],
        "other_officer": [RESIDENT_OTHER],
    },
    "volunteers:resident_detail": {"officer": [RESIDENT_A]},
    "volunteers:resident_erase": {"officer": [RESIDENT_A]},
    "market:vendor_page": {persona: [ACCOUNT_A] for persona in PERSONAS},
    "market:vendor_price_tags": {p: [ACCOUNT_A] for p in ("vendor", "secretary_a", "officer")},
    "market:followups": {
        "volunteer": ["Lê Thị Bưởi"],
        "officer": ["Lê Thị Bưởi", "Đặng Văn Ước"],
        "other_officer": ["Siu Thị Mai"],
    },
    "market:market_followups": {"volunteer": ["Lê Thị Bưởi"], "officer": ["Lê Thị Bưởi"]},
    "market:market_list": {
        "volunteer": ["Chợ tạm Thôn 3"],
        "officer": ["Chợ tạm Thôn 3", MARKET_B],
        "other_officer": [MARKET_OTHER],
    },
    "legal_library:stats": {
        "officer": ["Tủ sách pháp luật Thôn 3"],
        "other_officer": ["Tủ sách pháp luật Thôn Hòa Bình"],
    },
    "admin:volunteers_assistancerecord_changelist": {
        "officer": [RESIDENT_A, RESIDENT_B],
        "other_officer": [RESIDENT_OTHER],
    },
    "admin:market_market_changelist": {"officer": [MARKET_B], "other_officer": [MARKET_OTHER]},
    "reports:dashboard": {"province_officer": ["Chư Prông"], "far_province_officer": ["Ea Kar"]},
    "admin:reports_adoptionreport_changelist": {"province_officer": ["Chư Prông"]},
    "reports:province": {
        "province_officer": ["Chư Prông", "Ia Boòng"],
        "far_province_officer": ["Ea Kar"],
    },
    "reports:province_inbox": {
        "province_officer": ["Chư Prông", "Ia Boòng"],
        "far_province_officer": ["Ea Kar"],
    },
    "admin:chuprong_commune_changelist": {"province_officer": ["chu-prong", "ia-boong"]},
    "admin:chuprong_auditentry_changelist": {"officer": ["Lê Thị Bưởi"]},
}
TEXT_TYPES = ("text/html", "application/json", "text/csv", "application/javascript")

# Pages with residents' personal data (names, phones, years of birth): never kept by a
# browser, a proxy or a shared phone (``Cache-Control: private, no-store``). Every other
# signed-in page is private at least (kit.http.PrivateByDefaultMiddleware).
PERSONAL_DATA = {
    "volunteers:visit_new",
    "volunteers:visit_sync",  # a CSRF token: never kept
    "volunteers:history",
    "volunteers:record_list",
    "volunteers:record_detail",
    "volunteers:visit_edit",
    "volunteers:visit_delete",
    "volunteers:follow_ups",  # residents' names and phones
    "volunteers:volunteer_list",
    "volunteers:volunteer_export",
    "volunteers:volunteer_import",
    "volunteers:resident_desk",
    "volunteers:resident_detail",
    "volunteers:resident_export",
    "volunteers:resident_erase",
    "trainings:skills",
    "trainings:session_detail",
    "trainings:sign_in_sheet",
    "trainings:attendance_xlsx",
    "trainings:attendance_csv",
    "trainings:attendance_import",
    "trainings:certificate",
    "market:market_detail",
    "market:market_export",
    "market:market_import",
    "market:vendor_posters",
    "market:vendor_account_add",
    "market:vendor_price_tags",
    "market:followups",  # vendors' names and phones
    "market:market_followups",
    "admin:chuprong_auditentry_changelist",
    "admin:chuprong_auditentry_change",
    "admin:volunteers_assistancerecord_changelist",
    "admin:volunteers_assistancerecord_change",
    # the link's token and who it opens: never kept anywhere
    "logins",
    "login_secretary_create",
    "login_handover",
    "login_handover_qr",
    "sign_in_link",
}
# The same bytes for everyone, signed in or not: may be kept by shared caches.
SAME_FOR_EVERYONE = {
    "legal_library:service_worker",
    "volunteers:service_worker",
    "volunteers:manifest",
    "legal_library:offline",
    # a published document's reading: the same bytes whoever plays it, so a signed-in
    # volunteer's phone keeps it offline too (an unpublished one's, in a preview, is private)
    "legal_library:audio",
}


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    """Every named page of the project, without the admin's and allauth's own."""
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if pattern.namespace == "admin" or module.startswith("allauth."):
                continue
            names |= _names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"an unnamed page: {pattern.pattern}"
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_page_has_a_row():
    assert _names(get_resolver()) == set(TABLE)


def test_every_admin_model_of_officers_has_rows(officer):
    """A model an officer can open in the admin has a changelist and a change row."""
    seen = {
        f"{model._meta.app_label}_{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if officer.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    }
    assert seen == set(ADMIN_MODELS)


# ------------------------------------------------------------------ personas and objects


def _vendor(market, user, full_name, account_number):
    """A vendor cashless for 40 days, never followed up: due on the follow-up lists."""
    vendor = vendor_register(
        market=market,
        full_name=full_name,
        stall="A01",
        status=Vendor.Status.CASHLESS,
        at=timezone.now() - datetime.timedelta(days=40),
        accounts=[
            AccountData(
                bank=Bank.objects.get(bin="970436"),
                account_number=account_number,
                holder_name=full_name,
                holder_confirmed=True,
            )
        ],
        actor=None,
    )
    if user is not None:
        vendor.user = user
        vendor.save(update_fields=["user"])
    return vendor


@pytest.fixture
def objects(
    commune,
    village_a,
    village_b,
    other_village,
    far_village,
    officer,
    vendor,
    vendor_b,
    volunteer,
    volunteer_a,
    volunteer_b,
    campaign,
    session_a,
    settings,
    tmp_path,
):
    """What every row's address needs, in village A; the same kinds elsewhere to not show."""
    settings.MEDIA_ROOT = tmp_path
    settings.PORTAL_AREA = "Gia Lai"  # the header names the province: a commune's name is data
    # volunteers: a record in each village, and one in the other commune, each with a
    # service to follow up
    services = {"vneid_activated": "done", "fee_paid": "follow_up"}
    record = AssistanceRecordFactory(
        village=village_a,
        volunteers=[volunteer_a],
        recorded_by=volunteer,
        campaign=campaign,
        resident_name=RESIDENT_A,
        services=services,
    )
    AssistanceRecordFactory(
        village=village_b, volunteers=[volunteer_b], resident_name=RESIDENT_B, services=services
    )
    AssistanceRecordFactory(
        village=other_village,
        volunteers=[VolunteerFactory(village=other_village)],
        resident_name=RESIDENT_OTHER,
        services=services,
    )
    AssistanceRecordFactory(
        village=far_village,
        volunteers=[VolunteerFactory(village=far_village)],
        resident_name=RESIDENT_FAR,
        services=services,
    )
    # trainings
    attendance = AttendanceFactory(session=session_a, volunteer=volunteer_a)
    # market: a market in each village (and the other commune), a vendor at each
    market_a = market_create(village=village_a, name="Chợ tạm Thôn 3", actor=None)
    market_b = market_create(village=village_b, name=MARKET_B, actor=None)
    market_other = market_create(village=other_village, name=MARKET_OTHER, actor=None)
    vendor_a_stall = _vendor(market_a, vendor, "Lê Thị Bưởi", ACCOUNT_A)
    vendor_b_stall = _vendor(market_b, vendor_b, "Đặng Văn Ước", ACCOUNT_B)
    _vendor(market_other, None, "Siu Thị Mai", ACCOUNT_OTHER)
    market_far = market_create(village=far_village, name="Chợ Ea Kar", actor=None)
    _vendor(market_far, None, "Y Bhiông Ea Kar", ACCOUNT_FAR)
    # legal library: a point in village A and in the other commune, a document
    category = Category.objects.get(slug="hon-nhan-gia-dinh")
    document = library_services.document_save(
        document=Document(
            title="Luật Hôn nhân và gia đình",
            summary="Điều kiện kết hôn.",
            body="Hai bên **tự nguyện**.",
            published=True,
        ),
        categories=[category],
        actor=None,
    )
    document.attachment.save("luat.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    document.save(update_fields=["attachment"])
    demo_tone = settings.BASE_DIR / "legal_library/demo_media/demo-tone-1.mp3"
    audio = library_services.audio_save(
        audio=DocumentAudio(
            document=document, file=ContentFile(demo_tone.read_bytes(), name="doc.mp3")
        ),
        actor=None,
    )
    point_a = library_services.point_create(
        village=village_a, name="Tủ sách pháp luật Thôn 3", code="T03", actor=None
    )
    point_other = library_services.point_create(
        village=other_village, name="Tủ sách pháp luật Thôn Hòa Bình", code="IB01", actor=None
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PointDailyCount.objects.create(point=point_a, day=yesterday, visits=7)
    PointDailyCount.objects.create(point=point_other, day=yesterday, visits=5)
    # reports: one of commune A, made
    today = timezone.localdate()
    # made (its files written: 1.4 s) only by the rows that read it (test_access)
    report = report_request(
        commune=commune, period_kind="custom", start=today, end=today, actor=None
    )
    periodic = PeriodicTask.objects.first() or PeriodicTask.objects.create(
        name="thử",
        task="reports.tasks.monthly_reports",
        interval=None,
        crontab=CrontabSchedule.objects.create(),
    )
    account_a = vendor_a_stall.accounts.get()
    # an account of village A that the officer made, with its one-time link out
    handed_over = core_services.login_create(
        role=Role.VOLUNTEER, full_name="Y Nhứ", village=village_a, actor=officer
    )
    link = core_services.sign_in_link_issue(user=handed_over, actor=officer)
    return {
        # chuprong
        "commune_detail": {"slug": commune.slug},
        "province_detail": {"slug": commune.province.slug},
        "set_language": {"code": "en"},
        # market
        "vendor_page": {"token": vendor_a_stall.token},
        "vendor_qr": {"token": vendor_a_stall.token, "fmt": "svg"},
        "account_qr": {"token": vendor_a_stall.token, "account_id": account_a.pk, "fmt": "png"},
        "market_detail": {"pk": market_a.pk},
        "market_posters": {"pk": market_a.pk},
        "market_export": {"pk": market_a.pk},
        "market_import": {"pk": market_a.pk},
        "market_followups": {"pk": market_a.pk},
        "vendor_posters": {"pk": vendor_a_stall.pk},
        "vendor_account_add": {"pk": vendor_a_stall.pk},
        "vendor_new": {"pk": market_a.pk},
        "vendor_workspace": {"pk": vendor_a_stall.pk},
        "vendor_handover": {"pk": vendor_a_stall.pk},
        "vendor_status": {"pk": vendor_a_stall.pk},
        "vendor_reissue": {"pk": vendor_a_stall.pk},
        "vendor_ceiling": {"pk": vendor_a_stall.pk},
        "vendor_price_tags": {"pk": vendor_a_stall.pk},
        # legal library
        "point": {"code": point_a.code},
        "poster": {"code": point_a.code},
        "point_category": {"code": point_a.code, "category": category.slug},
        "document": {"slug": document.slug},
        "attachment": {"slug": document.slug},
        "audio": {"slug": document.slug, "pk": audio.pk},
        # sign-in accounts
        "login_volunteer_create": {"pk": volunteer_b.pk},
        "login_vendor_create": {"pk": vendor_a_stall.pk},
        "login_link_issue": {"pk": handed_over.pk},
        "login_handover": {"pk": handed_over.pk},
        "login_handover_qr": {"pk": handed_over.pk},
        "sign_in_link": {"uidb64": link.uidb64, "token": link.token},
        # volunteers, trainings, reports
        "detail": {"pk": report.pk},
        "status": {"pk": report.pk},
        "download": {"pk": report.pk, "fmt": "xlsx"},
        "send": {"pk": report.pk},
        "public_commune": {"slug": commune.slug},
        "public_province": {"slug": commune.province.slug},
        "receive": {"pk": report.pk},
        "record_detail": {"pk": record.pk},
        "visit_edit": {"pk": record.pk},
        "visit_delete": {"pk": record.pk},
        "follow_up_close": {"pk": record.services.get(service="fee_paid").pk},
        "resident_detail": {"pk": record.pk},
        "resident_export": {"pk": record.pk},
        "resident_erase": {"pk": record.pk},
        "campaign_detail": {"pk": campaign.pk},
        "verify": {"code": attendance.certificate_code},
        "check_in": {"code": session_a.checkin_code},
        "certificate": {"pk": attendance.pk},
        "attendance_remove": {"pk": session_a.pk, "attendance_pk": attendance.pk},
        "session": {"pk": session_a.pk},
        # the admin: an object of commune A, or a shared one
        "admin": {
            "chuprong_commune": commune,
            "chuprong_village": village_a,
            "reports_adoptionreport": report,
            "reports_indicatortarget": target_set(
                commune=commune,
                indicator="market.cashless_share",
                year=today.year,
                value=Decimal(70),
                actor=None,
            ),
            "reports_indicatorbaseline": baseline_set(
                commune=commune,
                indicator="library.points_active",
                value=Decimal(8),
                as_of=datetime.date(2023, 6, 1),
                actor=None,
            ),
            "chuprong_auditentry": audit.record(actor=officer, obj=vendor_a_stall, before=None),
            "market_bank": account_a.bank,
            "market_market": market_a,
            "market_vendor": vendor_a_stall,
            "legal_library_category": category,
            "legal_library_document": document,
            "legal_library_issuer": Issuer.objects.get(name="Quốc hội"),
            "legal_library_librarypoint": point_a,
            "volunteers_volunteer": volunteer_a,
            "volunteers_campaign": campaign,
            "volunteers_assistancerecord": record,
            "trainings_topic": Topic.objects.first() or session_a.topic,
            "trainings_trainingsession": session_a,
            "django_celery_beat_periodictask": periodic,
            "django_celery_beat_crontabschedule": CrontabSchedule.objects.first(),
        },
        # fields of the expected redirects
        "fmt": {"token_a": vendor_a_stall.token, "token_b": vendor_b_stall.token},
    }


def _url(name: str, objects) -> str:
    if name.startswith("admin:") and name.endswith("_change"):
        model = name.removeprefix("admin:").removesuffix("_change")
        return reverse(name, args=[objects["admin"][model].pk])
    short = name.split(":")[-1]
    if short in objects:
        return reverse(name, kwargs=objects[short])
    if name.startswith("trainings:") and short.startswith(
        ("session_detail", "attendance", "checkin_", "sign_in")
    ):
        return reverse(name, kwargs=objects["session"])
    return reverse(name)


def _text(response) -> str | None:
    content_type = response.get("Content-Type", "")
    if not content_type.startswith(TEXT_TYPES):
        return None
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def page_objects(request, objects):
    """``objects``, with the report made for the rows that read it."""
    name = request.node.callspec.params["name"]
    if name.startswith("reports:") or "adoptionreport" in name:
        report_generate(report_id=objects["admin"]["reports_adoptionreport"].pk)
    return objects


@pytest.mark.parametrize("name", sorted(ALL_ROWS))
def test_access(client, request, page_objects, name):
    objects = page_objects
    url = _url(name, objects)
    for persona, expected in zip(PERSONAS, ALL_ROWS[name], strict=True):
        where = f"{name} ({url}) as {persona}"
        client.logout()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        response = client.get(url)
        if isinstance(expected, To):
            assert response.status_code == 302, where
            assert response["Location"].split("?")[0] == expected.format(**objects["fmt"]), where
            continue
        assert response.status_code == expected, where
        if expected == 302:
            assert response["Location"].startswith(SIGN_IN), where
        if expected != 200:
            continue
        caching = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
        if name in PERSONAL_DATA:
            assert {"private", "no-store"} <= caching, f"{where}: Cache-Control {caching}"
        elif persona != "anonymous" and name not in SAME_FOR_EVERYONE:
            assert caching & {"private", "no-store"}, f"{where}: Cache-Control {caching}"
        text = _text(response)
        if text is None:
            continue
        for value, allowed in PRIVATE.items():
            if persona not in allowed and value not in SHOWN_BY_THE_PAGE.get(name, ()):
                assert value not in text, f"{where}: shows {value!r}"
        for value in NOT_SHOWN.get(name, {}).get(persona, ()):
            assert value not in text, f"{where}: shows {value!r}"
        for value in SHOWN.get(name, {}).get(persona, ()):
            assert value in text, f"{where}: does not show {value!r}"


# A volunteer of village B (the same commune) finds nothing of village A's market: the
# workspace is the market's village's. The eight personas above have one volunteer.
OTHER_VILLAGE_VOLUNTEER = {
    name: 404 for name, row in TABLE.items() if row in (WORKSPACE, VILLAGE_A_MARKET)
} | {
    "market:vendor_reissue": 405,
    # another volunteer's visit: nothing to correct or delete
    "volunteers:visit_edit": 404,
    "volunteers:visit_delete": 404,
}


# A session of village A's branch (planned by its secretary): its pages are the
# secretary's of village A and the commune's officer's, never village B's secretary's
# (``session_a`` above is commune-wide: the officers' alone).
VILLAGE_SESSION = {
    name: VILLAGE_A
    for name, row in TABLE.items()
    if name.startswith("trainings:") and row == SESSION
} | {
    # the certificate of a volunteer present: its holder, the branch's secretary, the officer
    "trainings:certificate": (302, 404, 404, 200, 200, 404, 404, 200),
}


def test_the_village_session_rows_cover_the_session_pages():
    """Built from the table: a new page of a session (SESSION) gets a row here by itself;
    the POST-only ones (the sheet, a removal) are tested in tests/trainings."""
    assert {"trainings:session_detail", "trainings:attendance_import"} <= set(VILLAGE_SESSION)


@pytest.fixture
def village_session(objects, village_a, volunteer_a):
    from tests.trainings.factories import TrainingSessionFactory

    session = TrainingSessionFactory(commune=village_a.commune, village=village_a)
    attendance = AttendanceFactory(session=session, volunteer=volunteer_a)
    return {"session": {"pk": session.pk}, "certificate": {"pk": attendance.pk}}


@pytest.mark.parametrize("name", sorted(VILLAGE_SESSION))
def test_a_village_session(client, request, objects, village_session, name):
    url = _url(name, {**objects, **village_session})
    for persona, expected in zip(COMMUNE_PERSONAS, VILLAGE_SESSION[name], strict=True):
        client.logout()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        response = client.get(url)
        assert response.status_code == expected, f"{name} ({url}) as {persona}"
        if expected == 302:
            assert response["Location"].startswith(SIGN_IN)


@pytest.fixture
def volunteer_of_b(village_b, volunteer_b):
    """A volunteer of village B signed in: the roster entry ``volunteer_b`` is theirs."""
    user = UserFactory(
        username="tinhnguyen_b",
        full_name=volunteer_b.full_name,
        role=Role.VOLUNTEER,
        village=village_b,
        commune=village_b.commune,
    )
    volunteer_b.user = user
    volunteer_b.save(update_fields=["user"])
    return user


def test_the_other_village_volunteer_has_a_row_for_each_workspace_page():
    assert {"market:vendor_new", "market:vendor_status"} <= set(OTHER_VILLAGE_VOLUNTEER)


@pytest.mark.parametrize("name", sorted(OTHER_VILLAGE_VOLUNTEER))
def test_a_volunteer_of_another_village(client, objects, volunteer_of_b, name):
    client.force_login(volunteer_of_b)
    assert client.get(_url(name, objects)).status_code == OTHER_VILLAGE_VOLUNTEER[name]


def test_a_volunteer_of_another_village_sees_their_own_market_only(client, objects, volunteer_of_b):
    client.force_login(volunteer_of_b)
    text = client.get(reverse("market:market_list")).content.decode()
    assert MARKET_B in text
    assert "Chợ tạm Thôn 3" not in text and MARKET_OTHER not in text


def test_a_volunteer_of_another_village_follows_up_their_own_village(
    client, objects, volunteer_of_b
):
    client.force_login(volunteer_of_b)
    text = client.get(reverse("volunteers:follow_ups")).content.decode()
    assert RESIDENT_B in text
    assert RESIDENT_A not in text and RESIDENT_OTHER not in text


def test_closing_a_follow_up_of_another_village_or_commune_answers_404(
    client, objects, volunteer_of_b, other_officer, secretary_b
):
    url = _url("volunteers:follow_up_close", objects)
    for user in (volunteer_of_b, other_officer, secretary_b):
        client.force_login(user)
        assert client.post(url).status_code == 404, user.username


def test_another_communes_officer_never_sees_the_object_in_the_admin(
    client, objects, other_officer
):
    """The admin answers a missing object with its index and a message; nothing of the object."""
    client.force_login(other_officer)
    record = objects["admin"]["volunteers_assistancerecord"]
    response = client.get(
        reverse("admin:volunteers_assistancerecord_change", args=[record.pk]), follow=True
    )
    assert response.redirect_chain == [("/admin/", 302)]
    text = response.content.decode()
    assert "doesn\u2019t exist" in text or "không tồn tại" in text
    assert RESIDENT_A not in text
