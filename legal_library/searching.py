"""The search index of documents, for both databases (no model import: migrations use it).

PostgreSQL: ``Document.search_vector``, a weighted ``tsvector`` (title and number A,
summary B, text C) of the folded words in the 'simple' configuration, GIN-indexed, and
``Document.search_head``, the same of title, number and summary alone (for the tiers).
SQLite: the FTS5 table ``FTS_TABLE`` (columns number, title, summary, body) of the same
folded words, its rowid the document's id. ``services.document_save`` keeps both in step.
"""

import re

from kit.text import fold, words

FTS_TABLE = "legal_library_document_fts"
FTS_COLUMNS = ("number", "title", "summary", "body")
# Constant SQL (the words are always parameters).
_SQLITE_DELETE = "DELETE FROM legal_library_document_fts WHERE rowid = %s"
_SQLITE_INSERT = (
    "INSERT INTO legal_library_document_fts (rowid, number, title, summary, body)"
    " VALUES (%s, %s, %s, %s, %s)"
)
_POSTGRESQL_UPDATE = (
    "UPDATE legal_library_document SET search_vector ="
    " setweight(to_tsvector('simple', %s), 'A')"
    " || setweight(to_tsvector('simple', %s), 'B')"
    " || setweight(to_tsvector('simple', %s), 'C') WHERE id = %s"
)
_POSTGRESQL_HEAD_UPDATE = (
    "UPDATE legal_library_document SET search_head ="
    " setweight(to_tsvector('simple', %s), 'A')"
    " || setweight(to_tsvector('simple', %s), 'B') WHERE id = %s"
)
# A document's id among those matching an FTS5 query; its relevance (bm25 weights of
# number, title, summary, body: higher is better).
SQLITE_MATCHES = (
    '"legal_library_document"."id" IN (SELECT rowid FROM legal_library_document_fts'
    " WHERE legal_library_document_fts MATCH %s)"
)
# Joined once to the documents (``QuerySet.extra``): the FTS5 row of each document
# matching the query, and its relevance from that same pass (bm25 weights of number,
# title, summary, body: higher is better), not a second FTS5 query per matching row.
SQLITE_JOIN = '"legal_library_document_fts"."rowid" = "legal_library_document"."id"'
SQLITE_JOIN_MATCHES = '"legal_library_document_fts" MATCH %s'
SQLITE_RANK = '-bm25("legal_library_document_fts", 10.0, 10.0, 3.0, 1.0)'
POSTGRESQL_MATCHES = '"legal_library_document"."search_vector" @@ to_tsquery(\'simple\', %s)'
# The tiers (every word in the title or number, in those or the summary) on the small
# vector of those parts alone: the whole one is read from TOAST at each use, per row.
POSTGRESQL_HEAD_MATCHES = '"legal_library_document"."search_head" @@ to_tsquery(\'simple\', %s)'
POSTGRESQL_RANK = 'ts_rank("legal_library_document"."search_vector", to_tsquery(\'simple\', %s))'
_NOT_KEY = re.compile(r"[^0-9a-z]+")


def number_key(text: str) -> str:
    """A document number however it is typed: "126/2014/NĐ-CP", "126-2014-nd-cp" →
    "1262014ndcp" (folded, đ → d, separators removed)."""
    return _NOT_KEY.sub("", fold(text))


def index_columns(*, number: str, title: str, summary: str, body_text: str) -> dict[str, str]:
    """The folded words of each indexed part of a document."""
    parts = {"number": number, "title": title, "summary": summary, "body": body_text}
    return {name: " ".join(words(value)) for name, value in parts.items()}


def write_index(connection, pk: int, columns: dict[str, str], *, head: bool = True) -> None:
    """Store a document's indexed words (``index_columns``) in this database's index
    (``head=False``: not PostgreSQL's ``search_head``, for migrations before it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            title = f"{columns['number']} {columns['title']}"
            cursor.execute(_POSTGRESQL_UPDATE, [title, columns["summary"], columns["body"], pk])
            if head:
                cursor.execute(_POSTGRESQL_HEAD_UPDATE, [title, columns["summary"], pk])
        elif connection.vendor == "sqlite":
            cursor.execute(_SQLITE_DELETE, [pk])
            cursor.execute(_SQLITE_INSERT, [pk, *sqlite_values(columns)])


def sqlite_values(columns: dict[str, str]) -> list[str]:
    """The FTS5 row: the number column also holds the number joined up (``522014qh13``),
    so a number typed without separators is found there too (PostgreSQL has the key)."""
    values = dict(columns)
    parts = columns["number"].split()
    if len(parts) > 1:
        values["number"] = f"{columns['number']} {''.join(parts)}"
    return [values[name] for name in FTS_COLUMNS]


def remove_index(connection, pk: int) -> None:
    """Forget a deleted document (PostgreSQL's vector goes with its row)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(_SQLITE_DELETE, [pk])
