"""``manage.py seed_scale``: a synthetic province, for the report benchmarks only.

Everything it writes is made up: no real person, phone, vendor or document. It is
benchmark data, refused with DEBUG off unless ``--force``. At the default sizes it
writes 135 communes, 4,000 villages, 30,000 market vendors, 2,000,000 assistance
records (with their services and volunteers) and 5,000,000 daily visit counts of
the legal library points, plus volunteers, campaigns, training sessions and
attendance, documents and their daily read counts (see ``--help``).

It bypasses the services on purpose: they validate and audit one row at a time,
which would take hours at this size. The generator keeps every constraint of the
models itself (unique codes, tokens and stalls, one service of a kind per record,
one count per day and point, campaign dates, ...).

Namespaced: its communes are in the province ``PROVINCE`` with codes SEED001...,
its documents and categories have slugs starting with ``SLUG_PREFIX`` and its
library points codes starting with ``SEED-``. A second run refuses while that
province exists; ``--reset`` first deletes the synthetic province's data, and only it;
``--if-missing`` leaves it as it is (``make bench-reports``).

Fast: on PostgreSQL the big tables (assistance records, services given, the
record–volunteer links, the daily counts) are streamed with ``COPY ... FROM STDIN``
in chunks of ``--batch`` rows, into ids reserved ahead from the table's sequence;
elsewhere (SQLite) the same rows go through ``executemany``. Smaller tables (tens of
thousands of rows at most) use ``bulk_create``. Memory stays bounded: a big table is
never held whole, one chunk at a time. Records and daily counts are written day after
day, so ids follow dates as in a table filled by real use. On PostgreSQL it ends with
``VACUUM (ANALYZE)`` of the tables it wrote.

Deterministic: ``--seed`` decides every size, name, date and link (dates relative to
today); only the secret page keys and check-in/certificate codes come from ``secrets``.
"""

import contextlib
import csv
import datetime as dt
import io
import random
import time
from dataclasses import dataclass, field
from itertools import accumulate

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone

from core.models import Commune, Province, User, Village
from kit.text import words
from legal_library.models import (
    Category,
    Document,
    DocumentDailyCount,
    DocumentRevision,
    LibraryPoint,
    PointDailyCount,
    PointDocument,
)
from legal_library.rendering import plain_text, render_markdown
from legal_library.services import issuer_for_name, pages_changed
from market.models import Bank, Market, PaymentAccount, Vendor, VendorStatusChange
from market.services import bank_style_name, new_token
from trainings.models import Attendance, Topic, TrainingSession
from volunteers.models import (
    AssistanceRecord,
    Campaign,
    Outcome,
    Service,
    ServiceGiven,
    Volunteer,
)

PROVINCE = "Tỉnh mẫu (dữ liệu thử)"
CODE_PREFIX = "SEED"
POINT_PREFIX = "SEED-"
SLUG_PREFIX = "tinh-mau-du-lieu-thu-"
HISTORY_DAYS = 548  # 18 months, the span of records, status changes, sessions and reads

DEFAULTS = {
    "communes": 135,
    "villages": 4_000,
    "vendors": 30_000,
    "records": 2_000_000,
    "scans": 5_000_000,
    "documents": 200,
}
POINT_SHARE = 1.0  # default library points: one in every village (the program's goal)
MARKETS_PER_COMMUNE = 2
VOLUNTEERS_PER_VILLAGE = 10
CAMPAIGNS_PER_COMMUNE = 3
SESSIONS_PER_COMMUNE = 20
ORM_BATCH = 2_000

FAMILY = (
    *("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"),
    *("Dương", "Võ", "Đinh", "Trương", "Rơ Mah", "Siu", "Ksor", "Kpă", "Rơ Châm", "Nay", "Puih"),
)
MIDDLE = ("Văn", "Thị", "Minh", "Hữu", "Thanh", "Ngọc", "Đức", "Quốc", "Thu", "Y", "")
GIVEN = (
    *("An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh", "Lan"),
    *("Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Nhung", "Phúc", "Phương", "Quang"),
    *("Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Trang", "Tuấn", "Vy", "Yến", "Bia", "Blơi", "Nhi"),
    *("Thuận", "Hyơn", "Djuin", "Mlô", "Byă"),
)
HONORIFIC = ("Ông", "Bà", "Anh", "Chị", "Em", "Cô", "Chú")
LANG_NAMES = (
    *("Kte", "Klăh", "Grôn", "Bang", "Bàu", "Dư", "Jút", "Kênh", "Sơn", "Mrông", "Phăm", "Tung"),
    *("Pleo", "Bông", "Bia", "Ia Kdam", "Ia Pia", "Ia Băng", "Ia Ga", "Ơi", "Me", "Bồ", "Rbai"),
)
GOODS = (
    "Rau củ",
    "Thịt heo",
    "Cá",
    "Tạp hóa",
    "Trái cây",
    "Quần áo",
    "Gạo",
    "Bánh kẹo",
    "Cà phê",
    "Hàng khô",
    "Gà vịt",
    "Đồ gia dụng",
)
CAMPAIGN_NAMES = (
    "Từng ngõ, gõ từng nhà, rà từng người",
    "Tháng thanh niên",
    "Chiến dịch tình nguyện hè",
    "Phủ sóng VNeID",
    "Chợ không tiền mặt",
    "Ngày hội chuyển đổi số",
)
DOC_NUMBER = {
    "constitution": "",
    "code": "QH15",
    "law": "QH15",
    "resolution": "NQ-HĐND",
    "ordinance": "UBTVQH15",
    "directive": "CT-UBND",
    "official_letter": "UBND-VP",
    "decree": "NĐ-CP",
    "circular": "TT-BTTTT",
    "decision": "QĐ-UBND",
    "guidance": "HD-UBND",
    "leaflet": "",
}
DOC_SUBJECTS = (
    "hôn nhân và gia đình",
    "đất đai",
    "an toàn giao thông",
    "phòng, chống tảo hôn",
    "dịch vụ công trực tuyến",
    "an ninh mạng",
    "định danh điện tử",
    "thanh toán không dùng tiền mặt",
)
SYNTHETIC_CATEGORIES = (
    "Hôn nhân và gia đình",
    "Đất đai",
    "An toàn giao thông",
    "Dịch vụ công trực tuyến",
    "An ninh mạng",
    "Thanh toán không dùng tiền mặt",
)

# Shares, as lookup tables: one ``rng.randrange(len(table))`` picks a value.
STATUS_TABLE = ["not_yet"] * 3 + ["onboarding"] + ["cashless"] * 6  # ~30/10/60 %
ACCOUNT_SHARE = {"cashless": 1.0, "onboarding": 0.8, "not_yet": 0.4}  # ~80 % in all
SERVICES_PER_RECORD = [1] * 11 + [2] * 6 + [3] * 3  # 55/30/15 %
OUTCOME_TABLE = (
    [Outcome.DONE.value] * 16 + [Outcome.REFERRED.value] * 2 + [Outcome.FOLLOW_UP.value] * 2
)
SERVICE_VALUES = [s.value for s in Service]
KIND_TABLE = ["class"] * 10 + ["practice"] * 7 + ["webinar"] * 3
METHOD_TABLE = ["qr"] * 6 + ["sheet"] * 3 + ["import"]


def _sizes(options) -> dict[str, int]:
    scale = options["scale"]
    if not scale > 0:
        raise CommandError("--scale must be greater than 0.")
    sizes = {}
    for name, default in DEFAULTS.items():
        value = options[name]
        sizes[name] = max(1, round(default * scale)) if value is None else value
    points = options["points"]
    sizes["points"] = max(1, round(sizes["villages"] * POINT_SHARE)) if points is None else points
    if any(value < 0 for value in sizes.values()):
        raise CommandError("Sizes cannot be negative.")
    if sizes["communes"] < 1:
        raise CommandError("--communes must be at least 1.")
    if sizes["villages"] < sizes["communes"]:
        raise CommandError("Every commune needs a village: --villages must be >= --communes.")
    if sizes["scans"] and not sizes["points"]:
        raise CommandError("Daily visit counts (--scans) need library points (--points).")
    return sizes


def _reserve(model: type[Model], count: int) -> int:
    """The first of ``count`` consecutive ids of ``model`` that nothing else will take.

    PostgreSQL: the table's identity sequence is moved past the block first, so a
    concurrent insert takes an id after it (``setval`` is not rolled back: a failed
    run leaves a gap, nothing worse). SQLite: one writer at a time; past the largest
    id ever used.
    """
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT setval(%s, GREATEST(COALESCE(MAX({quote(pk)}), 0), "  # noqa: S608
                f"COALESCE(pg_sequence_last_value(%s::regclass), 0)) + %s) FROM {quote(table)}",
                [sequence, sequence, max(count, 1)],
            )
            return cursor.fetchone()[0] - max(count, 1) + 1
        cursor.execute(f"SELECT COALESCE(MAX({quote(pk)}), 0) FROM {quote(table)}")  # noqa: S608
        largest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        return max(largest, row[0] if row else 0) + 1


def _delete(queryset: QuerySet) -> int:
    """Delete the rows of ``queryset`` in one statement.

    Django's ``delete()`` would load every id to cascade by hand (millions here);
    the callers delete the children first instead.
    """
    model = queryset.model
    quote = connection.ops.quote_name
    subquery, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608 - our names only
            f"WHERE {quote(model._meta.pk.column)} IN ({subquery})",
            params,
        )
        return cursor.rowcount


class Table:
    """Appends generated rows (tuples in ``columns`` order) to one table, timed.

    PostgreSQL: ``COPY ... FROM STDIN`` in CSV, where an empty value of a nullable
    column is NULL and of any other column an empty string (``FORCE_NOT_NULL``).
    Elsewhere: ``executemany`` of values prepared by the model fields.
    """

    def __init__(self, model: type[Model], columns: list[str], label: str):
        self.model, self.label = model, label
        self.fields = [model._meta.get_field(name) for name in columns]
        self.rows, self.seconds = 0, 0.0
        self.copy = connection.vendor == "postgresql"
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(f.column) for f in self.fields)
        if self.copy:
            options = "FORMAT csv"
            not_null = [quote(f.column) for f in self.fields if not f.null]
            if not_null:
                options += f", FORCE_NOT_NULL ({', '.join(not_null)})"
            self.sql = f"COPY {table} ({names}) FROM STDIN WITH ({options})"
        else:
            marks = ", ".join(["%s"] * len(self.fields))
            self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        start = time.perf_counter()
        with connection.cursor() as cursor:
            if self.copy:
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator="\n").writerows(rows)
                buffer.seek(0)
                cursor.copy_expert(self.sql, buffer, 1 << 20)
            else:
                preps = [f.get_db_prep_save for f in self.fields]
                cursor.executemany(
                    self.sql,
                    [
                        tuple(
                            prep(value, connection) for prep, value in zip(preps, row, strict=True)
                        )
                        for row in rows
                    ],
                )
        connection.queries_log.clear()  # DEBUG=1 keeps every query otherwise
        self.rows += len(rows)
        self.seconds += time.perf_counter() - start


@dataclass
class Step:
    label: str
    rows: int = 0
    seconds: float = 0.0


@dataclass
class VillageInfo:
    id: int
    commune: int  # index in Seeder.communes
    name: str
    volunteers: list[int] = field(default_factory=list)
    # (campaign id, first day index, last day index) of the campaigns covering it
    campaigns: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass
class CommuneInfo:
    id: int
    name: str
    villages: list[int] = field(default_factory=list)  # indexes in Seeder.villages
    # (id, village id, full name, phone) of its volunteers
    volunteers: list[tuple[int, int, str, str]] = field(default_factory=list)


@dataclass
class _RecordRows:
    """The assistance records (and their services and volunteers) not yet written."""

    records: list[tuple] = field(default_factory=list)
    services: list[tuple] = field(default_factory=list)
    links: list[tuple] = field(default_factory=list)

    def write(self, records: Table, services: Table, links: Table) -> None:
        records.write(self.records)
        services.write(self.services)
        links.write(self.links)
        self.records, self.services, self.links = [], [], []


class Seeder:
    def __init__(self, sizes: dict[str, int], *, seed: int, batch: int, write):
        self.sizes, self.batch, self.write = sizes, batch, write
        self.rng = random.Random(seed)
        self.steps: list[Step] = []
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.tz = timezone.get_current_timezone()
        first = self.today - dt.timedelta(days=HISTORY_DAYS - 1)
        self.days = [first + dt.timedelta(days=i) for i in range(HISTORY_DAYS)]
        self.day_text = [day.isoformat() for day in self.days]
        self.mornings = [dt.datetime.combine(day, dt.time(7), tzinfo=self.tz) for day in self.days]
        self.communes: list[CommuneInfo] = []
        self.villages: list[VillageInfo] = []

    # ----------------------------------------------------------------- helpers
    @contextlib.contextmanager
    def step(self, label: str):
        step = Step(label)
        start = time.perf_counter()
        yield step
        step.seconds = time.perf_counter() - start
        self.steps.append(step)
        self.write(f"  {label:<32} {step.rows:>12,} rows {step.seconds:>8.1f} s")
        connection.queries_log.clear()

    def progress(self, label: str, done: int, total: int, start: float) -> None:
        self.write(f"    … {label}: {done:,}/{total:,} ({time.perf_counter() - start:.0f} s)")

    def person(self) -> str:
        rng = self.rng
        return " ".join(p for p in (rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)) if p)

    def phone(self) -> str:
        return f"0{self.rng.choice('3789')}{self.rng.randrange(10**8):08d}"

    def moment(self, first: int = 0) -> dt.datetime:
        """A daytime moment from day index ``first`` to yesterday: always past, and the
        same for the same seed whatever the time of day the command runs."""
        day = self.rng.randrange(first, HISTORY_DAYS - 1)
        return self.mornings[day] + dt.timedelta(seconds=self.rng.randrange(12 * 3600))

    def day_index(self, moment: dt.datetime) -> int:
        return max(0, (timezone.localdate(moment, self.tz) - self.days[0]).days)

    # -------------------------------------------------------------- the run
    def run(self) -> None:
        self.places()
        self.market()
        self.volunteers()
        self.campaigns()
        self.trainings()
        self.records()
        self.library()
        pages_changed()

    def places(self) -> None:
        rng, sizes = self.rng, self.sizes
        with self.step("communes") as step:
            province, _created = Province.objects.get_or_create(
                name=PROVINCE, defaults={"slug": SLUG_PREFIX + "province"}
            )
            first = _reserve(Commune, sizes["communes"])
            rows = []
            for i in range(sizes["communes"]):
                code = f"{CODE_PREFIX}{i + 1:03d}"
                rows.append(
                    Commune(
                        id=first + i,
                        name=f"Xã mẫu {i + 1:03d}",
                        slug=f"{SLUG_PREFIX}{code.lower()}",
                        province=province,
                        code=code,
                        intro="Xã tổng hợp để đo hiệu năng báo cáo: dữ liệu thử, không có thật.",
                    )
                )
                self.communes.append(CommuneInfo(id=first + i, name=rows[-1].name))
            Commune.objects.bulk_create(rows, batch_size=ORM_BATCH)
            step.rows = len(rows)

        with self.step("villages") as step:
            counts = [1] * len(self.communes)
            weights = [rng.uniform(0.5, 1.5) for _ in self.communes]
            extra = sizes["villages"] - len(self.communes)
            for index in rng.choices(range(len(self.communes)), weights, k=extra):
                counts[index] += 1
            first = _reserve(Village, sizes["villages"])
            rows = []
            for ci, commune in enumerate(self.communes):
                thon = lang = 0
                names = set()
                for position in range(1, counts[ci] + 1):
                    if rng.random() < 0.35:
                        lang += 1
                        kind, code = Village.Kind.LANG, f"L{lang:02d}"
                        name = f"Làng {rng.choice(LANG_NAMES)}"
                        if name in names:
                            name = f"{name} {lang}"
                    else:
                        thon += 1
                        kind, code, name = Village.Kind.THON, f"T{thon:02d}", f"Thôn {thon}"
                    names.add(name)
                    village_id = first + len(rows)
                    rows.append(
                        Village(
                            id=village_id,
                            commune_id=commune.id,
                            kind=kind,
                            code=code,
                            name=name,
                            position=position,
                        )
                    )
                    commune.villages.append(len(self.villages))
                    self.villages.append(VillageInfo(id=village_id, commune=ci, name=name))
            Village.objects.bulk_create(rows, batch_size=ORM_BATCH)
            step.rows = len(rows)

    def market(self) -> None:
        rng, sizes = self.rng, self.sizes
        with self.step("markets") as step:
            first = _reserve(Market, len(self.communes) * MARKETS_PER_COMMUNE)
            markets = []  # (id, commune index, village index)
            rows = []
            for ci, commune in enumerate(self.communes):
                for k in range(MARKETS_PER_COMMUNE):
                    vi = rng.choice(commune.villages)
                    village = self.villages[vi]
                    name = f"Chợ {village.name}" + (f" ({k + 1})" if k else "")
                    rows.append(
                        Market(
                            id=first + len(rows),
                            village_id=village.id,
                            name=f"{name}, {commune.name}",
                            address=f"{village.name}, {commune.name}, {PROVINCE}",
                        )
                    )
                    markets.append((rows[-1].id, ci, vi))
            Market.objects.bulk_create(rows, batch_size=ORM_BATCH)
            step.rows = len(rows)

        banks = list(Bank.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
        if sizes["vendors"] and not banks:
            raise CommandError("The bank directory is empty: run `manage.py migrate` first.")
        bank_weights = [1 / (rank + 1) for rank in range(len(banks))]  # a few big banks

        with self.step("vendors") as step:
            first = _reserve(Vendor, sizes["vendors"])
            stalls = [0] * len(markets)
            vendors, changes, accounts = [], [], []
            for i in range(sizes["vendors"]):
                mi = rng.randrange(len(markets))
                market_id, ci, vi = markets[mi]
                if rng.random() < 0.3:
                    vi = rng.choice(self.communes[ci].villages)
                stall = ""
                if rng.random() < 0.9:
                    stalls[mi] += 1
                    stall = f"K{stalls[mi]:04d}"
                status = STATUS_TABLE[rng.randrange(len(STATUS_TABLE))]
                registered = self.moment()
                changed = registered
                if status != "not_yet":
                    changed = max(registered, self.moment(self.day_index(registered)))
                full_name = self.person()
                vendor_id = first + i
                vendors.append(
                    Vendor(
                        id=vendor_id,
                        market_id=market_id,
                        full_name=full_name,
                        stall=stall,
                        goods=rng.choice(GOODS),
                        phone=self.phone() if rng.random() < 0.5 else "",
                        village_id=self.villages[vi].id,
                        status=status,
                        status_changed_at=changed,
                        onboarded_by="Tổ công nghệ số cộng đồng" if status != "not_yet" else "",
                        token=new_token(),
                        token_issued_at=registered,
                    )
                )
                # As vendor_register does: the status at registration, then the change.
                changes.append(
                    VendorStatusChange(vendor_id=vendor_id, status="not_yet", changed_at=registered)
                )
                if status != "not_yet":
                    changes.append(
                        VendorStatusChange(vendor_id=vendor_id, status=status, changed_at=changed)
                    )
                if rng.random() < ACCOUNT_SHARE[status]:
                    accounts.append(
                        PaymentAccount(
                            vendor_id=vendor_id,
                            bank_id=rng.choices(banks, bank_weights)[0],
                            account_number=str(rng.randrange(10**9, 10**13)),
                            holder_name=bank_style_name(full_name),
                            is_primary=True,
                            holder_confirmed=status == "cashless",
                        )
                    )
            Vendor.objects.bulk_create(vendors, batch_size=ORM_BATCH)
            # auto_now fields were stamped now: date them like the history.
            Vendor.objects.filter(pk__gte=first, pk__lt=first + len(vendors)).update(
                created_at=F("token_issued_at"), updated_at=F("status_changed_at")
            )
            step.rows = len(vendors)
        with self.step("vendor status changes") as step:
            VendorStatusChange.objects.bulk_create(changes, batch_size=ORM_BATCH)
            step.rows = len(changes)
        with self.step("payment accounts") as step:
            PaymentAccount.objects.bulk_create(accounts, batch_size=ORM_BATCH)
            step.rows = len(accounts)

    def volunteers(self) -> None:
        rng = self.rng
        with self.step("volunteers") as step:
            first = _reserve(Volunteer, len(self.villages) * VOLUNTEERS_PER_VILLAGE)
            rows = []
            for village in self.villages:
                phones = set()
                for k in range(VOLUNTEERS_PER_VILLAGE):
                    role = ("secretary", "deputy")[k] if k < 2 else "member"
                    phone = ""
                    if rng.random() < 0.7:
                        while not phone or phone in phones:
                            phone = self.phone()
                        phones.add(phone)
                    volunteer = Volunteer(
                        id=first + len(rows),
                        village_id=village.id,
                        full_name=self.person(),
                        phone=phone,
                        branch_role=role,
                        on_tech_team=rng.random() < 0.3,
                        joined_on=self.today - dt.timedelta(days=rng.randrange(3 * 365)),
                        active=rng.random() < 0.9,
                    )
                    rows.append(volunteer)
                    village.volunteers.append(volunteer.id)
                    self.communes[village.commune].volunteers.append(
                        (volunteer.id, village.id, volunteer.full_name, phone)
                    )
                if len(rows) >= ORM_BATCH * 10:
                    Volunteer.objects.bulk_create(rows, batch_size=ORM_BATCH)
                    step.rows += len(rows)
                    first, rows = first + len(rows), []
            Volunteer.objects.bulk_create(rows, batch_size=ORM_BATCH)
            step.rows += len(rows)

    def campaigns(self) -> None:
        rng = self.rng
        with self.step("campaigns") as step:
            first = _reserve(Campaign, len(self.communes) * CAMPAIGNS_PER_COMMUNE)
            rows, links = [], []
            for commune in self.communes:
                for _ in range(CAMPAIGNS_PER_COMMUNE):
                    start = rng.randrange(HISTORY_DAYS - 14)
                    end = start + rng.randint(14, 90)  # may still run after today
                    starts_on = self.days[start]
                    campaign = Campaign(
                        id=first + len(rows),
                        commune_id=commune.id,
                        name=f"{rng.choice(CAMPAIGN_NAMES)} {starts_on.year} – {commune.name}",
                        starts_on=starts_on,
                        ends_on=starts_on + dt.timedelta(days=end - start),
                        goal=rng.randrange(200, 3000, 50),
                    )
                    rows.append(campaign)
                    covered = rng.sample(
                        commune.villages,
                        rng.randint(max(1, len(commune.villages) // 3), len(commune.villages)),
                    )
                    for vi in covered:
                        links.append(
                            Campaign.villages.through(
                                campaign_id=campaign.id, village_id=self.villages[vi].id
                            )
                        )
                        self.villages[vi].campaigns.append(
                            (campaign.id, start, min(end, HISTORY_DAYS - 1))
                        )
            Campaign.objects.bulk_create(rows, batch_size=ORM_BATCH)
            Campaign.villages.through.objects.bulk_create(links, batch_size=ORM_BATCH)
            step.rows = len(rows)
        self.steps.append(Step("campaign villages", len(links)))

    def trainings(self) -> None:
        rng = self.rng
        topics = list(Topic.objects.filter(active=True).values_list("pk", "name"))
        if not topics:
            self.write("  (no active topic: the training sessions get none)")
        with self.step("training sessions") as step:
            first = _reserve(TrainingSession, len(self.communes) * SESSIONS_PER_COMMUNE)
            sessions, session_topics, attendances = [], [], []
            titles = dict(TrainingSession.Kind.choices)
            for commune in self.communes:
                for _ in range(SESSIONS_PER_COMMUNE):
                    kind = KIND_TABLE[rng.randrange(len(KIND_TABLE))]
                    past = rng.random() < 0.9
                    if past:
                        day = self.days[rng.randrange(HISTORY_DAYS - 1)]
                    else:
                        day = self.today + dt.timedelta(days=rng.randint(1, 60))
                    starts_at = dt.datetime.combine(day, dt.time(rng.choice((8, 14))), self.tz)
                    ends_at = starts_at + dt.timedelta(hours=rng.randint(2, 4))
                    village = None
                    if kind != "webinar" and rng.random() < (0.6 if kind == "practice" else 0.3):
                        village = self.villages[rng.choice(commune.villages)]
                    chosen = rng.sample(topics, min(len(topics), rng.randint(1, 3)))
                    subject = chosen[0][1] if chosen else "Chuyển đổi số"
                    session = TrainingSession(
                        id=first + len(sessions),
                        commune_id=commune.id,
                        village_id=village.id if village else None,
                        title=f"{titles[kind]}: {subject}",
                        kind=kind,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        place=""
                        if kind == "webinar"
                        else f"Nhà văn hóa {village.name if village else commune.name}",
                        online_link=f"https://meet.example.invalid/{rng.randrange(10**9)}"
                        if kind == "webinar"
                        else "",
                        trainer=self.person(),
                        capacity=rng.choice((None, 30, 50, 100)),
                        audience=rng.choice(("Đoàn viên", "Cán bộ thôn", "Học sinh", "")),
                        external_participants=rng.randint(0, 200) if kind == "webinar" else None,
                        public=rng.random() < 0.9,
                    )
                    sessions.append(session)
                    session_topics += [
                        TrainingSession.topics.through(
                            trainingsession_id=session.id, topic_id=topic_id
                        )
                        for topic_id, _name in chosen
                    ]
                    if past:
                        attendances += self.attendance(session, commune, village)
            TrainingSession.objects.bulk_create(sessions, batch_size=ORM_BATCH)
            TrainingSession.topics.through.objects.bulk_create(session_topics, batch_size=ORM_BATCH)
            step.rows = len(sessions)
        self.steps.append(Step("session topics", len(session_topics)))
        with self.step("attendances") as step:
            Attendance.objects.bulk_create(attendances, batch_size=ORM_BATCH)
            step.rows = len(attendances)

    def attendance(self, session, commune: CommuneInfo, village) -> list[Attendance]:
        rng = self.rng
        pool = commune.volunteers
        if village is not None:
            pool = [v for v in pool if v[1] == village.id]
        people = rng.sample(pool, rng.randint(min(5, len(pool)), min(25, len(pool))))
        rows = []
        for volunteer_id, village_id, name, phone in people:
            rows.append((volunteer_id, name, village_id, phone))
        for _ in range(rng.randint(0, 4)):  # walk-ins, known by name only
            walk_in_village = self.villages[rng.choice(commune.villages)].id
            rows.append((None, self.person(), walk_in_village, ""))
        return [
            Attendance(
                session_id=session.id,
                volunteer_id=volunteer_id,
                name=name,
                village_id=village_id,
                phone=phone,
                method=METHOD_TABLE[rng.randrange(len(METHOD_TABLE))],
                checked_in_at=session.starts_at + dt.timedelta(minutes=rng.randint(-15, 30)),
            )
            for volunteer_id, name, village_id, phone in rows
        ]

    def records(self) -> None:
        """Assistance records with their services and volunteers, day after day as they
        would arrive (ids follow ``helped_on``, like a real table), a chunk at a time."""
        total = self.sizes["records"]
        records = Table(
            AssistanceRecord,
            [
                "id",
                "helped_on",
                "village_id",
                "campaign_id",
                "resident_name",
                "resident_birth_year",
                "resident_phone",
                "resident_consented",
                "resident_ref",
                "notes",
                "created_at",
            ],
            "assistance records",
        )
        services = Table(ServiceGiven, ["record_id", "service", "outcome"], "services given")
        through = AssistanceRecord.volunteers.through
        links = Table(through, ["assistancerecord_id", "volunteer_id"], "record volunteers (M2M)")
        # Busier villages, a program that grows over the 18 months, quieter Sundays.
        village_weights = list(accumulate(self.rng.uniform(0.3, 1.7) for _ in self.villages))
        per_day = self._records_per_day(total)

        record_id = _reserve(AssistanceRecord, total)
        rows = _RecordRows()
        start, generating = time.perf_counter(), 0.0
        for d, count in enumerate(per_day):
            chunk_began = time.perf_counter()
            villages = self.rng.choices(self.villages, cum_weights=village_weights, k=count)
            seconds = sorted(self.rng.randrange(12 * 3600) for _ in range(count))
            for village, second in zip(villages, seconds, strict=True):
                self._record(rows, record_id, d, village, second)
                record_id += 1
            generating += time.perf_counter() - chunk_began
            if len(rows.records) >= self.batch:
                rows.write(records, services, links)
                self.progress("assistance records", records.rows, total, start)
        rows.write(records, services, links)
        self.progress("assistance records", records.rows, total, start)
        self.write(f"    (generating those rows in Python: {generating:.1f} s)")
        for table in (records, services, links):
            self.steps.append(Step(table.label, table.rows, table.seconds))
            self.write(
                f"  {table.label:<32} {table.rows:>12,} rows {table.seconds:>8.1f} s (write)"
            )

    def _records_per_day(self, total: int) -> list[int]:
        """How many of ``total`` records each day holds: more as the program grows, fewer
        on Sundays."""
        day_weights = list(
            accumulate(
                (0.6 + 0.8 * d / HISTORY_DAYS) * (0.7 if day.weekday() == 6 else 1.0)
                for d, day in enumerate(self.days)
            )
        )
        per_day = [0] * HISTORY_DAYS
        for done in range(0, total, self.batch):
            k = min(self.batch, total - done)
            for d in self.rng.choices(range(HISTORY_DAYS), cum_weights=day_weights, k=k):
                per_day[d] += 1
        return per_day

    def _record(
        self, rows: _RecordRows, record_id: int, d: int, village: VillageInfo, second: int
    ) -> None:
        """One record of day ``d`` in ``village``, with its services and volunteers."""
        rng = self.rng
        campaign_id = None
        if village.campaigns:
            running = [c for c, first, last in village.campaigns if first <= d <= last]
            if running and rng.random() < 0.7:
                campaign_id = rng.choice(running)
        created = min(self.mornings[d] + dt.timedelta(seconds=second), self.now)
        name, birth_year, phone = self._resident()
        day = self.day_text[d]
        consented = "t" if name or phone else "f"  # a name or phone is kept with consent only
        rows.records.append(
            (record_id, day, village.id, campaign_id, name, birth_year, phone, consented, "", "",
             created)
        )  # fmt: skip
        size = SERVICES_PER_RECORD[rng.randrange(len(SERVICES_PER_RECORD))]
        for service in rng.sample(SERVICE_VALUES, size):
            outcome = OUTCOME_TABLE[rng.randrange(len(OUTCOME_TABLE))]
            rows.services.append((record_id, service, outcome))
        helpers = village.volunteers
        if helpers:
            many = len(helpers) > 1 and rng.random() < 0.3
            for volunteer_id in rng.sample(helpers, 2 if many else 1):
                rows.links.append((record_id, volunteer_id))

    def _resident(self) -> tuple[str, int | None, str]:
        """Who was helped, as a record keeps them: most records name nobody."""
        rng = self.rng
        name, birth_year, phone = "", None, ""
        if rng.random() < 0.3:
            name = f"{rng.choice(HONORIFIC)} {self.person()}"
            if rng.random() < 0.5:
                birth_year = rng.randint(1940, 2008)
            if rng.random() < 0.4:
                phone = self.phone()
        return name, birth_year, phone

    def library(self) -> None:
        rng, sizes = self.rng, self.sizes
        with self.step("library points") as step:
            total = sizes["points"]
            if total <= len(self.villages):
                homes = rng.sample(self.villages, total)
            else:  # more points than villages: every village, then again
                homes = [self.villages[i % len(self.villages)] for i in range(total)]
            base, extra = divmod(sizes["scans"], total) if total else (0, 0)
            spans = [base + (1 if i < extra else 0) for i in range(total)]
            first = _reserve(LibraryPoint, total)
            rows = []
            for i, village in enumerate(homes):
                rows.append(
                    LibraryPoint(
                        id=first + i,
                        village_id=village.id,
                        name=f"Tủ sách pháp luật {village.name}",
                        code=f"{POINT_PREFIX}{i + 1:05d}",
                        place=f"Nhà văn hóa {village.name}",
                        opened_on=self.today - dt.timedelta(days=max(spans[i], 1) - 1),
                    )
                )
            LibraryPoint.objects.bulk_create(rows, batch_size=ORM_BATCH)
            step.rows = len(rows)

        # Day after day, every point open that day (as the counting task adds them).
        longest = max(spans, default=0)
        self.visit_days = longest
        rates = [1 / rng.uniform(1, 15) for _ in spans]
        counts = Table(PointDailyCount, ["day", "point_id", "visits"], "point daily counts")
        started, buffered, open_points = time.perf_counter(), [], 0
        expo = rng.expovariate
        for back in range(longest - 1, -1, -1):
            while open_points < total and spans[open_points] > back:  # spans never grow
                open_points += 1
            day = (self.today - dt.timedelta(days=back)).isoformat()
            buffered += [(day, first + i, 1 + int(expo(rates[i]))) for i in range(open_points)]
            if len(buffered) >= self.batch:
                counts.write(buffered)
                buffered = []
                self.progress(counts.label, counts.rows, sizes["scans"], started)
        counts.write(buffered)
        del buffered
        self.steps.append(Step(counts.label, counts.rows, time.perf_counter() - started))
        self.write(
            f"  {counts.label:<32} {counts.rows:>12,} rows "
            f"{time.perf_counter() - started:>8.1f} s ({counts.seconds:.1f} s writing)"
        )
        self.documents()

    def documents(self) -> None:
        rng, total = self.rng, self.sizes["documents"]
        categories = list(Category.objects.values_list("pk", flat=True))
        issuers = [
            issuer_for_name(name=name, actor=None)
            for name in ("Quốc hội", "Chính phủ", "UBND tỉnh Gia Lai", "UBND xã Chư Prông")
        ]
        with self.step("documents") as step:
            if not categories:
                made = [
                    Category(name=name, slug=f"{SLUG_PREFIX}{i + 1}", position=i)
                    for i, name in enumerate(SYNTHETIC_CATEGORIES)
                ]
                Category.objects.bulk_create(made)
                categories = list(
                    Category.objects.filter(slug__startswith=SLUG_PREFIX).values_list(
                        "pk", flat=True
                    )
                )
                self.write(f"  (no category: made {len(categories)} synthetic ones)")
            first = _reserve(Document, total)
            rows, links, read_from = [], [], []
            types = [t.value for t in Document.Type]
            for i in range(total):
                doc_type = rng.choice(types)
                issued = self.today - dt.timedelta(days=rng.randint(30, 3650))
                suffix = DOC_NUMBER[doc_type]
                number = f"{i + 1}/{issued.year}/{suffix}" if suffix else ""
                subject = rng.choice(DOC_SUBJECTS)
                title = f"{Document.Type(doc_type).label} mẫu số {i + 1} về {subject} (dữ liệu thử)"
                summary = f"Tóm tắt dễ hiểu của văn bản mẫu số {i + 1} về {subject}."
                body = "\n\n".join(
                    f"**Điều {k}.** Quy định mẫu về {subject}, chỉ để đo hiệu năng."
                    for k in range(1, rng.randint(3, 8))
                )
                html = render_markdown(body)
                status, expires = Document.Status.IN_FORCE, None
                if rng.random() < 0.1:
                    status = Document.Status.EXPIRED
                    expires = self.today - dt.timedelta(days=rng.randint(1, 365))
                published = rng.random() < 0.9
                published_at = self.moment() if published else None
                rows.append(
                    Document(
                        id=first + i,
                        title=title,
                        slug=f"{SLUG_PREFIX}van-ban-{i + 1:04d}",
                        number=number,
                        doc_type=doc_type,
                        issuer=rng.choice(issuers),
                        issued_on=issued,
                        effective_on=issued + dt.timedelta(days=45),
                        expires_on=expires,
                        status=status,
                        summary=summary,
                        body=body,
                        body_html=html,
                        search_text=" ".join(
                            words(" ".join([title, number, summary, plain_text(html)]))
                        ),
                        published=published,
                        published_at=published_at,
                        updated_at=published_at,
                    )
                )
                for category_id in rng.sample(categories, min(len(categories), rng.randint(1, 2))):
                    links.append(
                        Document.categories.through(document_id=first + i, category_id=category_id)
                    )
                if published and rng.random() < 0.75:
                    read_from.append((first + i, self.day_index(published_at)))
            Document.objects.bulk_create(rows, batch_size=ORM_BATCH)
            Document.categories.through.objects.bulk_create(links, batch_size=ORM_BATCH)
            step.rows = len(rows)

        reads = Table(
            DocumentDailyCount, ["day", "document_id", "reads", "listens"], "document daily counts"
        )
        started, buffered = time.perf_counter(), []
        read_from = [(document_id, d, 1 / rng.uniform(1, 30)) for document_id, d in read_from]
        for d in range(HISTORY_DAYS):
            for document_id, first_day, rate in read_from:
                if first_day <= d:
                    read = 1 + int(rng.expovariate(rate))
                    # about one reader in eight also plays the audio reading
                    buffered.append((self.day_text[d], document_id, read, read // 8))
            if len(buffered) >= self.batch:
                reads.write(buffered)
                buffered = []
        reads.write(buffered)
        self.steps.append(Step(reads.label, reads.rows, time.perf_counter() - started))
        self.write(
            f"  {reads.label:<32} {reads.rows:>12,} rows {time.perf_counter() - started:>8.1f} s"
        )


def synthetic_exists() -> bool:
    return (
        Commune.objects.filter(province__name=PROVINCE).exists()
        or Document.objects.filter(slug__startswith=SLUG_PREFIX).exists()
        or Category.objects.filter(slug__startswith=SLUG_PREFIX).exists()
    )


def synthetic_delete(write) -> None:
    """Delete the synthetic province's rows (children first), and nothing else."""
    in_province = {"commune__province__name": PROVINCE}
    village = {"village__commune__province__name": PROVINCE}
    docs = {"slug__startswith": SLUG_PREFIX}
    users = User.objects.filter(
        Q(commune__province__name=PROVINCE) | Q(village__commune__province__name=PROVINCE)
    )
    if users.exists():
        names = ", ".join(users.values_list("username", flat=True)[:5])
        raise CommandError(
            f"Users are attached to the synthetic province ({names}): move them first."
        )
    # Real rows that merely point at synthetic ones lose the link (as SET_NULL would).
    AssistanceRecord.objects.filter(
        vendor__market__village__commune__province__name=PROVINCE
    ).exclude(**village).update(vendor=None)
    Document.objects.filter(replaced_by__slug__startswith=SLUG_PREFIX).exclude(**docs).update(
        replaced_by=None
    )
    record_links = AssistanceRecord.volunteers.through.objects
    steps = [
        (
            "point daily counts",
            PointDailyCount.objects.filter(point__village__commune__province__name=PROVINCE),
        ),
        (
            "document daily counts",
            DocumentDailyCount.objects.filter(document__slug__startswith=SLUG_PREFIX),
        ),
        (
            "point documents",
            PointDocument.objects.filter(
                Q(point__village__commune__province__name=PROVINCE)
                | Q(document__slug__startswith=SLUG_PREFIX)
            ),
        ),
        (
            "document revisions",
            DocumentRevision.objects.filter(document__slug__startswith=SLUG_PREFIX),
        ),
        (
            "document categories",
            Document.categories.through.objects.filter(
                Q(document__slug__startswith=SLUG_PREFIX)
                | Q(category__slug__startswith=SLUG_PREFIX)
            ),
        ),
        ("library points", LibraryPoint.objects.filter(**village)),
        ("documents", Document.objects.filter(**docs)),
        ("categories", Category.objects.filter(**docs)),
        ("attendances", Attendance.objects.filter(session__commune__province__name=PROVINCE)),
        (
            "session topics",
            TrainingSession.topics.through.objects.filter(
                trainingsession__commune__province__name=PROVINCE
            ),
        ),
        ("training sessions", TrainingSession.objects.filter(**in_province)),
        (
            "services given",
            ServiceGiven.objects.filter(record__village__commune__province__name=PROVINCE),
        ),
        (
            "record volunteers (M2M)",
            record_links.filter(assistancerecord__village__commune__province__name=PROVINCE),
        ),
        ("assistance records", AssistanceRecord.objects.filter(**village)),
        (
            "campaign villages",
            Campaign.villages.through.objects.filter(campaign__commune__province__name=PROVINCE),
        ),
        ("campaigns", Campaign.objects.filter(**in_province)),
        ("volunteers", Volunteer.objects.filter(**village)),
        (
            "payment accounts",
            PaymentAccount.objects.filter(
                vendor__market__village__commune__province__name=PROVINCE
            ),
        ),
        (
            "vendor status changes",
            VendorStatusChange.objects.filter(
                vendor__market__village__commune__province__name=PROVINCE
            ),
        ),
        ("vendors", Vendor.objects.filter(market__village__commune__province__name=PROVINCE)),
        ("markets", Market.objects.filter(**village)),
        ("villages", Village.objects.filter(**in_province)),
        ("communes", Commune.objects.filter(province__name=PROVINCE)),
        ("province", Province.objects.filter(name=PROVINCE)),
    ]
    for label, queryset in steps:
        start = time.perf_counter()
        count = _delete(queryset)
        write(f"  deleted {label:<32} {count:>12,} rows {time.perf_counter() - start:>8.1f} s")


TOUCHED = [
    Province,
    Commune,
    Village,
    Market,
    Vendor,
    VendorStatusChange,
    PaymentAccount,
    Volunteer,
    Campaign,
    Campaign.villages.through,
    TrainingSession,
    TrainingSession.topics.through,
    Attendance,
    AssistanceRecord,
    ServiceGiven,
    AssistanceRecord.volunteers.through,
    LibraryPoint,
    PointDailyCount,
    Document,
    Document.categories.through,
    DocumentDailyCount,
]


def _check_options(options: dict) -> None:
    if not settings.DEBUG and not options["force"]:
        raise CommandError(
            "seed_scale writes millions of synthetic rows for benchmarks: it runs only "
            "with DEBUG=1, or with --force."
        )
    if options["batch"] < 1:
        raise CommandError("--batch must be at least 1.")
    if options["reset"] and options["if_missing"]:
        raise CommandError("--reset and --if-missing contradict each other.")


def _seed(seeder: Seeder, *, replace: bool, write) -> None:
    """Write the synthetic province (in the caller's transaction), first deleting the
    previous one when ``replace``."""
    write(
        f"Seeding '{PROVINCE}' on {connection.vendor}: "
        + ", ".join(f"{value:,} {name}" for name, value in seeder.sizes.items())
    )
    if connection.vendor == "postgresql":
        # Check foreign keys row by row instead of queuing millions of checks.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if replace:
        write("Deleting the previous synthetic province:")
        synthetic_delete(write)
    write("Writing:")
    seeder.run()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Command(BaseCommand):
    help = (
        "Fill the database with a synthetic province for benchmarks (benchmark data only; "
        f"refused with DEBUG off unless --force). Its communes are in '{PROVINCE}'."
    )

    def add_arguments(self, parser):
        sizes = parser.add_argument_group("sizes (default × --scale)")
        sizes.add_argument("--communes", type=int, help="communes (135)")
        sizes.add_argument("--villages", type=int, help="villages, spread over communes (4,000)")
        sizes.add_argument("--vendors", type=int, help="market vendors (30,000)")
        sizes.add_argument("--records", type=int, help="assistance records (2,000,000)")
        sizes.add_argument("--scans", type=int, help="point daily visit counts (5,000,000)")
        sizes.add_argument(
            "--points",
            type=int,
            help="library points (one per village); each gets --scans / --points "
            "consecutive days of counts up to today",
        )
        sizes.add_argument("--documents", type=int, help="legal documents (200)")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="multiply every default size (e.g. 0.001 for a tiny run); explicit sizes win",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
        parser.add_argument(
            "--batch",
            type=int,
            default=100_000,
            help="rows per COPY/executemany chunk of the big tables (100,000)",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="first delete the synthetic province's data (and only it)",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing (successfully) when the synthetic province is already there",
        )
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *_args, **options):
        _check_options(options)
        sizes = _sizes(options)
        quiet = options["verbosity"] == 0

        def write(line: str) -> None:
            if not quiet:
                self.stdout.write(line)

        seeder = Seeder(sizes, seed=options["seed"], batch=options["batch"], write=write)
        started = time.perf_counter()
        with transaction.atomic():
            exists = synthetic_exists()
            if exists and options["if_missing"]:
                self.stdout.write(f"The synthetic province '{PROVINCE}' is already there.")
                return
            if exists and not options["reset"]:
                raise CommandError(
                    f"The synthetic province '{PROVINCE}' already exists: "
                    "run again with --reset to replace it."
                )
            _seed(seeder, replace=exists, write=write)
            commit = time.perf_counter()
        write(f"  {'(commit)':<32} {'':>12}      {time.perf_counter() - commit:>8.1f} s")
        if connection.vendor == "postgresql":
            self.analyze(write)
        total = sum(step.rows for step in seeder.steps)
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic province '{PROVINCE}': {total:,} rows in "
                f"{time.perf_counter() - started:.0f} s."
            )
        )
        if not quiet:
            self.summary(seeder)

    def summary(self, seeder: Seeder) -> None:
        """The rows of each table, and how far back the library's point counts go."""
        sizes = seeder.sizes
        for step in seeder.steps:
            self.stdout.write(f"  {step.label:<32} {step.rows:>12,}")
        self.stdout.write(
            f"  point counts cover the last {seeder.visit_days:,} days "
            f"({sizes['scans']:,} counts over {sizes['points']:,} points)."
        )
        if seeder.visit_days > HISTORY_DAYS:
            enough = -(-sizes["scans"] // HISTORY_DAYS)
            self.stdout.write(
                self.style.WARNING(
                    f"  That is longer than the {HISTORY_DAYS}-day history of the other "
                    f"tables: --points {enough:,} or more keeps the counts within it."
                )
            )

    def analyze(self, write) -> None:
        """Fresh statistics for the planner (VACUUM too, outside a transaction: it sets the
        visibility map that index-only scans need, as autovacuum would do later)."""
        start = time.perf_counter()
        verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in TOUCHED:
                cursor.execute(f"{verb} {connection.ops.quote_name(model._meta.db_table)}")
        write(f"  {verb:<32} {'':>12}      {time.perf_counter() - start:>8.1f} s")
