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
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

import orjson

from crm_warehouse.contract import Export

from .decode import MAX_LINE_BYTES, DecodedLines

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
    #: CSV: header rows further down that changed how the records below them are read
    header_changes: int = 0


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
    """Match a header row's names against the export's columns (ignoring case,
    surrounding white space and a BOM; the first of two same names counts)."""
    names = [clean_header_name(name) for name in header]
    position: dict[str, int] = {}
    extra: list[str] = []
    for index, name in enumerate(names):
        column = name.lower()
        if column in position:
            extra.append(f"{name} (duplicate)")
        elif column not in export.columns:
            extra.append(name)
        else:
            position[column] = index
    columns = tuple(c for c in export.columns if c in position)
    return CsvLayout(
        width=len(header),
        columns=columns,
        missing_columns=tuple(c for c in export.columns if c not in position),
        extra_columns=tuple(extra),
        picks=tuple(position[c] for c in columns),
        keys=tuple(position[c] for c in export.key_columns if c in position),
    )


def looks_like_header(row: list[str], export: Export) -> bool:
    """Whether a record is a header row of the export: it names every key column and
    at least two of the export's columns (an order number is never ``order_no``)."""
    names = {clean_header_name(value).lower() for value in row}
    named = sum(c in names for c in export.columns)
    return all(k in names for k in export.key_columns) and named >= min(2, len(export.columns))


#: Separators that a file which is not comma-separated may use, and their names.
_OTHER_SEPARATORS = ((";", "';'"), ("\t", "tab"), ("|", "'|'"))


def not_a_header_reason(row: list[str], export: Export, line: int) -> str:
    """Why the first record of a CSV file cannot be its header: it names none of the
    export's columns. Says which separator it uses when it is not commas, else that
    the header row is missing."""
    text = ",".join(row)
    reason = (
        f"line {line} is not a header: none of the columns of {export.folder} "
        f"({', '.join(export.columns)}) is named in it"
    )
    for separator, name in _OTHER_SEPARATORS:
        if separator in text:
            names = {clean_header_name(n).lower() for n in text.split(separator)}
            if len(names.intersection(export.columns)) >= 2:
                return (
                    f"{reason}; it looks {name}-separated, but exports must be "
                    "comma-separated (RFC 4180): export it again with commas"
                )
    return f"{reason}; the header row is missing: the first line must name the columns"


#: Appended to the reason of a rejected record that is the file's last line and has
#: no final newline.
CUT_SHORT = " (the last line of the file, without a final newline: was the file cut short?)"

#: After this many records parsed by the csv module, a file where they are the
#: majority (say every field quoted) is read by the csv module alone.
_SWITCH_AFTER = 1000


def _drain(pending: deque[str]) -> Iterator[str]:
    """Lines to read again (after an unclosed quote), then nothing."""
    while pending:
        yield pending.popleft()


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

    Hostile files: a first record naming none of the export's columns is not taken
    for a header (it and every record after it are rejected, saying why); a header
    without the key column rejects every record naming that column; a header row
    repeated further down (two exports joined into one file, a BOM before it) is
    rejected, and the records below it are read with its columns; a quote that opens
    a field and is not closed on its line, making a record over several lines that
    does not fit the header, rejects that line only and reads the next lines again
    (unless the record runs to the end of the file: then it is one rejection).
    """
    physical = chain.from_iterable(lines)  # one iterator shared by every path below
    bad = lines.bad
    number = 0  # last physical line consumed
    pending: deque[str] = deque()  # lines to read again after an unclosed quote

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
        last = lines.unterminated
        if last is not None and start <= last <= end:
            reason += CUT_SHORT
        reject(start, reason, lines.text(start, end))

    def unclosed(start: int, end: int) -> None:
        """Reject line ``start`` alone: its quote swallowed lines up to ``end``."""
        reason = take_bad(start, start)
        problem = (
            f"malformed CSV: a quote opened on this line is not closed on it (the record "
            f"would run over lines {start}-{end} and does not fit the header, or runs to "
            "the end of the file); only this line is rejected"
        )
        rejected(start, start, f"{reason}; {problem}" if reason else problem)

    def reject_rest(reason: str) -> Iterator[Record]:
        """Reject every remaining record (no usable header)."""

        def reject_all(row, error, start, end):
            take_bad(start, end)
            if error is None and _is_blank(row, start, end):
                stats.blank_lines += 1
            else:
                rejected(start, end, reason)

        return _csv_module_records(chain(_drain(pending), physical), number, reject_all)

    # ---- header: the first non-blank record
    header: list[str] | None = None
    source: Iterator[str] = physical
    for text in source:
        start = number + 1
        row, error, used, taken = _parse_record(text, source)
        number = end = start + used - 1
        if used > 1 and error is not None and taken:
            # an unclosed quote in the header: only its line is the header's
            number = end = start
            pending.extend(taken)
        take_bad(start, end)  # a header with bad bytes shows up as unknown columns
        if error is not None:
            rejected(start, end, f"malformed CSV header: {_describe(error)}")
            yield from reject_rest(f"no usable header (line {start} is malformed)")
            return
        if _is_blank(row, start, end):
            stats.blank_lines += 1
            continue
        if not csv_layout(row, export).columns:
            rejected(start, end, not_a_header_reason(row, export, start))
            yield from reject_rest(f"no usable header (line {start} is not a header)")
            return
        header = row
        header_line = start
        break
    if header is None:
        return

    layout = csv_layout(header, export)
    columns = list(layout.columns)  # the values written, whatever header comes later
    stats.columns = columns
    stats.missing_columns = list(layout.missing_columns)
    stats.extra_columns = list(layout.extra_columns)
    names = frozenset(export.columns)
    no_key = _missing_key(export)
    no_key_column = ""

    # What the current header means (a repeated header further down may change it).
    width = commas = first_key = split_keys = 0
    keys: list[int] = []
    identity = pad = False
    pick: Callable = itemgetter(0)

    def use(new: CsvLayout, line: int) -> None:
        nonlocal width, commas, first_key, split_keys, keys, identity, pad, pick
        nonlocal no_key_column
        width = new.width
        commas = width - 1
        where = dict(zip(new.columns, new.picks, strict=True))
        picks = [where.get(c, width) for c in columns]  # width: the NULL appended
        pad = width in picks
        identity = picks == list(range(width))
        if len(picks) > 1:
            pick = itemgetter(*picks)
        else:
            only = picks[0]
            pick = lambda row: (row[only],)  # noqa: E731
        keys = list(new.keys)
        first_key = keys[0] if keys else 0
        split_keys = max(keys) + 1 if keys else 0
        wanted = " or ".join(export.key_columns)
        no_key_column = (
            f"the header (line {line}) has no {wanted} column: a record without its key "
            "cannot be loaded (export the file with that column)"
        )

    use(layout, header_line)

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
        elif _maybe_header(row) and looks_like_header(row, export):
            reason = repeated_header(row, start)
        elif not keys:
            reason = no_key_column
        elif len(row) != width:
            reason = f"expected {width} fields, found {len(row)}"
        elif _is_blank_text(row[first_key]) and all(_is_blank_text(row[k]) for k in keys):
            reason = no_key
        if reason:
            rejected(start, end, reason)
            return None
        stats.records_read += 1
        stats.rows += 1
        if identity:
            return row
        return list(pick([*row, NULL] if pad else row))

    def _maybe_header(row: list[str]) -> bool:
        """A cheap first test: the first field, or the key field, is a column name."""
        if clean_header_name(row[0]).lower() in names:
            return True
        return first_key < len(row) and clean_header_name(row[first_key]).lower() in names

    def repeated_header(row: list[str], start: int) -> str:
        new = csv_layout(row, export)
        where = dict(zip(new.columns, new.picks, strict=True))
        if new.width == width and where == layout_picks:
            return "repeated header row (two exports joined into one file?)"
        use(new, start)
        layout_picks.clear()
        layout_picks.update(where)
        stats.header_changes += 1
        return (
            "repeated header row with its columns in another order or set (two exports "
            "joined into one file?); the records below it are read with its columns"
        )

    layout_picks = dict(zip(layout.columns, layout.picks, strict=True))

    def fits(row: list[str]) -> bool:
        return len(row) == width or looks_like_header(row, export)

    if not fast:
        yield from _csv_module_records(
            chain(_drain(pending), physical), number, check, fits, unclosed
        )
        return

    # ---- body: plain lines split directly, the rest through the csv module
    parsed = 0  # records that went through the csv module
    rows = 0  # plain records loaded (the others are counted by check() and rejected())
    try:
        while True:
            source = chain(_drain(pending), physical) if pending else physical
            for text in source:
                number += 1
                plain = text[:-1] if text.endswith("\r") else text
                if (
                    '"' in plain
                    or not plain.isprintable()
                    or len(plain) > _FIELD_LIMIT
                    or (bad and bad[0][0] == number)
                ):
                    start = number
                    if text[:1] == "\ufeff":  # a BOM inside the file: not data
                        text = text[1:]
                    row, error, used, taken = _parse_record(text, source)
                    number = end = start + used - 1
                    if used > 1 and taken and _swallowed(row, error, fits):
                        unclosed(start, end)
                        number = start
                        pending.extendleft(reversed(taken))
                        break  # read the swallowed lines again
                    values = check(row, error, start, end)
                    if values is not None:
                        yield start, values
                    parsed += 1
                    if parsed >= _SWITCH_AFTER and parsed * 2 > number:
                        rest = chain(_drain(pending), source)
                        yield from _csv_module_records(rest, number, check, fits, unclosed)
                        return
                    continue
                if not plain or plain.isspace():
                    stats.blank_lines += 1
                    continue
                if plain.count(",") != commas or not split_keys:
                    values = check(plain.split(","), None, number, number)
                    if values is not None:
                        yield number, values
                    continue
                fields = plain.split(",", split_keys)
                value = fields[first_key]
                if (not value or value.isspace()) and all(_is_blank_text(fields[k]) for k in keys):
                    rejected(number, number, no_key)
                    continue
                if value in names:  # perhaps a header row repeated
                    values = check(plain.split(","), None, number, number)
                    if values is not None:
                        yield number, values
                    continue
                rows += 1
                if identity:
                    yield number, plain.replace(",", US)
                elif pad:
                    yield number, US.join(pick([*plain.split(","), NULL_TEXT]))
                else:
                    yield number, US.join(pick(plain.split(",")))
            else:
                return
    finally:
        stats.records_read += rows
        stats.rows += rows


def _swallowed(row: list[str] | None, error: object, fits: Callable[[list[str]], bool]) -> bool:
    """Whether a record parsed over several lines is an unclosed quote's doing: it
    fails (any error, reaching the end of the file inside the quote included: a quote
    that runs to the end would otherwise take every record below it along), or its
    field count does not fit the header."""
    if error is not None:
        return True
    return row is not None and not fits(row)


#: The longest field the csv module accepts: any line the decoder hands on (see
#: decode.MAX_LINE_BYTES) may be one field, so a long value is data, not an error.
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))
_FIELD_LIMIT = csv.field_size_limit()


def _parse_record(
    first: str, rest: Iterator[str]
) -> tuple[list[str] | None, object, int, list[str]]:
    """Parse one record starting with line ``first`` (continuing from ``rest``).

    Returns ``(row, error, lines_used, taken)``; ``row`` is None when the csv module
    raised; ``taken`` holds the lines read from ``rest``.
    """
    taken: list[str] = []

    def feed() -> Iterator[str]:
        yield first + "\n"
        for line in rest:
            taken.append(line)
            yield line + "\n"

    reader = csv.reader(feed(), strict=True)
    try:
        return next(reader), None, reader.line_num, taken
    except csv.Error as exc:
        return None, exc, reader.line_num, taken


def _csv_module_records(
    physical: Iterator[str],
    number: int,
    check,
    fits: Callable[[list[str]], bool] | None = None,
    unclosed: Callable[[int, int], None] | None = None,
) -> Iterator[Record]:
    """The remaining records, all parsed by the csv module; ``check`` judges each.

    With ``fits`` and ``unclosed``: a record over several lines that the csv module
    refuses (other than at the end of the file) or that does not ``fits`` is an
    unclosed quote's doing: ``unclosed(start, end)`` rejects its first line and the
    lines after it are read again.
    """
    taken: list[str] = []
    pending: deque[str] = deque()

    def feed(source: Iterator[str]) -> Iterator[str]:
        for line in source:
            taken.append(line)
            yield line + "\n"

    source = physical
    while True:
        reader = csv.reader(feed(source), strict=True)
        consumed = 0
        swallowed = False
        while not swallowed:
            try:
                for row in reader:
                    start, consumed = number + consumed + 1, reader.line_num
                    end = number + consumed
                    if unclosed and end > start and fits and not fits(row):
                        swallowed = True
                        break
                    taken.clear()
                    values = check(row, None, start, end)
                    if values is not None:
                        yield start, values
                else:
                    return
            except csv.Error as exc:
                start, consumed = number + consumed + 1, reader.line_num
                end = number + consumed
                if unclosed and end > start and _swallowed(None, exc, lambda row: True):
                    swallowed = True
                else:
                    taken.clear()
                    check(None, exc, start, end)
        assert unclosed is not None
        unclosed(start, end)
        number = start
        pending.extendleft(reversed(taken[1:]))
        taken.clear()
        source = chain(_drain(pending), physical)


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
#: Integers with more digits than Python converts (sys.get_int_max_str_digits, 4300)
#: keep their text like floats do, instead of failing the file.
_MAX_INT_DIGITS = 4000


def _parse_int(text: str) -> int | _JsonFloat:
    return int(text) if len(text) < _MAX_INT_DIGITS else _JsonFloat(text)


_decode_json = json.JSONDecoder(
    parse_float=_JsonFloat, parse_int=_parse_int, parse_constant=_JsonFloat
).decode
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
    key_names = export.key_columns
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

    def rejected(reason: str, text: str) -> None:
        if lines.unterminated == number:
            reason += CUT_SHORT
        reject(number, reason, text)

    try:
        for chunk in lines:
            for text in chunk:
                number += 1
                if bad and bad[0][0] == number:
                    records += 1
                    rejected(bad.popleft()[1], lines.text(number, number))
                    continue
                if text.endswith("\r"):
                    text = text[:-1]
                if not text or text.isspace():
                    stats.blank_lines += 1
                    continue
                records += 1
                if text[0] == "\ufeff":  # a BOM inside the file (files joined): not data
                    text = text[1:]
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
                        rejected(_json_error(exc, text), text)
                        continue
                    except RecursionError:
                        rejected("invalid JSON: nested too deeply", text)
                        continue
                    if type(obj) is not dict:
                        found = _JSON_TYPES.get(type(obj), type(obj).__name__)
                        records_inside = type(obj) is list and obj and type(obj[0]) is dict
                        hint = _ONE_OBJECT_A_LINE if records_inside else ""
                        rejected(f"not a JSON object: found {found}{hint}", text)
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
                    rejected(no_key, text)
                    continue
                wrong = _key_of_wrong_type(obj, key_names)
                if wrong:
                    rejected(wrong, text)
                    continue
                if "\\" not in text:
                    # No escape in the line: no string holds a control character.
                    rows += 1
                    yield number, US.join(values)
                    continue
                if ("\\ud" in text or "\\uD" in text) and not _encodable(values):
                    rejected("invalid JSON: unpaired surrogate in a string", text)
                    continue
                rows += 1
                yield number, [NULL if v is NULL_TEXT else v for v in values]
    finally:
        stats.records_read += records
        stats.rows += rows
        stats.rejected += records - rows
        stats.missing_columns = unseen if objects else []
        # a key may hold an unpaired surrogate ("\ud800"), which is not UTF-8
        extra = sorted(seen_keys.difference(columns))[:100]
        stats.extra_columns = [k.encode("utf-8", "backslashreplace").decode() for k in extra]


#: Said of a JSON array where JSON Lines wants objects.
_ONE_OBJECT_A_LINE = ": JSON Lines needs one object a line, not an array of them"
#: Lines of a JSON document printed over several lines (one of these alone, or a
#: ``"key": value`` fragment).
_DOCUMENT_PIECES = frozenset(["[", "]", "{", "}", "},", "],", "[{", "}]", "{}", "[]"])


def _json_error(exc: json.JSONDecodeError, text: str) -> str:
    # Some messages end with "at" ("Unterminated string starting at").
    at = "" if exc.msg.endswith(" at") else " at"
    reason = f"invalid JSON: {exc.msg}{at} column {exc.colno}"
    piece = text.strip()
    if piece in _DOCUMENT_PIECES or (piece.startswith('"') and '":' in piece):
        reason += (
            " (a piece of a JSON document spread over several lines? JSON Lines needs "
            "each object whole on one line)"
        )
    return reason


_WRONG_KEY_TYPES = {dict: "an object", list: "an array", bool: "a boolean"}


def _key_of_wrong_type(obj: dict, key_names: tuple[str, ...]) -> str:
    """The reason a record's key is not an identifier (a JSON object, array or
    boolean), or ''."""
    for name in key_names:
        kind = _WRONG_KEY_TYPES.get(type(obj.get(name)))
        if kind:
            return f"{name} is a JSON {kind[kind.index(' ') + 1 :]}, not an identifier"
    return ""


def _encodable(values: list[str]) -> bool:
    try:
        "".join(values).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
