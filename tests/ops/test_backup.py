"""Backups that restore: `manage.py backup` then `manage.py restore` into an empty database.

The backup is taken by another connection (pg_dump, or SQLite's online backup),
so the data must be committed: these tests are transactional. The restored
database is read with a plain driver connection (psycopg2 / sqlite3) and
compared row by row with the live one, and the restored files by checksum.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import django.apps
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone, translation
from reportlab.pdfgen import canvas

from core.roles import Role, sync_roles
from legal_library import services as library_services
from legal_library.models import Category, Document
from market.models import Bank
from reports import services as report_services
from reports.models import AdoptionReport
from tests.factories import CommuneFactory, UserFactory, VillageFactory
from tests.market.factories import MarketFactory, PaymentAccountFactory, VendorFactory
from tests.trainings.factories import AttendanceFactory, TrainingSessionFactory
from tests.volunteers.factories import AssistanceRecordFactory, VolunteerFactory
from trainings.models import Topic

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = connection.vendor == "postgresql"


# ------------------------------------------------------------------------- helpers


def _pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Luat Hon nhan va gia dinh")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _media_checksums(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_rows(cursor, vendor: str, table: str) -> list[str]:
    """Every row of ``table`` as text made by the database itself (driver-independent)."""
    if vendor == "postgresql":
        cursor.execute(f"SELECT t::text FROM {_quote(table)} t")  # noqa: S608
    else:
        cursor.execute(f"PRAGMA table_info({_quote(table)})")
        columns = [row[1] for row in cursor.fetchall()]
        expression = " || '|' || ".join(f"quote({_quote(c)})" for c in columns)
        cursor.execute(f"SELECT {expression} FROM {_quote(table)}")  # noqa: S608
    return sorted(row[0] for row in cursor.fetchall())


def _live_tables() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        return {
            table: _table_rows(cursor, connection.vendor, table)
            for table in connection.introspection.table_names()
        }


def _target_tables(target) -> dict[str, list[str]]:
    """Every table of the restored database, read with a plain driver connection."""
    if POSTGRES:
        import psycopg2

        con = psycopg2.connect(**target["params"])
        try:
            with con.cursor() as cursor:
                cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                names = [row[0] for row in cursor.fetchall()]
                return {name: _table_rows(cursor, "postgresql", name) for name in names}
        finally:
            con.close()
    path = target["path"]
    if not path.exists():
        return {}
    con = sqlite3.connect(path)
    try:
        cursor = con.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        names = [row[0] for row in cursor.fetchall()]
        return {name: _table_rows(cursor, "sqlite", name) for name in names}
    finally:
        con.close()


def _target_execute(target, statement: str) -> None:
    if POSTGRES:
        import psycopg2

        con = psycopg2.connect(**target["params"])
    else:
        con = sqlite3.connect(target["path"])
    try:
        con.cursor().execute(statement)
        con.commit()
    finally:
        con.close()


def _counts(tables: dict[str, list[str]]) -> dict[str, int]:
    return {name: len(rows) for name, rows in tables.items()}


def _backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=out)
    archives = list((tmp_path / "backups").glob("chuprong-*.tar.gz"))
    assert len(archives) == 1, out.getvalue()
    assert str(archives[0]) in out.getvalue()
    return archives[0]


def _restore(archive: Path, target, *, media_root: Path, yes: bool = False) -> str:
    out = io.StringIO()
    call_command(
        "restore",
        str(archive),
        database_url=target["url"],
        media_root=str(media_root),
        yes=yes,
        stdout=out,
    )
    return out.getvalue()


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile("manifest.json"))


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy ``archive`` to ``target`` with its members passed through ``change``."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(target, "w:gz") as out:
        for member, data in change(members):
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


# ------------------------------------------------------------------------ fixtures


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def target(tmp_path):
    """An empty database to restore into: a new PostgreSQL database, or a new SQLite path."""
    if not POSTGRES:
        path = tmp_path / "restored" / "db.sqlite3"
        yield {"url": f"sqlite:///{path}", "path": path}
        return
    conf = connection.settings_dict
    name = f"{conf['NAME']}_restored"
    server = ["-h", conf["HOST"] or "127.0.0.1", "-p", str(conf["PORT"] or 5432)]
    server += ["-U", conf["USER"] or "postgres"]
    subprocess.run(["dropdb", *server, "--if-exists", name], check=True, capture_output=True)
    subprocess.run(["createdb", *server, name], check=True, capture_output=True)
    params = {
        "dbname": name,
        "host": conf["HOST"] or "127.0.0.1",
        "port": conf["PORT"] or 5432,
        "user": conf["USER"] or "postgres",
    }
    if conf["PASSWORD"]:
        params["password"] = conf["PASSWORD"]
    user = params["user"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    url = f"postgres://{user}@{params['host']}:{params['port']}/{name}"
    yield {"url": url, "params": params}
    subprocess.run(["dropdb", *server, "--if-exists", name], check=False, capture_output=True)


@pytest.fixture
def data(settings):
    """Records of every program, with uploaded and generated files (committed)."""
    sync_roles(django.apps.apps)  # transactional tests flush what migrations made
    Bank.objects.get_or_create(
        bin="970436",
        defaults={"code": "VCB", "short_name": "Vietcombank", "name": "Ngân hàng Ngoại thương"},
    )
    commune = CommuneFactory(name="Chư Prông", slug="chu-prong")
    village = VillageFactory(commune=commune, code="T03", name="Thôn 3")
    officer = UserFactory(
        username="canbo", full_name="Rơ Mah Hồng", role=Role.COMMUNE_OFFICER, commune=commune
    )
    market = MarketFactory(village=village, name="Chợ xã Chư Prông")
    vendors = VendorFactory.create_batch(3, market=market, full_name="Lê Thị Bưởi")
    for vendor in vendors[:2]:
        PaymentAccountFactory(vendor=vendor)
    category, _ = Category.objects.get_or_create(
        slug="hon-nhan-gia-dinh", defaults={"name": "Hôn nhân và gia đình"}
    )
    document = library_services.document_save(
        document=Document(
            title="Luật Hôn nhân và gia đình",
            summary="Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi.",
            body="## Điều kiện kết hôn",
            published=True,
            attachment=SimpleUploadedFile("luat-hon-nhan.pdf", _pdf(), "application/pdf"),
            commune=commune,  # the officer's commune's own
        ),
        categories=[category],
        actor=officer,
    )
    volunteers = [VolunteerFactory(village=village, full_name=n) for n in ("Ksor Y Bim", "Siu Hoa")]
    AssistanceRecordFactory(village=village, volunteers=volunteers, resident_name="Rơ Châm Ánh")
    AssistanceRecordFactory(village=village, volunteers=volunteers[:1])
    topic, _ = Topic.objects.get_or_create(
        slug="dich-vu-cong-truc-tuyen", defaults={"name": "Dịch vụ công trực tuyến"}
    )
    session = TrainingSessionFactory(commune=commune, topics=[topic])
    for volunteer in volunteers:
        AttendanceFactory(session=session, volunteer=volunteer)
    today = timezone.localdate()
    report = report_services.report_request(
        commune=commune,
        period_kind=AdoptionReport.PeriodKind.MONTH,
        start=today.replace(day=1),
        end=today,
        actor=officer,
    )
    report_services.report_generate(report_id=report.pk)  # False if it already ran in-process
    report.refresh_from_db()
    assert report.status == AdoptionReport.Status.DONE
    files = [document.attachment.name, report.xlsx.name, report.pdf.name, report.csv.name]
    assert all((Path(settings.MEDIA_ROOT) / name).is_file() for name in files)
    return {"files": files, "commune": commune, "market": market}


# --------------------------------------------------------------------------- tests


def test_a_backup_restores_every_row_and_every_file_into_an_empty_database(
    data, tmp_path, target, settings
):
    live = _live_tables()
    live_media = _media_checksums(Path(settings.MEDIA_ROOT))
    archive = _backup(tmp_path)

    manifest = _manifest(archive)
    assert manifest["database"]["engine"] == ("postgresql" if POSTGRES else "sqlite")
    assert manifest["row_counts"] == _counts(live)
    assert manifest["migrations"]["chuprong"] and manifest["migrations"]["market"]
    listed = {n[len("media/") :]: e["sha256"] for n, e in manifest["files"].items() if "/" in n}
    assert listed == live_media
    for table, at_least in {
        "market_vendor": 3,
        "market_paymentaccount": 2,
        "legal_library_document": 1,
        "volunteers_volunteer": 2,
        "volunteers_assistancerecord": 2,
        "trainings_attendance": 2,
        "chuprong_adoptionreport": 1,
    }.items():
        assert manifest["row_counts"][table] >= at_least, table

    restored_media = tmp_path / "restored-media"
    with translation.override("en"):
        output = _restore(archive, target, media_root=restored_media)
    assert "as the manifest says" in output

    restored = _target_tables(target)
    assert _counts(restored) == _counts(live)
    assert restored == live  # every row, column for column
    assert _media_checksums(restored_media) == live_media
    assert set(data["files"]) <= set(live_media)

    # Someone changes the restored database; restoring again finds data there and
    # needs --yes, which puts the backup's rows back.
    _target_execute(target, "DELETE FROM market_paymentaccount")
    changed = _target_tables(target)
    assert changed["market_paymentaccount"] == []
    with translation.override("en"), pytest.raises(CommandError, match="already has data"):
        _restore(archive, target, media_root=restored_media)
    assert _target_tables(target) == changed
    _restore(archive, target, media_root=restored_media, yes=True)
    assert _target_tables(target) == live


def test_the_archive_and_its_folder_are_readable_by_their_owner_only(data, tmp_path):
    """An archive holds session keys and password hashes: 0600 in a 0700 folder, even
    with a permissive umask and a folder that was open before."""
    import stat

    opened = tmp_path / "open-before"
    opened.mkdir(mode=0o755)
    os.chmod(opened, 0o755)  # noqa: S103 (a folder that was open before)
    umask = os.umask(0o002)
    try:
        for directory in (tmp_path / "new" / "backups", opened):
            call_command("backup", output_dir=str(directory), stdout=io.StringIO())
            (archive,) = directory.glob("chuprong-*.tar.gz")
            assert stat.S_IMODE(archive.stat().st_mode) == 0o600
            assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    finally:
        os.umask(umask)


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_damaged_archive_is_refused_and_nothing_changes(data, tmp_path, settings, where):
    archive = _backup(tmp_path)
    # Made after the backup: a restore would remove them.
    VendorFactory(market=data["market"], full_name="Người bán sau sao lưu")
    late = Path(settings.MEDIA_ROOT) / "legal" / "sau-sao-luu.pdf"
    late.write_bytes(_pdf())
    before = _live_tables()
    media_before = _media_checksums(Path(settings.MEDIA_ROOT))

    content = bytearray(archive.read_bytes())
    at = {"start": 40, "middle": len(content) // 2, "end": len(content) - 6}[where]
    for i in range(at, at + 4):
        content[i] ^= 0xFF
    archive.write_bytes(bytes(content))

    with translation.override("en"), pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(archive), yes=True, stdout=io.StringIO())
    assert _live_tables() == before
    assert _media_checksums(Path(settings.MEDIA_ROOT)) == media_before


def _wrong_checksum(members):
    for member, data in members:
        if member.name == "manifest.json":
            manifest = json.loads(data)
            pdf = next(n for n in manifest["files"] if n.endswith(".pdf"))
            manifest["files"][pdf]["sha256"] = "0" * 64
            yield member, json.dumps(manifest).encode()
            continue
        yield member, data


def _changed_file(members):
    for member, data in members:
        if member.name.startswith("media/") and member.name.endswith(".csv"):
            yield member, data.replace(b"1", b"7") + b"\n"
        else:
            yield member, data


def _missing_file(members):
    return [(m, d) for m, d in members if not m.name.endswith(".xlsx")]


def _unlisted_file(members):
    extra = tarfile.TarInfo("media/legal/them.pdf")
    return [*members, (extra, b"%PDF-1.4 not in the manifest")]


def _unsafe_name(members):
    evil = tarfile.TarInfo("media/../../evil.txt")
    return [(evil, b"outside"), *members]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_wrong_checksum, "does not match its checksum"),
        (_changed_file, "does not match its checksum"),
        (_missing_file, "is listed in its manifest but missing"),
        (_unlisted_file, "which its manifest does not list"),
        (_unsafe_name, "which a backup never holds"),
    ],
)
def test_an_archive_that_disagrees_with_its_manifest_is_refused(
    data, tmp_path, target, change, message
):
    archive = _backup(tmp_path)
    altered = tmp_path / "altered.tar.gz"
    _rewrite(archive, altered, change)
    restored_media = tmp_path / "restored-media"
    with translation.override("en"), pytest.raises(CommandError, match=message) as refused:
        _restore(altered, target, media_root=restored_media, yes=True)
    assert "nothing was changed" in str(refused.value)
    assert _target_tables(target) == {}
    assert not restored_media.exists()


@pytest.mark.skipif(not POSTGRES, reason="pg_dump is used on PostgreSQL only")
def test_without_the_postgresql_client_the_backup_says_what_to_install(data, tmp_path, monkeypatch):
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("backup", output_dir=str(tmp_path / "backups"), stdout=io.StringIO())
    assert "pg_dump was not found" in str(refused.value)
    assert "postgresql-client" in str(refused.value)
    assert not list((tmp_path / "backups").glob("*.tar.gz"))


def test_the_make_targets_pass_yes_only_with_confirm():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")

    # Not the make that may be running this suite (`make test`): no inherited
    # flags, no "Entering/Leaving directory" lines.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}

    def dry_run(*args: str) -> str:
        done = subprocess.run(
            ["make", "--no-print-directory", "-n", "restore", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip().splitlines()[-1]

    assert dry_run("BACKUP=b.tar.gz").endswith('manage.py restore "b.tar.gz"')
    assert dry_run("BACKUP=b.tar.gz", "CONFIRM=1").endswith('manage.py restore "b.tar.gz" --yes')
    backup = subprocess.run(
        ["make", "--no-print-directory", "-n", "backup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "manage.py backup --output-dir" in backup.stdout


def test_restore_says_when_the_backup_and_the_code_disagree_on_migrations():
    from django.db.migrations.loader import MigrationLoader

    from ops.backups import migration_notes

    leaves = dict(sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()))
    assert migration_notes(leaves) == []
    with translation.override("en"):
        older = migration_notes({**leaves, "chuprong": "0001_initial"})
        newer = migration_notes({**leaves, "chuprong": "0999_from_the_future"})
    assert older == ["This code has migrations the backup does not: run `manage.py migrate` now."]
    assert len(newer) == 1 and "chuprong.0999_from_the_future" in newer[0]
