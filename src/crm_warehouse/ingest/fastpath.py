"""The fast path: DuckDB reads an export file as it is, Python only its odd lines.

A file qualifies (:func:`fast_plan`) when it is UTF-8 (with or without BOM), every
line ends the same way (``\\n`` or ``\\r\\n``), it holds no ``\\x01`` (the column
separator DuckDB is given), no line is longer than the readers allow and at most
:data:`~.decode.MAX_BAD_LINES` lines are not UTF-8; a CSV file also needs a header
without quotes, a JSONL file a first line without nested values (DuckDB's JSON
functions cost more than the reader on nested records: a matter of speed only).

DuckDB then reads every physical line into one text column and numbers it
(``row_number() OVER ()`` keeps the file's order; lines that are not UTF-8, known
from the scan, are skipped and the numbers shifted past them) and flags as good
every line whose values it can tell for certain are what the record readers
(:mod:`.readers`) would give:

- CSV: a non-blank line without quote character or NUL, with exactly as many
  commas as the header, not longer than 128 KiB, not starting with a BOM, and a key
  field holding a visible ASCII character that is not a column name (else it may be
  a repeated header row); its values are the comma-separated fields, picked by the
  header.
- JSONL: a line that is valid JSON without ``\\u`` escapes or trailing commas,
  with exactly the export's keys (in any order, none twice), each value a string,
  ``null``, ``true``/``false`` or an integer written canonically, and a visible key
  that is not a boolean.

Every other line (blank, malformed, quoted, with unknown or missing keys, floats,
nested values, ...) goes, in order and after the file's header, through the record
readers, which load it, reject it or count it as blank exactly as they would in
the whole file; their line numbers are mapped back (a repeated header among them
that changes the columns sends the whole file to the readers). For CSV this needs
each odd line with a quote to be a whole record (:func:`odd_lines_are_records`), else a
quoted field may span lines and the whole file is read the slow way; so it is when
DuckDB fails on the file or its line count differs from the scan's.

This runs in the worker processes (:mod:`.prepare`, an in-memory DuckDB each): the
lines go to a Parquet temp file (line number, good flag, the odd line's text, the
values), from which the loader inserts the good rows.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from crm_warehouse.contract import Export

from .decode import BOM, UTF8, UTF8_SIG, Scan
from .readers import _FIELD_LIMIT, CsvLayout, csv_layout

#: DuckDB's ``read_csv`` options that give one text column per physical line.
_LINE_OPTIONS = (
    "columns = {'line': 'VARCHAR'}, header = false, auto_detect = false, "
    "delim = '\\x01', quote = '', escape = '', strict_mode = false, "
    "encoding = 'utf-8', max_line_size = 134217728"
)
#: The csv module's default field size limit (a longer line goes to the readers).
_MAX_CSV_LINE = 131072
#: A JSON value as the readers render it, when the line passed the checks.
_VISIBLE = "'[!-~]'"


@dataclass(frozen=True)
class FastPlan:
    """How DuckDB reads a file as it is (:mod:`.fastpath`)."""

    new_line: str  # "\n" or "\r\n"
    lines: int  # physical lines (as DecodedLines counts them)
    #: CSV: the lines up to and including the header (blank lines, then the header),
    #: decoded, a Windows "\r" kept; empty for JSONL
    head: tuple[str, ...] = ()
    layout: CsvLayout | None = None  # CSV: what the header means
    stat: tuple[int, int] = (0, 0)  # (size, mtime_ns) when the file was hashed
    #: lines that are not UTF-8: (line, reason, text with the bad bytes replaced);
    #: DuckDB skips them, the record readers reject them
    bad: tuple[tuple[int, str, str], ...] = ()
    ends_with_newline: bool = True  # else a rejected last line may be a cut-short one


#: Files smaller than this are read by the record readers: DuckDB's fixed cost per
#: file (tens of milliseconds) is more than they take. CRM_INGEST_FAST_MIN_BYTES
#: overrides it (0: every file DuckDB can read takes the fast path; tests use that).
FAST_MIN_BYTES = 1 << 20


def min_bytes() -> int:
    configured = os.environ.get("CRM_INGEST_FAST_MIN_BYTES")
    return int(configured) if configured else FAST_MIN_BYTES


class FastPathMismatch(Exception):
    """DuckDB's lines do not add up with the file's: load it the slow way."""


#: A CSV line that is one whole record: quoted fields closed on the line, no quote
#: inside an unquoted field. When every line with a quote is one, each record of
#: the file is one line (a quoted field spanning lines opens on a line that is not).
_WHOLE_RECORD = re.compile(r'(?:"(?:[^"]|"")*"|[^",]*)(?:,(?:"(?:[^"]|"")*"|[^",]*))*\r?')


def odd_lines_are_records(export: Export, lines) -> bool:
    """Whether the lines DuckDB left to the readers can be read one by one (always
    for JSONL; for CSV when every line with a quote is a whole record)."""
    if export.fmt != "csv":
        return True
    full = _WHOLE_RECORD.fullmatch
    return all(full(line) for line in lines if line and '"' in line)


def _lines_sql(plan: FastPlan) -> str:
    """The file's lines ``(n, line)``; ``line`` NULL for an empty line.

    Lines that are not UTF-8 (known from the scan) are skipped by DuckDB; the
    numbers of the others are shifted past them: a line with ``r`` lines read
    before it is line ``r + #{i: skipped_i - i < r}``.
    """
    escaped = plan.new_line.replace("\r", "\\r").replace("\n", "\\n")
    number = "row_number() OVER ()"
    options = f"{_LINE_OPTIONS}, new_line = '{escaped}'"
    if plan.bad:
        shifts = ", ".join(str(line - i) for i, (line, _, _) in enumerate(plan.bad, 1))
        number = f"r + len(list_filter([{shifts}], lambda s: s < r))"
        return (
            f"(SELECT {number} AS n, line FROM (SELECT row_number() OVER () AS r, line "
            f"FROM read_csv(?, {options}, ignore_errors = true)))"
        )
    return f"(SELECT {number} AS n, line FROM read_csv(?, {options}))"


def _sql_list(texts) -> str:
    return "[" + ", ".join("'" + t.replace("'", "''") + "'" for t in texts) + "]"


def _csv_select(plan: FastPlan, export: Export) -> tuple[str, list[str]]:
    """(SELECT of n, good, then one value per column present; column names)."""
    layout = plan.layout
    assert layout is not None
    keys = " OR ".join(f"regexp_matches(f[{k + 1}], {_VISIBLE})" for k in layout.keys)
    # A key field holding a column name may be a header row repeated further down (two
    # exports joined): the readers judge it. So does a line starting with a BOM.
    names = _sql_list(export.columns)
    not_header = " AND ".join(f"NOT list_contains({names}, f[{k + 1}])" for k in layout.keys)
    good = (
        f"(line IS NOT NULL AND len(f) = {layout.width} AND strlen(line) <= {_MAX_CSV_LINE} "
        f"AND NOT contains(line, chr(0)) AND NOT contains(line, '\"') AND ({keys}) "
        f"AND {not_header} AND NOT starts_with(line, chr(65279)))"
    )
    values = [f"f[{p + 1}]" for p in layout.picks]
    sql = (
        f"SELECT n, line, coalesce({good}, false) AS good, {', '.join(values)} "
        f"FROM (SELECT n, line, string_split(line, ',') AS f FROM {_lines_sql(plan)} "
        f"WHERE n > {len(plan.head)})"
    )
    return sql, list(layout.columns)


def _json_value(x: str) -> str:
    return (
        f"CASE WHEN {x} = 'null' THEN NULL WHEN {x}[1] = '\"' THEN "
        f"CASE WHEN contains({x}, '\\') THEN json_extract_string({x}, '$') "
        f"ELSE {x}[2:-2] END ELSE {x} END"
    )


def _json_scalar_ok(x: str) -> str:
    """A value DuckDB renders as the readers do: null, a boolean, a string or an
    integer written canonically (an array or object goes to the readers)."""
    return (
        f"CASE WHEN {x} IN ('null', 'true', 'false') OR {x}[1] = '\"' THEN true "
        f"ELSE regexp_full_match({x}, '0|-?[1-9][0-9]*') END"
    )


def _json_select(plan: FastPlan, export: Export) -> tuple[str, list[str]]:
    columns = list(export.columns)
    paths = _sql_list(f"$.{c}" for c in columns)
    extract = f"json_extract(line, {paths})::VARCHAR[]"
    # json_valid() also accepts trailing commas and NaN/Infinity, which the readers
    # reject or render otherwise: such lines go to the readers.
    checked = (
        "CASE WHEN line IS NULL OR contains(line, '\\u') OR NOT json_valid(line) "
        "OR regexp_matches(line, ',[ \\t\\r\\n]*[\\]}]') THEN NULL "
        f"WHEN json_keys(line) = {_sql_list(columns)} THEN {extract} "
        f"WHEN list_sort(json_keys(line)) = {_sql_list(sorted(columns))} THEN {extract} END"
    )
    oks = " AND ".join(_json_scalar_ok(f"j[{i + 1}]") for i in range(len(columns)))
    values = [_json_value(f"j[{i + 1}]") for i in range(len(columns))]
    # a key that is true/false goes to the readers (which reject it)
    keys = " OR ".join(
        f"regexp_matches(v{columns.index(k)}, {_VISIBLE})" for k in export.key_columns
    )
    boolean_keys = " OR ".join(
        f"j[{columns.index(k) + 1}] IN ('true', 'false')" for k in export.key_columns
    )
    inner = (
        f"SELECT n, line, coalesce(j IS NOT NULL AND {oks} AND NOT ({boolean_keys}), false) "
        "AS ok, "
        + ", ".join(f"{v} AS v{i}" for i, v in enumerate(values))
        + f" FROM (SELECT n, line, {checked} AS j FROM {_lines_sql(plan)})"
    )
    sql = (
        f"SELECT n, line, ok AND coalesce({keys}, false) AS good, "
        + ", ".join(f"v{i}" for i in range(len(columns)))
        + f" FROM ({inner})"
    )
    return sql, columns


def select_sql(plan: FastPlan, export: Export) -> tuple[str, list[str]]:
    """``SELECT n, line, good, <value per column>`` over the file's lines (one
    parameter: the file's path), and the columns the values are for."""
    if export.fmt == "csv":
        return _csv_select(plan, export)
    return _json_select(plan, export)


#: Bytes read from the start of a CSV file to find its header.
_HEAD_BYTES = 1 << 20


def fast_plan(path: str, fmt: str, export, found: Scan, stat: tuple[int, int]) -> FastPlan | None:
    """A plan for DuckDB to read the file as it is, or None when only the record
    readers can (then they read it as before).

    DuckDB reads it line by line into one text column (:mod:`.fastpath`), so: UTF-8
    (with or without BOM; a line that does not decode makes DuckDB fail and the
    file falls back), every line ending the same way (``\n`` or ``\r\n``, no lone
    ``\r``), no ``\x01`` (the column separator it is given); for CSV no quote
    character anywhere (so that a record is a line) and a header that splits on
    commas as the csv module would split it.
    """
    fp = found.fingerprint
    if (
        fp.size_bytes < min_bytes()
        or fp.encoding not in (UTF8, UTF8_SIG)
        or fp.size_bytes <= (len(BOM) if fp.encoding == UTF8_SIG else 0)
        or found.has_byte_01
        or found.bad_utf8 is None
    ):
        return None
    bad = found.bad_utf8
    if found.carriage_returns == 0:
        new_line = "\n"
    elif found.carriage_returns == found.crlf == found.newlines:
        new_line = "\r\n"
    else:
        return None
    if fmt == "jsonl":
        if not _flat_json_start(path, fp.encoding):
            return None
        return FastPlan(
            new_line, found.lines, stat=stat, bad=bad, ends_with_newline=found.ends_with_newline
        )
    with open(path, "rb") as stream:
        data = stream.read(_HEAD_BYTES)
    if fp.encoding == UTF8_SIG and data.startswith(BOM):
        data = data[len(BOM) :]
    head: list[str] = []
    for raw in data.split(b"\n")[:-1]:  # whole lines only
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        head.append(text)
        plain = text[:-1] if new_line == "\r\n" else text
        if not plain or plain.isspace():
            continue
        if '"' in plain or "\x00" in plain or "\r" in plain or len(plain) > _FIELD_LIMIT:
            return None
        layout = csv_layout(plain.split(","), export)
        if not layout.keys:
            return None  # every record is rejected: the readers say why
        if bad and bad[0][0] <= len(head):
            return None
        return FastPlan(
            new_line, found.lines, tuple(head), layout, stat, bad, found.ends_with_newline
        )
    return None


def _flat_json_start(path: str, encoding: str) -> bool:
    """Whether the file's first line is a JSON object of plain values. DuckDB's JSON
    functions cost more than the record reader on nested records (mall orders with
    their items): such files go to the readers (a choice of speed, not of result)."""
    with open(path, "rb") as stream:
        first = stream.readline(1 << 20)
    if encoding == UTF8_SIG and first.startswith(BOM):
        first = first[len(BOM) :]
    try:
        obj = json.loads(first)
    except ValueError:
        return True
    return type(obj) is dict and not any(type(v) in (list, dict) for v in obj.values())
