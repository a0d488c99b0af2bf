"""Backups that restore: one archive with the database, the uploaded files and a manifest.

An archive ``chuprong-YYYYmmdd-HHMMSS.tar.gz`` holds

* ``database.dump`` (``pg_dump --format=custom``) on PostgreSQL, or
  ``db.sqlite3`` on the embedded default, copied with SQLite's online backup
  API, so both are consistent while the server keeps running;
* ``media/…``: every file under ``MEDIA_ROOT`` (library attachments, report files);
* ``manifest.json``: the date, the engine, the latest applied migration per
  app, the number of rows of every table and a SHA-256 of every file.

On PostgreSQL the row counts and the dump come from one snapshot
(``pg_export_snapshot`` + ``pg_dump --snapshot``), so they agree even while
officers keep writing; on SQLite they are counted in the copy itself.

A restore reads the whole archive into a temporary directory and checks it
against its manifest before touching anything: a damaged or altered archive
is refused and nothing changes. It then puts the files back, restores the
database (``pg_restore --clean --if-exists --no-owner`` in one transaction; on
SQLite a temporary file renamed over the database) and compares the row counts
with the manifest. The management commands ``backup`` and ``restore`` are thin
wrappers around :func:`backup_create` and :func:`restore`.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Literal, TypedDict
from urllib.parse import urlparse

import environ
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

POSTGRESQL: Literal["postgresql"] = "postgresql"
SQLITE: Literal["sqlite"] = "sqlite"
Engine = Literal["postgresql", "sqlite"]
ENGINES: dict[str, Engine] = {
    "django.db.backends.postgresql": POSTGRESQL,
    "django.db.backends.sqlite3": SQLITE,
}
DATABASE_FILES: dict[Engine, str] = {POSTGRESQL: "database.dump", SQLITE: "db.sqlite3"}
MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT = 1
MANIFEST_MAX_BYTES = 50 * 1024 * 1024
CHUNK = 1024 * 1024
# Connection options of DATABASES["OPTIONS"] that libpq (and so pg_dump) understands.
LIBPQ_OPTIONS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "connect_timeout",
    "application_name",
    "options",
    "target_session_attrs",
    "service",
    "passfile",
}
# Our own temporary files, never part of a backup.
TEMP_PREFIXES = (".chuprong-backup-", ".chuprong-restore-")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


class FileEntry(TypedDict):
    sha256: str
    size: int


class DatabaseEntry(TypedDict):
    engine: Engine
    file: str
    server_version: str


class Manifest(TypedDict):
    format: int
    created_at: str
    database: DatabaseEntry
    migrations: dict[str, str]
    row_counts: dict[str, int]
    files: dict[str, FileEntry]


@dataclass(frozen=True)
class Database:
    """Where a database is: the parts of a Django ``DATABASES`` entry we need."""

    engine: Engine
    name: str
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, conf: Mapping[str, Any]) -> Database:
        engine = ENGINES.get(conf.get("ENGINE", ""))
        if engine is None:
            raise BackupError(
                _("Backups support PostgreSQL and SQLite only, not %(engine)s.")
                % {"engine": conf.get("ENGINE")}
            )
        return cls(
            engine=engine,
            name=str(conf.get("NAME") or ""),
            user=str(conf.get("USER") or ""),
            password=str(conf.get("PASSWORD") or ""),
            host=str(conf.get("HOST") or ""),
            port=str(conf.get("PORT") or ""),
            options=dict(conf.get("OPTIONS") or {}),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        """``postgres://user@host:5432/name`` or ``sqlite:////absolute/path.sqlite3``."""
        try:
            conf = environ.Env.db_url_config(url)
        except Exception as error:  # django-environ raises several kinds
            raise BackupError(
                _("%(url)s is not a database address: %(error)s") % {"url": url, "error": error}
            ) from error
        return cls.from_settings(conf)

    def same_as(self, conf: Mapping[str, Any]) -> bool:
        other = Database.from_settings(conf)
        return (self.engine, self.name, self.host, self.port) == (
            other.engine,
            other.name,
            other.host,
            other.port,
        )


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    files_written: int
    files_unchanged: int
    files_extra: int
    notes: list[str]


# ------------------------------------------------------------------ counting rows


def _pg_params(database: Database) -> dict[str, str]:
    params = {
        "dbname": database.name,
        "user": database.user,
        "host": database.host,
        "port": database.port,
    }
    params.update({k: str(v) for k, v in database.options.items() if k in LIBPQ_OPTIONS})
    return {k: v for k, v in params.items() if v}


def _pg_connect(database: Database):
    import psycopg2

    try:
        return psycopg2.connect(password=database.password or None, **_pg_params(database))
    except psycopg2.Error as error:
        raise BackupError(
            _("Cannot connect to the PostgreSQL database %(name)s: %(error)s")
            % {"name": database.name, "error": str(error).strip()}
        ) from error


def _pg_tables(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT n.nspname, c.relname FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'"
        " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2"
    )
    return list(cursor.fetchall())


def _pg_counts(cursor) -> dict[str, int]:
    from psycopg2 import sql

    counts = {}
    for schema, table in _pg_tables(cursor):
        cursor.execute(
            sql.SQL("SELECT count(*) FROM {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
        )
        counts[table if schema == "public" else f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(con: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    quoted = {name: '"' + name.replace('"', '""') + '"' for name in names}
    return {
        name: con.execute(f"SELECT count(*) FROM {quoted[name]}").fetchone()[0]  # noqa: S608
        for name in names
    }


def _migrations(cursor, tables: Mapping[str, int]) -> dict[str, str]:
    """The latest applied migration of each app (by the order they were applied)."""
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return dict(cursor.fetchall())


def _sqlite_path(database: Database) -> Path:
    name = database.name
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError(_("An in-memory SQLite database cannot be restored into."))
    if name.startswith("file:"):
        return Path(urlparse(name).path)
    return Path(name)


def _sqlite_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def row_counts(database: Database) -> dict[str, int]:
    """Rows per table of a database; {} when the database (an SQLite file) does not exist."""
    if database.engine == POSTGRESQL:
        con = _pg_connect(database)
        try:
            with con.cursor() as cursor:
                return _pg_counts(cursor)
        finally:
            con.close()
    path = _sqlite_path(database)
    if not path.exists():
        return {}
    try:
        con = _sqlite_read_only(path)
        try:
            return _sqlite_counts(con)
        finally:
            con.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("%(path)s is not a readable SQLite database (%(error)s); nothing was changed.")
            % {"path": path, "error": error}
        ) from error


# --------------------------------------------------------------------------- backup


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _(
                "%(program)s was not found: install the PostgreSQL client tools "
                "(Debian/Ubuntu: apt-get install postgresql-client), of the same major "
                "version as the server or newer."
            )
            % {"program": name}
        )
    return found


def _pg_environment(database: Database) -> dict[str, str]:
    env = dict(os.environ)
    if database.password:
        env["PGPASSWORD"] = database.password  # not on the command line, where ps shows it
    return env


def _pg_dsn(database: Database) -> str:
    from psycopg2.extensions import make_dsn

    return make_dsn(**_pg_params(database))


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _pg_dump(database: Database, target: Path) -> tuple[dict[str, int], dict[str, str], str]:
    """Dump the database and count its rows in the same snapshot."""
    import psycopg2.extensions

    pg_dump = _program("pg_dump")
    con = _pg_connect(database)
    try:
        con.set_session(
            isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True
        )
        with con.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            counts = _pg_counts(cursor)
            migrations = _migrations(cursor, counts)
            done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={_pg_dsn(database)}",
                ],
                env=_pg_environment(database),
                capture_output=True,
                text=True,
                check=False,
            )
        if done.returncode != 0:
            raise BackupError(_("pg_dump failed: %(error)s") % {"error": _tail(done.stderr)})
    finally:
        con.rollback()
        con.close()
    return counts, migrations, f"PostgreSQL {server_version}"


def _sqlite_copy(database: Database, target: Path) -> tuple[dict[str, int], dict[str, str], str]:
    """Copy with the online backup API, then count rows in the copy itself."""
    name = database.name
    if not name.startswith("file:") and not Path(name).is_file():
        raise BackupError(_("There is no SQLite database at %(path)s.") % {"path": name})
    source = sqlite3.connect(name, uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # One self-contained file, whatever journal mode the server uses.
        copy.execute("PRAGMA journal_mode=DELETE")
        counts = _sqlite_counts(copy)
        migrations = _migrations(copy.cursor(), counts)
    finally:
        copy.close()
        source.close()
    return counts, migrations, f"SQLite {sqlite3.sqlite_version}"


class _HashingReader:
    """Hashes what tarfile reads, so the checksum is of exactly the archived bytes."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> FileEntry:
    info = tar.gettarinfo(str(path), arcname=arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        tar.addfile(info, reader)
    return {"sha256": reader.sha256.hexdigest(), "size": reader.size}


def _is_restore_temporary(name: str) -> bool:
    """A file being put back by a restore (``.<name>.restore-<hex>``, see _replace_file)."""
    return name.startswith(".") and ".restore-" in name


def _media_files(media_root: Path, skip: list[Path]) -> Iterator[tuple[Path, str]]:
    """Every regular file under MEDIA_ROOT (no symbolic links), in a stable order."""
    if not media_root.is_dir():
        return
    skipped = {p.resolve() for p in skip}
    for folder, dirs, files in os.walk(media_root):
        base = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(TEMP_PREFIXES) and (base / d).resolve() not in skipped
        )
        for name in sorted(files):
            path = base / name
            if name.startswith(TEMP_PREFIXES) or _is_restore_temporary(name) or path.is_symlink():
                continue
            if path.is_file():
                yield path, f"{MEDIA}/{path.relative_to(media_root).as_posix()}"


def backup_create(
    *, database: Database, media_root: Path, directory: Path, now=None
) -> BackupResult:
    """Write ``directory/chuprong-YYYYmmdd-HHMMSS.tar.gz`` (local time) and return it.

    The archive appears under its name only once complete (written beside it,
    then renamed), so a backup interrupted halfway never looks like a good one.
    The archive holds session keys and password hashes: it is readable by its owner
    only (0600), in a folder only its owner opens (0700), whatever the umask.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    now = now or timezone.now()
    final = directory / f"chuprong-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar.gz"
    if final.exists():
        raise BackupError(_("%(path)s already exists.") % {"path": final})
    db_file = DATABASE_FILES[database.engine]
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIXES[0], dir=directory) as work_dir:
        work = Path(work_dir)
        if database.engine == POSTGRESQL:
            counts, migrations, version = _pg_dump(database, work / db_file)
        else:
            counts, migrations, version = _sqlite_copy(database, work / db_file)
        partial = work / f"{final.name}.partial"
        files: dict[str, FileEntry] = {}
        with (
            os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw,
            # No file name in the gzip header (it would be the temporary one).
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6) as stream,
            tarfile.open(fileobj=stream, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            files[db_file] = _add_file(tar, work / db_file, db_file)
            for path, arcname in _media_files(media_root, skip=[directory]):
                files[arcname] = _add_file(tar, path, arcname)
            manifest: Manifest = {
                "format": FORMAT,
                "created_at": timezone.localtime(now).isoformat(),
                "database": {"engine": database.engine, "file": db_file, "server_version": version},
                "migrations": migrations,
                "row_counts": counts,
                "files": files,
            }
            body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(now.timestamp())
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(body))
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, final)
    return BackupResult(path=final, manifest=manifest)


# -------------------------------------------------------------------------- checking


def _member_path(name: str) -> PurePosixPath | None:
    """The member's path if it is one a backup may hold, else None."""
    path = PurePosixPath(name)
    if path.is_absolute() or "\\" in name or "\x00" in name:
        return None
    if any(part in ("", ".", "..") for part in name.split("/")):
        return None
    if name in DATABASE_FILES.values():
        return path
    if path.parts[0] == MEDIA and len(path.parts) > 1:
        return path
    return None


def _damaged(archive: Path, reason: str) -> BackupError:
    return BackupError(
        _(
            "The archive %(path)s is damaged or is not a backup of this portal (%(reason)s); "
            "nothing was changed."
        )
        % {"path": archive, "reason": reason}
    )


def archive_unpack(archive: Path, staging: Path) -> Manifest:
    """Unpack ``archive`` into ``staging`` and check it against its manifest.

    Every member must be a regular file with a safe name that the manifest
    lists, with the listed size and SHA-256, and every listed file must be
    there. Nothing outside ``staging`` is written.
    """
    if not archive.is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": archive})
    seen, manifest_bytes = _unpack_members(archive, staging)
    if manifest_bytes is None:
        raise BackupError(
            _(
                "The archive %(path)s has no manifest.json: it was not made by "
                "`manage.py backup`; nothing was changed."
            )
            % {"path": archive}
        )
    manifest = _manifest_parse(archive, manifest_bytes)
    _check_listed(archive, manifest, seen)
    return manifest


def _unpack_members(archive: Path, staging: Path) -> tuple[dict[str, FileEntry], bytes | None]:
    """Unpack every member but the manifest into ``staging``: each file's size and SHA-256
    by name, and the manifest's bytes (None when the archive has none)."""
    seen: dict[str, FileEntry] = {}
    manifest_bytes: bytes | None = None
    try:
        with gzip.open(archive, "rb") as stream:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    if member.name == MANIFEST and member.isfile():
                        manifest_bytes = tar.extractfile(member).read(MANIFEST_MAX_BYTES + 1)
                        continue
                    path = _checked_member(archive, member, seen)
                    seen[member.name] = _unpack_file(tar, member, staging.joinpath(*path.parts))
            # Read to the end: gzip checks its CRC only there.
            while stream.read(CHUNK):
                pass
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise _damaged(archive, str(error) or type(error).__name__) from error
    return seen, manifest_bytes


def _checked_member(
    archive: Path, member: tarfile.TarInfo, seen: Mapping[str, FileEntry]
) -> PurePosixPath:
    """The path of a member a backup may hold, not seen before; BackupError if not."""
    path = _member_path(member.name)
    if path is None or not member.isfile():
        raise BackupError(
            _(
                "The archive %(path)s holds %(file)s, which a backup never "
                "holds; nothing was changed."
            )
            % {"path": archive, "file": member.name}
        )
    if member.name in seen:
        raise BackupError(
            _("The archive %(path)s holds %(file)s twice; nothing was changed.")
            % {"path": archive, "file": member.name}
        )
    return path


def _unpack_file(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> FileEntry:
    """Write the member to ``target`` (a new file), measuring it on the way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with tar.extractfile(member) as source, target.open("xb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _check_listed(archive: Path, manifest: Manifest, seen: Mapping[str, FileEntry]) -> None:
    """Every file the manifest lists is there as listed, and nothing else is."""
    for name, entry in manifest["files"].items():
        found = seen.get(name)
        if found is None:
            raise BackupError(
                _(
                    "The archive %(path)s is incomplete: %(file)s is listed in its manifest "
                    "but missing; nothing was changed."
                )
                % {"path": archive, "file": name}
            )
        if found != {"sha256": entry["sha256"], "size": entry["size"]}:
            raise BackupError(
                _(
                    "The archive %(path)s is damaged: %(file)s does not match its checksum "
                    "in the manifest; nothing was changed."
                )
                % {"path": archive, "file": name}
            )
    unlisted = sorted(set(seen) - set(manifest["files"]))
    if unlisted:
        raise BackupError(
            _(
                "The archive %(path)s holds %(file)s, which its manifest does not list; "
                "nothing was changed."
            )
            % {"path": archive, "file": unlisted[0]}
        )


def _manifest_parse(archive: Path, raw: bytes) -> Manifest:
    try:
        return _manifest_read(raw)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(
            _("The manifest of %(path)s cannot be read (%(reason)s); nothing was changed.")
            % {"path": archive, "reason": error}
        ) from error


def _manifest_read(raw: bytes) -> Manifest:
    """The manifest in ``raw``; ValueError, KeyError, TypeError or AttributeError (what is
    missing or wrong) when it is not one this code wrote."""
    if len(raw) > MANIFEST_MAX_BYTES:
        raise ValueError("too large")
    manifest = json.loads(raw.decode("utf-8"))
    if manifest["format"] != FORMAT:
        raise ValueError(f"format {manifest['format']!r}")
    engine = manifest["database"]["engine"]
    if engine not in DATABASE_FILES or manifest["database"]["file"] != DATABASE_FILES[engine]:
        raise ValueError(f"database {manifest['database']!r}")
    if manifest["database"]["file"] not in manifest["files"]:
        raise ValueError("the database file is not listed")
    for name, entry in manifest["files"].items():
        if _member_path(name) is None:
            raise ValueError(f"file name {name!r}")
        if not isinstance(entry["sha256"], str) or not isinstance(entry["size"], int):
            raise TypeError(f"entry of {name!r}")
    if not all(isinstance(n, int) for n in manifest["row_counts"].values()):
        raise ValueError("row counts")
    manifest["migrations"] = dict(manifest["migrations"])
    manifest["created_at"] = str(manifest["created_at"])
    return manifest


def migration_notes(migrations: Mapping[str, str]) -> list[str]:
    """What the operator must know about the backup's migrations against this code."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    leaves: dict[str, str] = {}
    for app, name in sorted(graph.leaf_nodes()):
        leaves[app] = name
    notes = []
    unknown = [
        f"{app}.{name}" for app, name in migrations.items() if (app, name) not in graph.nodes
    ]
    if unknown:
        notes.append(
            _(
                "The backup was made by a newer version of the code (migration %(migration)s "
                "is unknown here): deploy that version before using this database."
            )
            % {"migration": unknown[0]}
        )
    elif any(migrations.get(app) != name for app, name in leaves.items()):
        notes.append(
            _("This code has migrations the backup does not: run `manage.py migrate` now.")
        )
    return notes


# ------------------------------------------------------------------------- restoring


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _replace_file(source: Path, target: Path) -> None:
    """Copy to a temporary file beside ``target``, then rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.restore-{secrets.token_hex(4)}"
    try:
        with source.open("rb") as src, temporary.open("xb") as out:
            shutil.copyfileobj(src, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _restore_media(manifest: Manifest, staging: Path, media_root: Path) -> tuple[int, int, int]:
    """Put every archived file back; returns (written, already identical, not in the backup)."""
    written = unchanged = 0
    listed = set()
    for name, entry in manifest["files"].items():
        path = PurePosixPath(name)
        if path.parts[0] != MEDIA:
            continue
        relative = path.relative_to(MEDIA)
        listed.add(relative.as_posix())
        target = media_root.joinpath(*relative.parts)
        if target.is_file() and _sha256(target) == entry["sha256"]:
            unchanged += 1
            continue
        _replace_file(staging.joinpath(*path.parts), target)
        written += 1
    extra = sum(
        1
        for _path, arcname in _media_files(media_root, skip=[])
        if arcname[len(MEDIA) + 1 :] not in listed
    )
    return written, unchanged, extra


def _pg_restore(database: Database, dump: Path) -> None:
    pg_restore = _program("pg_restore")
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_pg_dsn(database)}",
            str(dump),
        ],
        env=_pg_environment(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(
            _(
                "pg_restore failed; the database was left as it was (the restore runs in "
                "one transaction): %(error)s"
            )
            % {"error": _tail(done.stderr)}
        )


def _sqlite_release(database: Database) -> None:
    """Make sure nobody else has the SQLite database open, with no stale WAL beside it."""
    target = _sqlite_path(database)
    if not target.exists():
        return
    # Fold any write-ahead log into the file and close: SQLite deletes the log
    # when the last connection closes, so a log still there means that another
    # process (the server, a worker) has the database open.
    con = sqlite3.connect(target)
    try:
        busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        con.close()
    if busy or target.with_name(target.name + "-wal").exists():
        raise BackupError(
            _(
                "The SQLite database %(path)s is in use: stop the server and the workers, "
                "then restore again; nothing was changed."
            )
            % {"path": target}
        )


def _sqlite_replace(database: Database, copy: Path) -> None:
    """Rename a copy of the backup over the database file (after _sqlite_release)."""
    target = _sqlite_path(database)
    target.with_name(target.name + "-shm").unlink(missing_ok=True)
    _replace_file(copy, target)


def _count_differences(expected: Mapping[str, int], found: Mapping[str, int]) -> list[str]:
    return [
        f"{table}: {count} → {found.get(table, '-')}"
        for table, count in sorted(expected.items())
        if found.get(table) != count
    ]


def restore(
    *, archive: Path, database: Database, media_root: Path, confirmed: bool
) -> RestoreResult:
    """Check ``archive``, then restore its files and database and check the row counts.

    Refuses, changing nothing, when the archive is damaged or altered, when it
    holds another engine's database, and when the target database has data
    and ``confirmed`` is False.
    """
    with tempfile.TemporaryDirectory(prefix="chuprong-restore-") as staging_dir:
        staging = Path(staging_dir)
        manifest = archive_unpack(archive, staging)
        engine = manifest["database"]["engine"]
        if engine != database.engine:
            raise BackupError(
                _(
                    "The archive holds a %(archive)s database but the target database is "
                    "%(target)s; nothing was changed."
                )
                % {"archive": engine, "target": database.engine}
            )
        if database.engine == POSTGRESQL:
            _program("pg_restore")
        else:
            _sqlite_path(database)
        present = row_counts(database)
        rows = sum(present.values())
        if rows and not confirmed:
            raise BackupError(
                _(
                    "The target database already has data (%(rows)d rows in %(tables)d "
                    "tables) and restoring replaces it: run again with --yes "
                    "(make restore … CONFIRM=1) to go ahead. Nothing was changed."
                )
                % {"rows": rows, "tables": sum(1 for n in present.values() if n)}
            )
        dump = staging / manifest["database"]["file"]
        if database.engine == SQLITE:
            con = _sqlite_read_only(dump)
            try:
                in_copy = _sqlite_counts(con)
            finally:
                con.close()
            differences = _count_differences(manifest["row_counts"], in_copy)
            if differences:
                raise _damaged(archive, "; ".join(differences[:5]))
        if database.same_as(connections["default"].settings_dict):
            connections["default"].close()
        if database.engine == SQLITE:
            _sqlite_release(database)
        written, unchanged, extra = _restore_media(manifest, staging, media_root)
        if database.engine == POSTGRESQL:
            _pg_restore(database, dump)
        else:
            _sqlite_replace(database, dump)
    differences = _count_differences(manifest["row_counts"], row_counts(database))
    if differences:
        raise BackupError(
            _("Restored, but the row counts differ from the manifest: %(tables)s.")
            % {"tables": "; ".join(differences[:10])}
        )
    return RestoreResult(
        manifest=manifest,
        files_written=written,
        files_unchanged=unchanged,
        files_extra=extra,
        notes=migration_notes(manifest["migrations"]),
    )
