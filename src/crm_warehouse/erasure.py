"""Erasure (right to be forgotten, PIPL art. 47 / GDPR art. 17) across the whole warehouse.

An erasure request (``privacy/erasure_requests``: request_id, identifier_type,
identifier_value, requested_at) names a person by one identifier. Two steps run in
every ``crm build`` / ``crm run`` (and ``crm erase``):

1. **Before dbt** (:func:`suppress_reloaded`): rows of export files loaded since the
   last check whose identifiers hash to an erased identifier (an old export loaded
   again) are scrubbed in ``raw`` and ``audit.rejected_rows``, so the build never sees
   them. Only a keyed hash of every erased identifier is remembered
   (``audit.erased_identifiers``), so this step hashes the new rows' identifiers in
   DuckDB (HMAC-SHA256 with the warehouse's secret, the same key as
   ``crm_keyed_hash``) and compares.
2. **After dbt** (:func:`process_requests`): each new request is resolved with the
   freshly built ``pii.customer_identity_map``: the customers holding the identifier as
   an account or registered identifier, and all of their account and registered
   identifiers (mobile, email, member card, unionid, openid, external_userid). A weak
   link (a receiver's phone, a guide's remark) never pulls a customer in: it may be
   someone else's number. A request whose identifier no customer holds still erases
   that identifier wherever it appears. Then every table of every schema is scrubbed
   in place (discovered from ``information_schema``, so new models are covered), the
   hashes are remembered, the request's own value is replaced by its keyed hash and
   ``audit.erasure_log`` gets one row per request.

What is scrubbed is decided by column name (the patterns below, in one place). A row
belongs to the erased person when a *subject* identifier column (the record's own
account key: member card, unionid, openid, external_userid, a privacy record's
identifier, an identity record's value, a campaign recipient) holds an erased
identifier, its customer key is an erased customer's, or its identity-graph node is
one of theirs. In such a row every personal column is scrubbed: identifiers,
names, birth dates, masked forms and keyed hashes of them, identity-graph node ids
(hashes of identifiers: nulled), and keys that models derive by hashing identifiers
(contact_id, send_id, ...: re-keyed with a salt derived from the warehouse's secret,
so they stay set, joinable and the same in every build of the same inputs, but are no
longer derivable from the identifier without the secret). A *contact* column
(a phone or email that may be someone else's: a receiver's phone, a checkout phone)
holding an erased value loses that value only; the rest of that row is another
person's. Rows are never deleted: amounts, dates, stores, stages stay, so orders,
revenue and KPIs still count the erased person as a de-identified customer.

Replacements. In ``raw`` an identifier becomes a tombstone ``erased-<16 hex>``, the
same for one value everywhere in one pass (so a re-exported record still
de-duplicates, an order still finds its member card and keys stay unique); the token
is an MD5 of the position (table, file, line, column) where the value was first met,
so it is deterministic for the same inputs, and nothing the warehouse keeps leads
from the person (or the keyed hash it remembers) to it. Staging keeps tombstones as
opaque identifiers, in account-key columns and in phone and email columns alike
(mobile_quality ``erased``; macros/privacy/tombstones.sql), so the next build links
the records that shared an erased value as before: the erased person's records,
orders linked by the erased phone alone included, stitch into one de-identified
customer. A tombstone is never shown, masked, hashed for BI, contacted, or matched by
a placeholder or blocklist rule (hub limits still apply). Staging, scrubbed in place,
takes the same tombstones as raw, in phone and email columns too (their quality flag
``erased``), i.e. what a rebuild from the scrubbed raw rows would stage, so a record
that is not staged again stays linked. In the other schemas identifiers take the
same tombstone (or null), phones, emails and other personal columns null (a
restricted or BI phone column never holds a tombstone); an erased customer's key
('c_' + a keyed hash of one of their identifiers, see int_customer_keys) is replaced
everywhere by a new key derived from the tombstones (keyed the same way), and
retired keys merged into it (audit.customer_id_changes) too. Each erasure request's own
``identifier_value`` becomes ``erased-hmac:<keyed hash>`` so the controller can still
answer "was my request carried out?" for a person who gives the identifier again.

An UPDATE leaves old values in the database file's free blocks, so after a pass that
changed rows the file is rewritten (:func:`compact`, ``COPY FROM DATABASE`` into a new
file that replaces the old one).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from crm_warehouse.keyed_hash import install_keyed_hash
from crm_warehouse.settings import ENV_HASH_SECRET, warehouse_hash_secret

MIN_SECRET_LENGTH = 16
ENV_COMPACT = "CRM_ERASURE_COMPACT"
INTEGER_TYPES = {"BIGINT", "INTEGER", "HUGEINT", "UBIGINT", "UINTEGER"}

# --- personal-data columns, by name -------------------------------------------------
#: The record's own account key or subject: a match makes the whole row the person's.
SUBJECT_COLUMN = re.compile(
    r"^(?:.*_)?(?:member_card_no|unionid|openid|external_userid)$"
    r"|^(?:identifier_value|anchor_value|record_id|record_key)$"
    r"|^recipient_(?:mobile|email|unionid|openid)$"
)
#: A phone or email that may be someone else's: a match scrubs that value only.
CONTACT_COLUMN = re.compile(r"^(?:.*_)?(?:mobile|email)$")
#: Several phones in one text (a WeCom remark): each matching phone is scrubbed.
MULTI_CONTACT_COLUMN = re.compile(r"^(?:.*_)?mobiles$")
#: Customer keys: erased customers get a new key (remapped consistently everywhere).
CUSTOMER_KEY_COLUMN = re.compile(r"^(?:.*_)?customer_id$")
#: Identity-graph ids (hashes of identifiers, or the smallest one of a cluster).
NODE_COLUMN = re.compile(r"^(?:.*_)?(?:node_id|cluster_id|component_id|unit_id|account_id)$")
#: Keys that models derive by hashing identifiers (an md5 of external_userid, a keyed
#: hash of a recipient's phone or of a consent's identifier...): re-keyed in the
#: person's rows with a salt derived from the secret (consistent across tables and
#: builds), so not even a keyed hash of the identifier stays in them.
DERIVED_KEY_COLUMN = re.compile(
    r"^(?:contact_id|contact_remark_mobile_id|send_id|consent_record_id)$"
)
#: Personal data that is not an identifier: nulled in the person's rows.
PERSON_NAME_COLUMN = re.compile(
    r"^(?:name|nickname|(?:member|customer|contact|receiver|recipient|holder)_name)$"
)
BIRTH_DATE_COLUMN = re.compile(r"^(?:.*_)?(?:birthday|birth_date)$")
MASKED_OR_KEYED_COLUMN = re.compile(
    r"_masked$|^(?:mobile|email|phone|name|holder_name|unionid|openid)_key$"
)
#: A value quoted from a record (audit.staging_rejections.raw_value): nulled in the
#: person's rows.
QUOTED_VALUE_COLUMN = re.compile(r"^raw_value$")
#: Free text that may quote a whole export line (audit.rejected_rows.raw_text).
FREE_TEXT_COLUMN = re.compile(r"^raw_text$")
#: Columns pairing an identity-graph node id with the identifier it hashes.
NODE_VALUE_PAIRS = (
    ("node_id", "identifier_value"),
    ("anchor_node_id", "anchor_value"),
    ("record_node_id", "record_id"),
)
#: The erasure bookkeeping itself (hashes and counts only) is never scrubbed.
BOOKKEEPING_TABLES = {
    ("audit", "erased_identifiers"),
    ("audit", "erasure_log"),
    ("audit", "erasure_state"),
}
REQUESTS_TABLE_SUFFIX = "erasure_requests"
#: The landing schema: export rows with their file and line (tombstones, not nulls).
RAW_SCHEMA = "raw"
#: Staging keeps tombstones as opaque identifiers (phones and emails too): scrubbed in
#: place, it takes what a rebuild from the scrubbed raw rows would stage.
STAGING_SCHEMA = "staging"
#: The quality flag staging gives a phone that is a tombstone (mobile_quality).
TOMBSTONE_QUALITY = "erased"
TOMBSTONE_PREFIX = "erased-"
REQUEST_MARKER_PREFIX = "erased-hmac:"
FREE_TEXT_TOMBSTONE = "[erased: personal data removed]"
#: Stitching placements that say an identifier is the customer's own (not a weak link).
OWN_PLACEMENTS = ("account", "registered")
#: A WeCom remark's phones are separated by ; or , (as stg_wecom__contact_remark_mobiles).
MULTI_SEPARATOR = "[;,；，]"  # noqa: RUF001

AUDIT_DDL = """
create schema if not exists audit;
create table if not exists audit.erased_identifiers (
    identifier_type varchar,
    identifier_hash varchar,
    first_request_id varchar,
    erased_at timestamp
);
create table if not exists audit.erasure_log (
    request_id varchar,
    status varchar,
    processed_at timestamp,
    customers_erased integer,
    identifiers_erased integer,
    tables_scrubbed integer,
    rows_scrubbed bigint,
    batch_id varchar,
    details varchar
);
create table if not exists audit.erasure_state (
    last_checked_file_id bigint,
    hash_key_check varchar,
    updated_at timestamp
);
"""

# Normalisation shared by both passes, as DuckDB macros (temporary, per connection):
# the same rules as the staging macros (normalize_mobile's digits, normalize_identifier
# and normalize_email's squeeze), so a raw spelling meets its staged value.
FULLWIDTH = "０１２３４５６７８９＋－（）　"  # noqa: RUF001
MACROS_SQL = (
    r"""
create or replace temp macro erasure_fullwidth(x) as
    translate(x, '"""
    + FULLWIDTH
    + r"""', '0123456789+-() ');
create or replace temp macro erasure_digits(x) as
    regexp_replace(
        regexp_replace(
            regexp_replace(erasure_fullwidth(x), '[[:space:]().-]', '', 'g'),
            '^[+]', ''),
        '^(0086|86)(1[0-9]{10})$', '\2');
create or replace temp macro erasure_squeeze(x) as
    lower(regexp_replace(erasure_fullwidth(x), '[[:space:]]+', '', 'g'));
create or replace temp macro erasure_canon(x) as
    case
        when x is null then null
        when regexp_full_match(erasure_digits(x), '1[3-9][0-9]{9}') then erasure_digits(x)
        else nullif(erasure_squeeze(x), '')
    end;
"""
)


class ErasureError(RuntimeError):
    """The erasure step cannot run safely (e.g. the hash secret changed)."""


@dataclass
class TableColumns:
    schema: str
    table: str
    subject: list[str] = field(default_factory=list)
    contact: list[str] = field(default_factory=list)
    multi: list[str] = field(default_factory=list)
    customer: list[str] = field(default_factory=list)
    node: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    births: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)
    all_columns: list[str] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        return f'"{self.schema}"."{self.table}"'

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def is_raw(self) -> bool:
        """Export rows as loaded, with their file and line."""
        return (
            self.schema == RAW_SCHEMA
            and "_source_file" in self.all_columns
            and "_source_line" in self.all_columns
        )

    @property
    def keeps_tombstones(self) -> bool:
        """Raw and staging hold a tombstone where a phone or email was erased; every
        other schema holds null there (a restricted or BI phone column never holds
        one)."""
        return self.is_raw or self.schema == STAGING_SCHEMA

    def quality_of(self, column: str) -> str | None:
        """The staging quality flag of a phone column (mobile -> mobile_quality)."""
        name = column + "_quality"
        return name if self.schema == STAGING_SCHEMA and name in self.all_columns else None

    @property
    def file_id_column(self) -> str | None:
        if "_file_id" in self.all_columns:
            return "_file_id"
        if self.free_text and "file_id" in self.all_columns:
            return "file_id"
        return None

    @property
    def is_requests(self) -> bool:
        return self.table.endswith(REQUESTS_TABLE_SUFFIX) and "request_id" in self.all_columns

    @property
    def matchable(self) -> bool:
        return bool(
            self.subject or self.contact or self.multi or self.customer or self.node
        ) or bool(self.free_text)


def classify(schema: str, table: str, columns: Iterable[tuple[str, str]]) -> TableColumns:
    """Sort a table's columns into the kinds above (by name, then by type)."""
    result = TableColumns(schema, table)
    for name, data_type in columns:
        result.all_columns.append(name)
        text = data_type.upper().startswith("VARCHAR")
        if FREE_TEXT_COLUMN.search(name) and text:
            result.free_text.append(name)
        elif SUBJECT_COLUMN.search(name) and text:
            result.subject.append(name)
        elif CONTACT_COLUMN.search(name) and text:
            result.contact.append(name)
        elif MULTI_CONTACT_COLUMN.search(name) and text:
            result.multi.append(name)
        elif CUSTOMER_KEY_COLUMN.search(name) and text:
            result.customer.append(name)
        elif NODE_COLUMN.search(name) and data_type.upper() in INTEGER_TYPES:
            result.node.append(name)
        elif DERIVED_KEY_COLUMN.search(name):
            result.derived.append(name)
        elif PERSON_NAME_COLUMN.search(name):
            result.names.append(name)
        elif BIRTH_DATE_COLUMN.search(name):
            result.births.append(name)
        elif MASKED_OR_KEYED_COLUMN.search(name) or QUOTED_VALUE_COLUMN.search(name):
            result.masked.append(name)
    return result


def discover_tables(con: duckdb.DuckDBPyConnection) -> list[TableColumns]:
    """Every base table of the warehouse (all schemas), classified."""
    rows = con.execute(
        """
        select c.table_schema, c.table_name, list((c.column_name, c.data_type)
            order by c.ordinal_position)
        from information_schema.columns as c
        inner join information_schema.tables as t
            on c.table_catalog = t.table_catalog
            and c.table_schema = t.table_schema
            and c.table_name = t.table_name
        where t.table_type = 'BASE TABLE'
            and c.table_catalog = current_database()
            and c.table_schema not in ('information_schema', 'pg_catalog')
        group by 1, 2
        order by 1, 2
        """
    ).fetchall()
    tables = []
    for schema, table, columns in rows:
        if (schema, table) in BOOKKEEPING_TABLES:
            continue
        classified = classify(schema, table, [(c[0], c[1]) for c in columns])
        if classified.matchable:
            tables.append(classified)
    return tables


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- the key ------------------------------------------------------------------------


def hash_secret(database: Path) -> str:
    """The warehouse's keyed-hash secret: CRM_HASH_SECRET, else <database>.hash-secret
    (the same key dbt's crm_keyed_hash uses)."""
    secret = os.environ.get(ENV_HASH_SECRET) or warehouse_hash_secret(database)
    if len(secret) < MIN_SECRET_LENGTH:
        raise ErasureError(f"{ENV_HASH_SECRET} must hold at least {MIN_SECRET_LENGTH} characters")
    return secret


def erased_identifier_hash(secret: str, canonical_value: str) -> str:
    """What audit.erased_identifiers remembers of an identifier: HMAC-SHA256 of
    ``erased|<value>`` (domain-separated from the marts' mobile_key / email_key, so the
    list cannot be joined to them)."""
    return hmac.new(
        secret.encode(), ("erased|" + canonical_value).encode(), hashlib.sha256
    ).hexdigest()


def _key_check(secret: str) -> str:
    return hmac.new(secret.encode(), b"crm-erasure-key-check", hashlib.sha256).hexdigest()


def _derived_key_salt(secret: str) -> str:
    """The salt that re-keys derived keys (send_id...) of erased rows: secret-derived,
    so two builds of the same inputs re-key alike (deterministic marts), yet a key
    cannot be recomputed from the identifier without the secret."""
    return hmac.new(secret.encode(), b"crm-erasure-derived-key", hashlib.sha256).hexdigest()


def _install_key(con: duckdb.DuckDBPyConnection, secret: str) -> None:
    """crm_keyed_hash on this connection: the same HMAC in SQL that dbt's models use
    (the key's pads in session variables, never in SQL text; a Python function would
    be far slower)."""
    install_keyed_hash(con, secret.encode())


def _hmac_sql(expr: str) -> str:
    """SQL for HMAC-SHA256(key, 'erased|' || expr), hex; needs _install_key."""
    return f"crm_keyed_hash('erased|' || {expr})"


# --- results ------------------------------------------------------------------------


@dataclass
class ErasureResult:
    requests: int = 0
    deferred: int = 0
    customers: int = 0
    identifiers: int = 0
    reloaded_identifiers: int = 0
    rows_by_table: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.rows_by_table.values())

    @property
    def tables(self) -> int:
        return sum(1 for n in self.rows_by_table.values() if n)

    def render(self) -> str:
        parts = []
        if self.requests:
            parts.append(
                f"{self.requests} request(s): {self.customers} customer(s), "
                f"{self.identifiers} identifier(s) erased"
            )
        if self.deferred:
            parts.append(
                f"{self.deferred} request(s) wait for the first build (no identity map yet)"
            )
        if self.reloaded_identifiers:
            parts.append(
                f"{self.reloaded_identifiers} erased identifier(s) found again in new files"
            )
        if not parts:
            return f"erasure: nothing to erase ({self.seconds:.1f}s)"
        return (
            "erasure: "
            + "; ".join(parts)
            + f"; {self.rows:,} rows scrubbed in {self.tables} tables ({self.seconds:.1f}s)"
        )


# --- connection helpers -------------------------------------------------------------


def _connect(database: Path) -> duckdb.DuckDBPyConnection:
    if not database.exists():
        raise ErasureError(f"{database}: no such database")
    con = duckdb.connect(str(database))
    con.execute("set enable_progress_bar = false")
    con.execute("set memory_limit = '" + os.environ.get("CRM_DUCKDB_MEMORY_LIMIT", "2500MB") + "'")
    # the same optimizer stays off as in profiles.yml (a DuckDB 2.0.0 anti-join bug)
    con.execute("set disabled_optimizers = 'outer_join_simplification'")
    con.execute(AUDIT_DDL)
    con.execute(MACROS_SQL)
    return con


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? "
            "and table_name = ? and table_catalog = current_database()",
            [schema, table],
        ).fetchall()[0][0]
    )


def _max_file_id(con: duckdb.DuckDBPyConnection) -> int:
    if not _exists(con, "audit", "load_manifest"):
        return 0
    return int(
        con.execute("select coalesce(max(file_id), 0) from audit.load_manifest").fetchall()[0][0]
    )


def _state(con: duckdb.DuckDBPyConnection) -> tuple[int, str | None]:
    rows = con.execute(
        "select last_checked_file_id, hash_key_check from audit.erasure_state"
    ).fetchall()
    return (int(rows[0][0] or 0), rows[0][1]) if rows else (0, None)


def _save_state(con: duckdb.DuckDBPyConnection, file_id: int, key_check: str) -> None:
    con.execute("delete from audit.erasure_state")
    con.execute(
        "insert into audit.erasure_state values (?, ?, ?)",
        [file_id, key_check, _now()],
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check_key(con: duckdb.DuckDBPyConnection, secret: str) -> None:
    """Refuse to run with another secret than the erased identifiers were hashed with:
    old exports loaded again would no longer be recognised."""
    _, stored = _state(con)
    erased = con.execute("select count(*) from audit.erased_identifiers").fetchall()[0][0]
    if stored and erased and stored != _key_check(secret):
        raise ErasureError(
            "the keyed-hash secret differs from the one the erased identifiers were "
            f"hashed with (audit.erased_identifiers, {erased} rows): use the warehouse's "
            f"original {ENV_HASH_SECRET} or <database>.hash-secret"
        )


# --- the scrub ----------------------------------------------------------------------


def _in_values(expr: str) -> str:
    return f"erasure_canon({expr}) in (select v from erasure_values)"


def _staged_in_values(expr: str) -> str:
    """Outside raw, identifiers are staged (normalised): a cheap comparison will do."""
    return f"lower(replace({expr}, ' ', '')) in (select v from erasure_values)"


def _column_matches(t: TableColumns, column: str, since_file_id: int | None) -> str:
    """t.<column> holds an erased identifier. Raw spellings are normalised once per
    distinct value (the regular expressions are the cost of a pass)."""
    col = quote(column)
    if not t.is_raw:
        return _staged_in_values(f"t.{col}")
    new = ""
    if since_file_id is not None and t.file_id_column:
        new = f" where {quote(t.file_id_column)} > {int(since_file_id)}"
    return (
        f"t.{col} in (select d.x from (select distinct {col} as x from {t.qualified}{new}) "
        "as d where erasure_canon(d.x) in (select v from erasure_values))"
    )


def _multi_parts(expr: str) -> str:
    return f"string_split_regex({expr}, '{MULTI_SEPARATOR}')"


def _row_predicate(t: TableColumns, since_file_id: int | None) -> str:
    """The row belongs to an erased person (see the module docstring)."""
    terms = [_column_matches(t, c, since_file_id) for c in t.subject]
    terms += [f"t.{quote(c)} in (select old_id from erasure_customer_groups)" for c in t.customer]
    terms += [f"t.{quote(c)} in (select node_id from erasure_nodes)" for c in t.node]
    for c in t.free_text:
        text = f"t.{quote(c)}"
        terms.append(
            "exists (select 1 from erasure_values as ev where "
            f"contains(erasure_squeeze({text}), ev.v) "
            f"or contains(erasure_digits({text}), ev.v))"
        )
    return " or ".join(f"({term})" for term in terms) if terms else "false"


def _contact_predicate(t: TableColumns, column: str, since_file_id: int | None) -> str:
    return _column_matches(t, column, since_file_id)


def _multi_predicate(column: str) -> str:
    """Needs `from erasure_token_map as tm`."""
    return (
        f"list_has_any(list_transform({_multi_parts('t.' + quote(column))}, "
        "lambda x: erasure_canon(x)), tm.ev)"
    )


def _file_filter(t: TableColumns, since_file_id: int | None) -> str:
    if since_file_id is None:
        return "true"
    column = t.file_id_column
    if column is None:
        return "false"
    return f"t.{quote(column)} > {int(since_file_id)}"


def _collect_hits(
    con: duckdb.DuckDBPyConnection, tables: list[TableColumns], since_file_id: int | None
) -> None:
    """erasure_hits(tbl, rid): the rows of erased people, per table index."""
    con.execute("create or replace temp table erasure_hits (tbl integer, rid bigint)")
    for i, t in enumerate(tables):
        if t.is_requests:
            continue
        con.execute(
            f"insert into erasure_hits select {i}, t.rowid from {t.qualified} as t "
            f"where ({_file_filter(t, since_file_id)}) and ({_row_predicate(t, since_file_id)})"
        )


def _collect_tokens(
    con: duckdb.DuckDBPyConnection, tables: list[TableColumns], since_file_id: int | None
) -> None:
    """erasure_tokens(v, token): one tombstone per identifier value replaced in raw,
    from the position where it was first met (deterministic, unlinkable to the value)."""
    con.execute("create or replace temp table erasure_cells (v varchar, position varchar)")
    for i, t in enumerate(tables):
        if not t.is_raw or t.is_requests:
            continue
        line = "lpad(cast(t._source_line as varchar), 12, '0')"
        position = f"'{t.name}|' || t._source_file || '|' || {line}"
        hit = f"t.rowid in (select rid from erasure_hits where tbl = {i})"
        for c in t.subject + t.contact:
            con.execute(
                f"insert into erasure_cells select erasure_canon(t.{quote(c)}), "
                f"{position} || '|{c}' from {t.qualified} as t where {hit} "
                f"and t.{quote(c)} is not null"
            )
        for c in t.contact:
            con.execute(
                f"insert into erasure_cells select erasure_canon(t.{quote(c)}), "
                f"{position} || '|{c}' from {t.qualified} as t "
                f"where ({_file_filter(t, since_file_id)}) "
                f"and {_contact_predicate(t, c, since_file_id)}"
            )
        for c in t.multi:
            con.execute(
                f"insert into erasure_cells select erasure_canon(part.x), {position} || "
                f"'|{c}|' || lpad(cast(part.i as varchar), 3, '0') from {t.qualified} as t "
                f"cross join unnest({_multi_parts('t.' + quote(c))}) with ordinality "
                f"as part(x, i) where ({hit} or (({_file_filter(t, since_file_id)}) "
                f"and erasure_canon(part.x) in (select v from erasure_values)))"
            )
    con.execute(
        f"""
        create or replace temp table erasure_tokens as
        select v, '{TOMBSTONE_PREFIX}' || substr(md5(min(position)), 1, 16) as token
        from erasure_cells
        where v is not null
        group by v
        """
    )
    # one row: the tokens as a map and the erased values as a list, for lambdas
    con.execute(
        """
        create or replace temp table erasure_token_map as
        select
            (select map_from_entries(list(struct_pack(k := v, v := token)))
             from erasure_tokens) as m,
            coalesce((select list(v) from erasure_values), []) as ev
        """
    )


def _token_or_null(expr: str) -> str:
    return f"(select token from erasure_tokens where erasure_tokens.v = erasure_canon({expr}))"


def _new_customer(expr: str) -> str:
    return f"coalesce((select new_id from erasure_customers where old_id = {expr}), {expr})"


def _multi_replace(expr: str, only_erased: bool, keep_tokens: bool) -> str:
    """Each phone of a multi-phone text replaced by its tombstone (raw) or dropped
    (elsewhere); only the erased ones when only_erased. Needs `from erasure_token_map
    as tm`."""
    condition = "list_contains(tm.ev, erasure_canon(x))" if only_erased else "true"
    replacement = (
        f"coalesce(tm.m[erasure_canon(x)], '{TOMBSTONE_PREFIX}')" if keep_tokens else "null"
    )
    return (
        f"nullif(array_to_string(list_filter(list_transform({_multi_parts(expr)}, "
        f"lambda x: case when {condition} then {replacement} else x end), "
        "lambda y: y is not null), ';'), '')"
    )


def _scrub_table(
    con: duckdb.DuckDBPyConnection, i: int, t: TableColumns, since_file_id: int | None
) -> int:
    """Scrub one table; returns the number of rows changed."""
    hits = con.execute(f"select count(*) from erasure_hits where tbl = {i}").fetchall()[0][0]
    if hits:
        sets = []
        for c in t.subject:
            # raw keeps a tombstone (keys stay unique and joinable); elsewhere the same
            # tombstone when the value was replaced in raw, else null
            sets.append(f"{quote(c)} = {_token_or_null('t.' + quote(c))}")
        for c in t.contact:
            if t.keeps_tombstones:
                sets += _contact_sets(t, c)
            else:  # a phone or email column outside raw and staging never holds one
                sets.append(f"{quote(c)} = null")
        for c in t.multi:
            sets.append(
                f"{quote(c)} = {_multi_replace('t.' + quote(c), False, t.keeps_tombstones)}"
            )
        for c in t.customer:
            sets.append(f"{quote(c)} = {_new_customer('t.' + quote(c))}")
        for c in t.derived:
            # keys of marts (send_id...) stay set and joinable within the pass, but
            # no longer derivable from the identifier they hashed
            sets.append(
                f"{quote(c)} = '{TOMBSTONE_PREFIX}' || substr(md5((select salt from "
                f"erasure_salt) || '|' || t.{quote(c)}), 1, 16)"
            )
        for c in t.node + t.names + t.births + t.masked:
            sets.append(f"{quote(c)} = null")
        for c in t.free_text:
            sets.append(f"{quote(c)} = '{FREE_TEXT_TOMBSTONE}'")
        con.execute(
            f"update {t.qualified} as t set {', '.join(sets)} from erasure_token_map as tm "
            f"where t.rowid in (select rid from erasure_hits where tbl = {i})"
        )
    changed = hits
    not_hit = f"t.rowid not in (select rid from erasure_hits where tbl = {i})"
    where = f"({_file_filter(t, since_file_id)}) and {not_hit}"
    for c in t.contact:
        sets = _contact_sets(t, c) if t.keeps_tombstones else [f"{quote(c)} = null"]
        changed += _changed(
            con,
            f"update {t.qualified} as t set {', '.join(sets)} "
            f"where {where} and {_contact_predicate(t, c, since_file_id)}",
        )
    for c in t.multi:
        changed += _changed(
            con,
            f"update {t.qualified} as t set {quote(c)} = "
            f"{_multi_replace('t.' + quote(c), True, t.keeps_tombstones)} "
            f"from erasure_token_map as tm where {where} and {_multi_predicate(c)}",
        )
    return int(changed)


def _contact_sets(t: TableColumns, c: str) -> list[str]:
    """SET clauses replacing a phone or email by its tombstone (null when the value was
    not replaced in raw); in staging its quality flag becomes `erased` with it, as
    mobile_quality gives a tombstone."""
    token = _token_or_null("t." + quote(c))
    sets = [f"{quote(c)} = {token}"]
    quality = t.quality_of(c)
    if quality:
        sets.append(
            f"{quote(quality)} = case when {token} is not null then '{TOMBSTONE_QUALITY}' "
            f"else t.{quote(quality)} end"
        )
    return sets


def _changed(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()
    return int(rows[0][0]) if rows else 0


def _mark_requests(
    con: duckdb.DuckDBPyConnection, tables: list[TableColumns], request_ids: list[str]
) -> int:
    """The erasure requests' own identifier values become their keyed hash marker."""
    con.execute("create or replace temp table erasure_request_ids (request_id varchar)")
    if request_ids:
        con.executemany("insert into erasure_request_ids values (?)", [[r] for r in request_ids])
    changed = 0
    for t in tables:
        if not t.is_requests or "identifier_value" not in t.all_columns:
            continue
        canon = "coalesce(erasure_canon(identifier_value), trim(identifier_value))"
        changed += _changed(
            con,
            f"update {t.qualified} set identifier_value = '{REQUEST_MARKER_PREFIX}' || "
            f"{_hmac_sql(canon)} where identifier_value is not null "
            f"and not starts_with(identifier_value, '{TOMBSTONE_PREFIX}') "
            "and (trim(request_id) in (select request_id from erasure_request_ids) "
            f"or {_in_values('identifier_value')})",
        )
    return changed


def _scrub(
    con: duckdb.DuckDBPyConnection,
    tables: list[TableColumns],
    since_file_id: int | None,
    request_ids: list[str],
    salt: str,
) -> dict[str, int]:
    """Scrub with the temp tables erasure_values(v), erasure_customers(old_id, new_id
    filled after the tokens), erasure_nodes(node_id) in place."""
    _collect_hits(con, tables, since_file_id)
    _collect_tokens(con, tables, since_file_id)
    _assign_new_customer_keys(con)
    # the salt for re-keying derived keys (temp: gone when the pass ends)
    con.execute("create or replace temp table erasure_salt as select ? as salt", [salt])
    rows: dict[str, int] = {}
    marked = _mark_requests(con, tables, request_ids)
    for i, t in enumerate(tables):
        if t.is_requests:
            continue
        n = _scrub_table(con, i, t, since_file_id)
        if n:
            rows[t.name] = n
    if marked:
        rows["(erasure requests)"] = marked
    return rows


def _assign_new_customer_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Erased customers' new keys, from the tombstones of their identifiers: 'c_' and
    16 hex digits, like int_customer_keys' keys, and keyed like them (HMAC-SHA256 with
    the warehouse secret; needs erasure_key), so not even someone who could recompute a
    tombstone from an old export's file and line can find the de-identified customer."""
    new_id = _hmac_sql(
        "'customer|' || anchor || '|' || "
        "cast(row_number() over (partition by anchor order by old_id) as varchar)"
    )
    con.execute(
        f"""
        create or replace temp table erasure_customers as
        with anchors as (
            select
                c.old_id,
                c.group_id,
                coalesce(min(tok.token), 'none') as anchor
            from erasure_customer_groups as c
            left join erasure_values_by_customer as e on e.customer_id = c.group_id
            left join erasure_tokens as tok on tok.v = e.v
            group by 1, 2
        )
        select
            old_id,
            'c_' || substr({new_id}, 1, 16) as new_id
        from anchors
        """
    )


# --- step 1: before dbt -------------------------------------------------------------


def _candidate_values(
    con: duckdb.DuckDBPyConnection, tables: list[TableColumns], since_file_id: int
) -> None:
    """erasure_candidates(v): every canonical identifier in rows of new files."""
    con.execute("create or replace temp table erasure_candidates (v varchar)")
    for t in tables:
        column = t.file_id_column
        if column is None:
            continue
        new = f"t.{quote(column)} > {since_file_id}"
        for c in t.subject + t.contact:
            con.execute(
                f"insert into erasure_candidates select distinct erasure_canon(d.x) from "
                f"(select distinct t.{quote(c)} as x from {t.qualified} as t where {new} "
                f"and t.{quote(c)} is not null) as d"
            )
        for c in t.multi:
            con.execute(
                "insert into erasure_candidates select distinct erasure_canon(part.x) "
                f"from {t.qualified} as t cross join unnest({_multi_parts('t.' + quote(c))}) "
                f"as part(x) where {new}"
            )
        for c in t.free_text:
            text = f"t.{quote(c)}"
            con.execute(
                f"""
                insert into erasure_candidates
                select distinct erasure_canon(x) from (
                    select unnest(regexp_extract_all(erasure_digits({text}),
                        '1[3-9][0-9]{{9}}')) as x
                    from {t.qualified} as t where {new}
                    union all
                    select unnest(regexp_extract_all(lower(erasure_fullwidth({text})),
                        '[a-z0-9._%+-]+@[a-z0-9.-]+|[a-z0-9_-]{{6,}}')) as x
                    from {t.qualified} as t where {new}
                )
                """
            )


def suppress_reloaded(database: Path) -> ErasureResult:
    """Before dbt: scrub rows of newly loaded files that carry an erased identifier."""
    started = time.perf_counter()
    result = ErasureResult()
    secret = hash_secret(database)
    con = _connect(database)
    try:
        _check_key(con, secret)
        since, _ = _state(con)
        latest = _max_file_id(con)
        erased = con.execute("select count(*) from audit.erased_identifiers").fetchall()[0][0]
        con.execute("begin transaction")
        if erased and latest > since:
            _install_key(con, secret)
            # what was loaded: raw tables and rejected lines (the rest is built later)
            tables = [t for t in discover_tables(con) if t.is_raw or t.free_text]
            _candidate_values(con, tables, since)
            con.execute(
                f"""
                create or replace temp table erasure_matches as
                select distinct c.v, e.identifier_type, e.first_request_id
                from (select distinct v from erasure_candidates where v is not null) as c
                inner join audit.erased_identifiers as e
                    on e.identifier_hash = {_hmac_sql("c.v")}
                """
            )
            matched = con.execute("select count(distinct v) from erasure_matches").fetchall()[0][0]
            if matched:
                con.execute(
                    "create or replace temp table erasure_values as "
                    "select distinct v from erasure_matches"
                )
                _empty_customers_and_nodes(con)
                result.rows_by_table = _scrub(con, tables, since, [], _derived_key_salt(secret))
                result.reloaded_identifiers = int(matched)
                _log_reloads(con, result)
        _save_state(con, latest, _key_check(secret))
        con.execute("commit")
    except BaseException:
        _rollback(con)
        raise
    finally:
        con.close()
    if result.rows:
        compact(database)
    result.seconds = time.perf_counter() - started
    return result


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")


def _empty_customers_and_nodes(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create or replace temp table erasure_customer_groups (old_id varchar, group_id varchar)"
    )
    con.execute(
        "create or replace temp table erasure_values_by_customer (customer_id varchar, v varchar)"
    )
    con.execute("create or replace temp table erasure_nodes (node_id bigint)")


def _log_reloads(con: duckdb.DuckDBPyConnection, result: ErasureResult) -> None:
    batch = uuid.uuid4().hex
    details = json.dumps({"rows_by_table": result.rows_by_table}, sort_keys=True)
    con.execute(
        """
        insert into audit.erasure_log
        select first_request_id, 'reloaded_rows_scrubbed', ?, 0, count(distinct v)::integer,
            ?, ?, ?, ?
        from erasure_matches
        group by first_request_id
        """,
        [_now(), result.tables, result.rows, batch, details],
    )


# --- step 2: after dbt --------------------------------------------------------------


@dataclass
class _Request:
    request_id: str
    identifier_type: str | None
    value: str | None
    requested_at: str | None


def _placeholders() -> tuple[list[str], list[str]]:
    """The placeholder phones and words of dbt_project.yml (vars): never erased, they
    identify nobody."""
    try:
        import yaml

        from crm_warehouse.settings import project_dir

        config = yaml.safe_load((project_dir() / "dbt_project.yml").read_text(encoding="utf-8"))
        variables = config.get("vars", {}) or {}
        return (
            [str(v) for v in variables.get("mobile_placeholders", [])],
            [str(v).lower() for v in variables.get("mobile_placeholder_words", [])],
        )
    except (OSError, ImportError, AttributeError, FileNotFoundError):
        return [], []


def _pending_requests(con: duckdb.DuckDBPyConnection) -> list[_Request]:
    """Requests to carry out, read from raw (so `crm erase` works right after `crm
    ingest`): the latest version of each request whose identifier is still in plain
    text, and requests without a valid identifier that are not logged yet. The
    identifier is normalised as staging does (normalize_typed_identifier); an erasure
    applies as soon as it is known, whatever the as-of date of the build."""
    if not _exists(con, RAW_SCHEMA, "privacy__erasure_requests"):
        return []
    numbers, words = _placeholders()
    rows = con.execute(
        f"""
        with versions as (
            select
                trim(request_id) as request_id,
                lower(trim(identifier_type)) as identifier_type,
                identifier_value,
                trim(requested_at) as requested_at,
                row_number() over (
                    partition by trim(request_id)
                    order by _file_id desc, _source_line desc
                ) as version_rank
            from {RAW_SCHEMA}.privacy__erasure_requests
            where nullif(trim(request_id), '') is not null
        ),
        latest as (
            select
                *,
                erasure_canon(identifier_value) as v,
                coalesce(starts_with(trim(identifier_value), '{TOMBSTONE_PREFIX}'), false)
                    as is_done
            from versions
            where version_rank = 1
        ),
        checked as (
            select
                *,
                case
                    when is_done or v is null then false
                    when v in (select unnest($numbers::varchar[]))
                        or v in (select unnest($words::varchar[])) then false
                    when identifier_type = 'mobile'
                        then regexp_full_match(v, '1[3-9][0-9]{{9}}')
                    when identifier_type = 'email'
                        then regexp_full_match(v, '[^@]+@[^@.]+([.][^@.]+)+')
                    else identifier_type in (
                        'unionid', 'openid', 'external_userid', 'member_card'
                    )
                end as is_valid
            from latest
        )
        select request_id, identifier_type, case when is_valid then v end, requested_at
        from checked
        where is_valid or (
            not is_done and request_id not in (
                select request_id from audit.erasure_log where request_id is not null
            )
        )
        order by request_id
        """,
        {"numbers": numbers, "words": words},
    ).fetchall()
    return [_Request(*row) for row in rows]


def _resolve(con: duckdb.DuckDBPyConnection, requests: list[_Request]) -> None:
    """erasure_values_by_request, erasure_values, erasure_customer_groups,
    erasure_values_by_customer and erasure_nodes for the valid requests."""
    con.execute(
        "create or replace temp table erasure_requests_new "
        "(request_id varchar, identifier_type varchar, v varchar)"
    )
    valid = [[r.request_id, r.identifier_type, r.value] for r in requests if r.value]
    if valid:
        con.executemany("insert into erasure_requests_new values (?, ?, ?)", valid)
    has_map = _exists(con, "pii", "customer_identity_map")
    owned = ", ".join(f"'{p}'" for p in OWN_PLACEMENTS)
    if has_map:
        con.execute(
            f"""
            create or replace temp table erasure_request_customers as
            select distinct r.request_id, m.customer_id
            from erasure_requests_new as r
            inner join pii.customer_identity_map as m
                on m.identifier_type = r.identifier_type
                and erasure_canon(m.identifier_value) = r.v
            where m.placed_by in ({owned}) and m.customer_id is not null
            """
        )
        con.execute(
            f"""
            create or replace temp table erasure_values_by_request as
            select request_id, identifier_type, v, cast(null as varchar) as customer_id
            from erasure_requests_new
            union
            select rc.request_id, m.identifier_type, erasure_canon(m.identifier_value),
                m.customer_id
            from erasure_request_customers as rc
            inner join pii.customer_identity_map as m on m.customer_id = rc.customer_id
            where m.placed_by in ({owned}) and m.identifier_value is not null
            """
        )
    else:
        con.execute(
            "create or replace temp table erasure_request_customers "
            "(request_id varchar, customer_id varchar)"
        )
        con.execute(
            "create or replace temp table erasure_values_by_request as "
            "select request_id, identifier_type, v, cast(null as varchar) as customer_id "
            "from erasure_requests_new"
        )
    con.execute(
        "create or replace temp table erasure_values as "
        "select distinct v from erasure_values_by_request where v is not null"
    )
    con.execute(
        "create or replace temp table erasure_values_by_customer as "
        "select distinct customer_id, v from erasure_values_by_request "
        "where customer_id is not null"
    )
    live = {
        row[0]
        for row in (
            con.execute("select distinct customer_id from pii.customer_identity_map").fetchall()
            if has_map
            else []
        )
    }
    groups = _customer_groups(con, live)
    con.execute(
        "create or replace temp table erasure_customer_groups (old_id varchar, group_id varchar)"
    )
    if groups:
        con.executemany(
            "insert into erasure_customer_groups values (?, ?)", [[o, g] for o, g in groups]
        )
    _erased_nodes(con)


def _customer_groups(con: duckdb.DuckDBPyConnection, live: set[str]) -> list[tuple[str, str]]:
    """(key, erased customer it belongs to): each erased customer's key, plus retired
    keys that audit.customer_id_changes links to it (never another live customer's)."""
    erased = [
        row[0]
        for row in con.execute(
            "select distinct customer_id from erasure_request_customers order by 1"
        ).fetchall()
    ]
    if not erased:
        return []
    edges: dict[str, set[str]] = {}
    if _exists(con, "audit", "customer_id_changes"):
        for old, new in con.execute(
            "select old_customer_id, new_customer_id from audit.customer_id_changes "
            "where old_customer_id is not null and new_customer_id is not null"
        ).fetchall():
            edges.setdefault(old, set()).add(new)
            edges.setdefault(new, set()).add(old)
    erased_set = set(erased)
    owner: dict[str, str] = {key: key for key in erased}
    for start in erased:
        stack = [start]
        while stack:
            key = stack.pop()
            for other in sorted(edges.get(key, ())):
                if other in owner or (other in live and other not in erased_set):
                    continue
                owner[other] = start
                stack.append(other)
    return sorted(owner.items())


def _erased_nodes(con: duckdb.DuckDBPyConnection) -> None:
    """Identity-graph node ids of erased identifiers and of erased customers' clusters."""
    con.execute("create or replace temp table erasure_nodes (node_id bigint)")
    tables = discover_tables(con)
    for t in tables:
        for node, value in NODE_VALUE_PAIRS:
            if node in t.all_columns and value in t.all_columns:
                con.execute(
                    f"insert into erasure_nodes select distinct t.{quote(node)} "
                    f"from {t.qualified} as t where t.{quote(node)} is not null "
                    f"and {_staged_in_values('t.' + quote(value))}"
                )
        if "cluster_id" in t.all_columns and "customer_id" in t.all_columns:
            con.execute(
                "insert into erasure_nodes select distinct t.cluster_id "
                f"from {t.qualified} as t where t.cluster_id is not null and "
                "t.customer_id in (select old_id from erasure_customer_groups)"
            )
    con.execute(
        "create or replace temp table erasure_nodes as select distinct node_id from erasure_nodes"
    )


def process_requests(database: Path) -> ErasureResult:
    """After dbt: carry out every new erasure request across the whole warehouse."""
    started = time.perf_counter()
    result = ErasureResult()
    secret = hash_secret(database)
    con = _connect(database)
    try:
        _check_key(con, secret)
        requests = _pending_requests(con)
        if requests and not _exists(con, "pii", "customer_identity_map"):
            # without the identity map a request would erase its one identifier only
            # and miss the person's other accounts: wait for the first build
            result.deferred = len(requests)
            requests = []
        con.execute("begin transaction")
        if requests:
            _install_key(con, secret)
            _resolve(con, requests)
            tables = discover_tables(con)
            result.rows_by_table = _scrub(
                con, tables, None, [r.request_id for r in requests], _derived_key_salt(secret)
            )
            _remember(con)
            _log_requests(con, requests, result)
            result.requests = len(requests)
            result.customers = int(
                con.execute(
                    "select count(distinct customer_id) from erasure_request_customers"
                ).fetchall()[0][0]
            )
            result.identifiers = int(
                con.execute("select count(*) from erasure_values").fetchall()[0][0]
            )
        _save_state(con, _max_file_id(con), _key_check(secret))
        con.execute("commit")
    except BaseException:
        _rollback(con)
        raise
    finally:
        con.close()
    if result.rows:
        compact(database)
    result.seconds = time.perf_counter() - started
    return result


def _remember(con: duckdb.DuckDBPyConnection) -> None:
    """audit.erased_identifiers: the keyed hash of each erased identifier, once."""
    con.execute(
        f"""
        insert into audit.erased_identifiers
        select identifier_type, identifier_hash, first_request_id, ?
        from (
            select
                {_hmac_sql("v")} as identifier_hash,
                min(identifier_type) as identifier_type,
                min(request_id) as first_request_id
            from erasure_values_by_request
            where v is not null
            group by 1
        ) as new
        where identifier_hash not in (select identifier_hash from audit.erased_identifiers)
        """,
        [_now()],
    )


def _log_requests(
    con: duckdb.DuckDBPyConnection, requests: list[_Request], result: ErasureResult
) -> None:
    batch = uuid.uuid4().hex
    per_request = {
        request_id: (customers, identifiers)
        for request_id, customers, identifiers in con.execute(
            """
            select
                r.request_id,
                (select count(distinct c.customer_id) from erasure_request_customers as c
                 where c.request_id = r.request_id),
                count(distinct r.v)
            from erasure_values_by_request as r
            where r.v is not null
            group by r.request_id
            """
        ).fetchall()
    }
    by_type = {request_id: dict(rows) for request_id, rows in _identifiers_by_type(con).items()}
    rows = []
    now = _now()
    for request in requests:
        customers, identifiers = per_request.get(request.request_id, (0, 0))
        details = {
            "identifier_type": request.identifier_type,
            "requested_at": request.requested_at,
            "identifiers_by_type": by_type.get(request.request_id, {}),
            "requests_in_batch": len(requests),
            "rows_by_table": result.rows_by_table,
        }
        rows.append(
            [
                request.request_id,
                "erased" if request.value else "no_valid_identifier",
                now,
                int(customers),
                int(identifiers),
                result.tables,
                result.rows,
                batch,
                json.dumps(details, sort_keys=True),
            ]
        )
    con.executemany("insert into audit.erasure_log values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _identifiers_by_type(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for request_id, identifier_type, n in con.execute(
        "select request_id, identifier_type, count(distinct v) from erasure_values_by_request "
        "where v is not null group by 1, 2 order by 1, 2"
    ).fetchall():
        out.setdefault(request_id, []).append((identifier_type, int(n)))
    return out


def compact(database: Path) -> None:
    """Rewrite the database file. An UPDATE leaves the old values in free blocks of the
    file until DuckDB reuses them, readable to anyone who reads the file's bytes; a
    copy holds only the current rows. The copy replaces the file atomically (a BI
    session still open on the old file keeps reading the old one until it reconnects).
    Set CRM_ERASURE_COMPACT=0 to skip it (then the file may hold erased values until
    the space is reused)."""
    if os.environ.get(ENV_COMPACT, "1").strip().lower() in {"0", "false", "no"}:
        return
    copy = database.with_name(f".{database.name}.{os.getpid()}.compact.tmp")
    copy.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        con.execute(f"attach '{_sql_path(database)}' as erasure_source (read_only)")
        con.execute(f"attach '{_sql_path(copy)}' as erasure_copy")
        con.execute("copy from database erasure_source to erasure_copy")
        con.execute("detach erasure_copy")
        con.execute("detach erasure_source")
    except (duckdb.Error, OSError) as exc:
        con.close()
        copy.unlink(missing_ok=True)
        raise ErasureError(
            f"{database}: rows were scrubbed but the file could not be rewritten ({exc}); "
            "old values may remain in its free blocks until `crm erase` runs again"
        ) from exc
    con.close()
    os.chmod(copy, database.stat().st_mode & 0o777)
    os.replace(copy, database)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def erase(database: Path) -> ErasureResult:
    """`crm erase`: both steps on the warehouse as it is (no dbt build)."""
    before = suppress_reloaded(database)
    after = process_requests(database)
    merged = ErasureResult(
        requests=after.requests,
        deferred=after.deferred,
        customers=after.customers,
        identifiers=after.identifiers,
        reloaded_identifiers=before.reloaded_identifiers,
        seconds=before.seconds + after.seconds,
    )
    for rows in (before.rows_by_table, after.rows_by_table):
        for table, n in rows.items():
            merged.rows_by_table[table] = merged.rows_by_table.get(table, 0) + n
    return merged
