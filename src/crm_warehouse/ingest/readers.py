"""Record readers: CSV and JSONL lines in, ``(line_number, values)`` out.

A reader walks the decoded lines of one file (:class:`~.decode.DecodedLines`) and
yields one ``(line_number, values)`` pair per good record, ``line_number`` being the
physical line the record starts on. Every other non-blank record goes to
``reject(line_number, reason, raw_text)``; blank lines are counted. Nothing is dropped
silently: once a reader is exhausted, ``stats.records_read == stats.rows +
stats.rejected``.

``values`` holds the record's texts for :attr:`FileStats.columns` (the export's
columns present in the file, in contract order), in one of two shapes:

- a ``list`` of texts, :data:`NULL` standing for SQL NULL;
- for a plain record (the common case, kept cheap on purpose) a ``str``: the texts
  joined by :data:`US`, with :data:`NULL_TEXT` for NULL. A plain record holds no
  control character (no newline, no ``\\x1e`` or ``\\x1f``), so it can be written
  unquoted.

Values are the file's text, untouched: CSV fields as parsed (an empty field is
``''``); JSON strings as they are, JSON numbers as their JSON text, ``true``/
``false``, arrays and objects as compact JSON text, and a missing key or ``null`` as
NULL.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import add, itemgetter

import orjson

from crm_warehouse.contract import Export

from .decode import DecodedLines

#: ``reject(line_number, reason, raw_text)``
RejectSink = Callable[[int, str, str], None]
Record = tuple[int, "list | str"]

#: Separator of the texts of a plain record.
US = "\x1f"
#: NULL in a plain record.
NULL_TEXT = "\x1e\x1e"


class _Null(int):
    """SQL NULL in a list of values.

    An ``int`` so that :data:`csv.QUOTE_NONNUMERIC` writes it unquoted, printing as
    nothing: in a normalized CSV every text is quoted and NULL is an empty unquoted
    field.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return ""

    __repr__ = __str__


NULL = _Null(0)


@dataclass
class FileStats:
    """What a reader found in one file."""

    columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    records_read: int = 0
    rows: int = 0
    rejected: int = 0
    blank_lines: int = 0


def read_records(
    lines: DecodedLines, export: Export, stats: FileStats, reject: RejectSink
) -> Iterator[Record]:
    """The reader for the export's format."""
    if export.fmt == "csv":
        return read_csv_records(lines, export, stats, reject)
    if export.fmt == "jsonl":
        return read_jsonl_records(lines, export, stats, reject)
    raise ValueError(f"unknown export format {export.fmt!r}")


def clean_header_name(name: str) -> str:
    """A CSV header name as matched against the contract: no whitespace, no BOM."""
    return name.strip().lstrip("\ufeff").strip()


def _missing_key(export: Export) -> str:
    return "missing key: " + ", ".join(export.key_columns)


def _is_blank_text(text: str) -> bool:
    return not text or text.isspace()


# --------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class CsvLayout:
    """What a CSV header row means for an export."""

    width: int  # fields in the header
    columns: tuple[str, ...]  # the export's columns present, in contract order
    missing_columns: tuple[str, ...]
    extra_columns: tuple[str, ...]
    picks: tuple[int, ...]  # field index of each of ``columns``
    keys: tuple[int, ...]  # field index of each key column present


def csv_layout(header: list[str], export: Export) -> CsvLayout:
    """Match a header row's names against the export's columns."""
    names = [clean_header_name(name) for name in header]
    position: dict[str, int] = {}
    extra: list[str] = []
    for index, name in enumerate(names):
        if name in position:
            extra.append(f"{name} (duplicate)")
        elif name not in export.columns:
            extra.append(name)
        else:
            position[name] = index
    columns = tuple(c for c in export.columns if c in position)
    return CsvLayout(
        width=len(header),
        columns=columns,
        missing_columns=tuple(c for c in export.columns if c not in position),
        extra_columns=tuple(extra),
        picks=tuple(position[c] for c in columns),
        keys=tuple(position[c] for c in export.key_columns if c in position),
    )


#: After this many records parsed by the csv module, a file where they are the
#: majority (say every field quoted) is read by the csv module alone.
_SWITCH_AFTER = 1000


def read_csv_records(
    lines: DecodedLines,
    export: Export,
    stats: FileStats,
    reject: RejectSink,
    *,
    fast: bool = True,
) -> Iterator[Record]:
    """Records of an RFC 4180 CSV file with a header row.

    A line without quotes or control characters is split on commas directly (the
    result the csv module would give, several times faster); any other record is
    parsed by the csv module, spanning as many lines as its quoted fields do.
    ``fast=False`` parses everything with the csv module (same results; for tests).
    """
    physical = chain.from_iterable(lines)  # one iterator shared by every path below
    bad = lines.bad
    number = 0  # last physical line consumed

    def take_bad(start: int, end: int) -> str:
        """Reasons of the bad lines in ``start..end`` (removing them)."""
        reasons = []
        while bad and bad[0][0] <= end:
            line, why = bad.popleft()
            reasons.append(why if line == start else f"{why} (line {line})")
        return "; ".join(reasons)

    def rejected(start: int, end: int, reason: str) -> None:
        stats.records_read += 1
        stats.rejected += 1
        reject(start, reason, lines.text(start, end))

    # ---- header: the first non-blank record
    header: list[str] | None = None
    for text in physical:
        start = number + 1
        row, error, used = _parse_record(text, physical)
        number = end = start + used - 1
        take_bad(start, end)  # a header with bad bytes shows up as unknown columns
        if error is not None:
            rejected(start, end, f"malformed CSV header: {_describe(error)}")
            no_header = f"no usable header (line {start} is malformed)"

            def reject_all(row, error, start, end, reason=no_header):
                take_bad(start, end)
                if error is None and _is_blank(row, start, end):
                    stats.blank_lines += 1
                else:
                    rejected(start, end, reason)

            yield from _csv_module_records(physical, number, reject_all)
            return
        if _is_blank(row, start, end):
            stats.blank_lines += 1
            continue
        header = row
        break
    if header is None:
        return

    layout = csv_layout(header, export)
    stats.columns = list(layout.columns)
    stats.missing_columns = list(layout.missing_columns)
    stats.extra_columns = list(layout.extra_columns)

    width = layout.width
    picks = list(layout.picks)
    identity = picks == list(range(width))
    pick = itemgetter(*picks) if len(picks) > 1 else (lambda row: tuple(row[i] for i in picks))
    keys = list(layout.keys)
    first_key = keys[0] if keys else 0
    no_key = _missing_key(export)

    def check(row: list[str] | None, error: csv.Error | None, start: int, end: int):
        """Values of a record parsed by the csv module, or None (blank or rejected)."""
        reason = take_bad(start, end) if bad and bad[0][0] <= end else ""
        if error is not None:
            spans = f" (record spans lines {start}-{end})" if end > start else ""
            problem = f"malformed CSV: {_describe(error)}{spans}"
            reason = f"{reason}; {problem}" if reason else problem
        elif reason:
            pass
        elif _is_blank(row, start, end):
            stats.blank_lines += 1
            return None
        elif len(row) != width:
            reason = f"expected {width} fields, found {len(row)}"
        elif _is_blank_text(row[first_key]) and all(_is_blank_text(row[k]) for k in keys):
            reason = no_key
        if reason:
            rejected(start, end, reason)
            return None
        stats.records_read += 1
        stats.rows += 1
        return row if identity else list(pick(row))

    if not fast:
        yield from _csv_module_records(physical, number, check)
        return

    # ---- body: plain lines split directly, the rest through the csv module
    commas = width - 1
    split_keys = max(keys) + 1 if keys else 0
    parsed = 0  # records that went through the csv module
    rows = 0  # plain records loaded (the others are counted by check() and rejected())
    try:
        for text in physical:
            number += 1
            plain = text[:-1] if text.endswith("\r") else text
            if (
                '"' in plain
                or not plain.isprintable()
                or len(plain) > _FIELD_LIMIT
                or (bad and bad[0][0] == number)
            ):
                start = number
                row, error, used = _parse_record(text, physical)
                number = end = start + used - 1
                values = check(row, error, start, end)
                if values is not None:
                    yield start, values
                parsed += 1
                if parsed >= _SWITCH_AFTER and parsed * 2 > number:
                    yield from _csv_module_records(physical, number, check)
                    return
                continue
            if not plain or plain.isspace():
                stats.blank_lines += 1
                continue
            found = plain.count(",")
            if found != commas:
                rejected(number, number, f"expected {width} fields, found {found + 1}")
                continue
            if not split_keys:
                rejected(number, number, no_key)
                continue
            fields = plain.split(",", split_keys)
            value = fields[first_key]
            if (not value or value.isspace()) and all(_is_blank_text(fields[k]) for k in keys):
                rejected(number, number, no_key)
                continue
            rows += 1
            if identity:
                yield number, plain.replace(",", US)
            else:
                yield number, US.join(pick(plain.split(",")))
    finally:
        stats.records_read += rows
        stats.rows += rows


#: The csv module's default limit on a field's length; longer lines go through it.
_FIELD_LIMIT = csv.field_size_limit()


def _parse_record(first: str, rest: Iterator[str]) -> tuple[list[str] | None, object, int]:
    """Parse one record starting with line ``first`` (continuing from ``rest``).

    Returns ``(row, error, lines_used)``; ``row`` is None when the csv module raised.
    """
    reader = csv.reader(chain((first + "\n",), map(add, rest, repeat("\n"))), strict=True)
    try:
        return next(reader), None, reader.line_num
    except csv.Error as exc:
        return None, exc, reader.line_num


def _csv_module_records(physical: Iterator[str], number: int, check) -> Iterator[Record]:
    """The remaining records, all parsed by the csv module; ``check`` judges each."""
    reader = csv.reader(map(add, physical, repeat("\n")), strict=True)
    consumed = 0
    while True:
        try:
            for row in reader:
                start, consumed = number + consumed + 1, reader.line_num
                values = check(row, None, start, number + consumed)
                if values is not None:
                    yield start, values
            return
        except csv.Error as exc:
            start, consumed = number + consumed + 1, reader.line_num
            check(None, exc, start, number + consumed)


def _describe(error: object) -> str:
    """The csv module's error message, without its advice about opening files."""
    message = str(error)
    if message.startswith("new-line character seen in unquoted field"):
        return "carriage return inside an unquoted field"
    return message


def _is_blank(row: list[str], start: int, end: int) -> bool:
    return not row or (len(row) == 1 and start == end and _is_blank_text(row[0]))


# ------------------------------------------------------------------------- JSONL


class _JsonFloat(float):
    """A JSON number with a fraction or exponent that remembers its text."""

    __slots__ = ("text",)

    def __new__(cls, text: str) -> _JsonFloat:
        number = super().__new__(cls, text)
        number.text = text
        return number


def _make_dump_json() -> Callable[[object], str]:
    """``json.dumps(v, ensure_ascii=False, separators=(",", ":"))`` without its
    per-call set-up (a third of the time per mall order otherwise)."""
    from json import encoder

    if encoder.c_make_encoder is None:  # pragma: no cover - CPython has it
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    # markers=None: no cycle check (parsed JSON has no cycles).
    iterencode = encoder.c_make_encoder(
        None, None, encoder.encode_basestring, None, ":", ",", False, False, True
    )
    return lambda value: "".join(iterencode(value, 0))


# NaN and Infinity (accepted by Python's json, not by JSON) keep their text too.
_decode_json = json.JSONDecoder(parse_float=_JsonFloat, parse_constant=_JsonFloat).decode
_dump_json = _make_dump_json()


class _NeedsExactText(Exception):
    """A top-level float, whose text the fast parser does not keep."""


def _json_text_fast(value: object) -> str:
    """:func:`json_text` for values parsed by orjson (several times faster than the
    standard library on mall orders). A top-level float raises
    :class:`_NeedsExactText`: the line is parsed again by the standard library, which
    keeps the number's text. Nested values are compact JSON either way."""
    if type(value) is float:
        raise _NeedsExactText
    return _scalar_or_dump(value, _orjson_dump)


def _orjson_dump(value: object) -> str:
    return orjson.dumps(value).decode()


def _scalar_or_dump(value: object, dump: Callable[[object], str]) -> str:
    """Strings as they are, null as NULL_TEXT, booleans and integers as JSON spells
    them; anything else (arrays, objects) as compact JSON from `dump`."""
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return NULL_TEXT
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    return dump(value)


_JSON_TYPES = {
    list: "an array",
    str: "a string",
    int: "a number",
    _JsonFloat: "a number",
    bool: "a boolean",
    type(None): "null",
}


def json_text(value: object) -> str:
    """The raw-table text of a JSON value (:data:`NULL_TEXT` for null)."""
    if type(value) is _JsonFloat:
        return value.text
    return _scalar_or_dump(value, _dump_json)


def read_jsonl_records(
    lines: DecodedLines, export: Export, stats: FileStats, reject: RejectSink
) -> Iterator[Record]:
    """Records of a JSON Lines file: one object a line."""
    columns = export.columns
    stats.columns = list(columns)
    unseen = list(columns)
    seen_keys: set[str] = set()
    keys = [columns.index(k) for k in export.key_columns]
    first_key = keys[0]
    no_key = _missing_key(export)
    bad = lines.bad
    decode = _decode_json
    convert = json_text
    fast_decode = orjson.loads
    fast_convert = _json_text_fast
    dumps = orjson.dumps
    number = records = rows = 0
    objects = False
    try:
        for chunk in lines:
            for text in chunk:
                number += 1
                if bad and bad[0][0] == number:
                    records += 1
                    reject(number, bad.popleft()[1], lines.text(number, number))
                    continue
                if text.endswith("\r"):
                    text = text[:-1]
                if not text or text.isspace():
                    stats.blank_lines += 1
                    continue
                records += 1
                # Fast path: orjson. Anything it refuses (broken JSON, NaN, huge ints,
                # lone surrogates) or a top-level float goes through the standard
                # library, whose error messages are the rejection reasons.
                values = None
                try:
                    obj = fast_decode(text)
                    if type(obj) is dict:
                        # Strings, nulls, integers and arrays inline (as
                        # _json_text_fast renders them): a call per value costs
                        # more than the parsing.
                        values = [
                            v
                            if type(v) is str
                            else NULL_TEXT
                            if v is None
                            else str(v)
                            if type(v) is int
                            else dumps(v).decode()
                            if type(v) is list
                            else fast_convert(v)
                            for v in map(obj.get, columns)
                        ]
                except (orjson.JSONDecodeError, _NeedsExactText):
                    pass
                if values is None:
                    try:
                        obj = decode(text)
                    except json.JSONDecodeError as exc:
                        reject(number, _json_error(exc), text)
                        continue
                    except RecursionError:
                        reject(number, "invalid JSON: nested too deeply", text)
                        continue
                    if type(obj) is not dict:
                        found = _JSON_TYPES.get(type(obj), type(obj).__name__)
                        reject(number, f"not a JSON object: found {found}", text)
                        continue
                    values = [convert(v) for v in map(obj.get, columns)]
                objects = True
                seen_keys.update(obj)
                if unseen:
                    unseen = [c for c in unseen if c not in obj]
                value = values[first_key]
                if (value is NULL_TEXT or not value or value.isspace()) and all(
                    values[k] is NULL_TEXT or _is_blank_text(values[k]) for k in keys
                ):
                    reject(number, no_key, text)
                    continue
                if "\\" not in text:
                    # No escape in the line: no string holds a control character.
                    rows += 1
                    yield number, US.join(values)
                    continue
                if ("\\ud" in text or "\\uD" in text) and not _encodable(values):
                    reject(number, "invalid JSON: unpaired surrogate in a string", text)
                    continue
                rows += 1
                yield number, [NULL if v is NULL_TEXT else v for v in values]
    finally:
        stats.records_read += records
        stats.rows += rows
        stats.rejected += records - rows
        stats.missing_columns = unseen if objects else []
        stats.extra_columns = sorted(seen_keys.difference(columns))[:100]


def _json_error(exc: json.JSONDecodeError) -> str:
    # Some messages end with "at" ("Unterminated string starting at").
    at = "" if exc.msg.endswith(" at") else " at"
    return f"invalid JSON: {exc.msg}{at} column {exc.colno}"


def _encodable(values: list[str]) -> bool:
    try:
        "".join(values).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
