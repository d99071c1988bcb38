"""Encoding detection and line-by-line decoding of raw export files.

Exports arrive as UTF-8, UTF-8 with a byte-order mark, or GB18030/GBK (older POS
systems). :func:`fingerprint` reads a file once to compute its SHA-256 and detect its
encoding; :class:`DecodedLines` then streams the file's physical lines (split on
``\\n`` only), decoded with that encoding, a few megabytes at a time. A line that does
not decode is remembered in :attr:`DecodedLines.bad` (with a reason) and handed on
with its bad bytes replaced, so the reader can reject the record holding it while the
rest of the file loads.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

BOM = codecs.BOM_UTF8
#: Encodings as recorded in ``audit.load_manifest.encoding``.
UTF8, UTF8_SIG, GB18030 = "utf-8", "utf-8-sig", "gb18030"

#: Bytes of non-ASCII text that encoding detection looks at.
SAMPLE_BYTES = 1 << 20
#: Bytes read from a file at a time.
CHUNK_BYTES = 1 << 22
#: A physical line longer than this is rejected instead of being held in memory.
MAX_LINE_BYTES = 16 << 20
#: ``raw_text`` of a rejected record is cut to this many characters.
MAX_RAW_TEXT = 2000

_NON_ASCII = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True)
class Fingerprint:
    """What one pass over a file tells: its content hash, size and encoding."""

    sha256: str
    size_bytes: int
    encoding: str


def fingerprint(path: str) -> Fingerprint:
    """Hash a file and detect its encoding in one streaming pass."""
    digest = hashlib.sha256()
    sniffer = EncodingSniffer()
    size = 0
    with open(path, "rb") as stream:
        while block := stream.read(CHUNK_BYTES):
            digest.update(block)
            sniffer.feed(block)
            size += len(block)
    return Fingerprint(digest.hexdigest(), size, sniffer.result())


def detect_encoding(path: str) -> str:
    """The encoding of a file: ``utf-8``, ``utf-8-sig`` or ``gb18030``."""
    return fingerprint(path).encoding


class EncodingSniffer:
    """Decides a file's encoding from the blocks of the file fed to it in order.

    A BOM means ``utf-8-sig``. Otherwise the sample is up to :data:`SAMPLE_BYTES`
    starting at the file's first non-ASCII byte (a file whose first megabytes are
    ASCII is still judged on its Chinese text further down). The sample is UTF-8 if it
    decodes as UTF-8 (with an incremental decoder, so that a character cut at the
    sample's end does not count against it), else GB18030 if most of its non-ASCII
    lines fail as UTF-8 and fewer fail as GB18030, else UTF-8. A file without any
    non-ASCII byte is UTF-8.
    """

    def __init__(self) -> None:
        self._first = True
        self._parts: list[bytes] = []
        self._sampled = 0
        self._decided: str | None = None

    def feed(self, block: bytes) -> None:
        if self._decided is not None or not block:
            return
        if self._first:
            self._first = False
            if block.startswith(BOM):
                self._decided = UTF8_SIG
                return
        if not self._parts:
            match = _NON_ASCII.search(block)
            if match is None:
                return
            # Everything before the first non-ASCII byte is ASCII, so this is a
            # character boundary in either encoding.
            block = block[match.start() :]
        self._parts.append(block)
        self._sampled += len(block)
        if self._sampled >= SAMPLE_BYTES:
            self._decided = _judge(b"".join(self._parts), final=False)
            self._parts = []

    def result(self) -> str:
        """The encoding, once the whole file (or enough of it) has been fed."""
        if self._decided is None:
            self._decided = _judge(b"".join(self._parts), final=True) if self._parts else UTF8
            self._parts = []
        return self._decided


def _judge(sample: bytes, *, final: bool) -> str:
    if _decodes(sample, UTF8, final=final):
        return UTF8
    # Judge line by line: whole lines as they are, the sample's last line (cut short
    # unless the file ended) without counting a character cut at its end.
    cut = len(sample) if final else sample.rfind(b"\n") + 1
    judged = [(line, True) for line in sample[:cut].split(b"\n") if not line.isascii()]
    if not sample[cut:].isascii():
        judged.append((sample[cut:], False))
    utf8_bad = sum(not _decodes(line, UTF8, final=whole) for line, whole in judged)
    gb_bad = sum(not _decodes(line, GB18030, final=whole) for line, whole in judged)
    if utf8_bad * 2 > len(judged) and gb_bad < utf8_bad:
        return GB18030
    return UTF8


def _decodes(data: bytes, encoding: str, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final)
    except UnicodeDecodeError:
        return False
    return True


class DecodedLines:
    """The physical lines of a binary stream, decoded, in chunks of many lines.

    Iterating yields lists of lines without their ``\\n`` (a Windows ``\\r`` stays).
    Line numbers are 1-based; :attr:`bad` holds ``(line_number, reason)`` for lines
    that did not decode or were too long, in increasing order, registered before the
    chunk that holds them is yielded. :meth:`text` gives the decoded text of recent
    lines (for ``raw_text`` of a rejected record).
    """

    def __init__(
        self,
        stream: BinaryIO,
        encoding: str,
        *,
        chunk_bytes: int = CHUNK_BYTES,
        max_line_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        self._stream = stream
        self.encoding = encoding
        self._codec = UTF8 if encoding == UTF8_SIG else encoding
        self._chunk_bytes = chunk_bytes
        self._max_line_bytes = max_line_bytes
        self.bad: deque[tuple[int, str]] = deque()
        #: the number of the file's last line when it has no final newline (set before
        #: the chunk holding it is yielded), else None
        self.unterminated: int | None = None
        self._recent: deque[tuple[int, list[str]]] = deque(maxlen=2)
        self._previews: dict[int, str] = {}

    def __iter__(self) -> Iterator[list[str]]:
        read = self._stream.read
        size = self._chunk_bytes
        line_no = 1
        carry: list[bytes] = []
        carried = 0
        first = True
        while block := read(size):
            if first:
                first = False
                if self.encoding == UTF8_SIG and block.startswith(BOM):
                    block = block[len(BOM) :]
                    if not block:
                        continue
            cut = block.rfind(b"\n")
            if cut < 0:
                carry.append(block)
                carried += len(block)
                if carried > self._max_line_bytes:
                    yield self._too_long(line_no, b"".join(carry))
                    line_no += 1
                    carry, carried = self._skip_rest_of_line(read, size)
                continue
            if carry:
                carry.append(block[: cut + 1])
                data = b"".join(carry)
            else:
                data = block[: cut + 1]
            rest = block[cut + 1 :]
            carry, carried = ([rest], len(rest)) if rest else ([], 0)
            lines = self._decode(data, line_no)
            self._recent.append((line_no, lines))
            line_no += len(lines)
            yield lines
        if carry:
            lines = self._decode(b"".join(carry) + b"\n", line_no)
            self._recent.append((line_no, lines))
            self.unterminated = line_no
            yield lines

    def _decode(self, data: bytes, first_line: int) -> list[str]:
        """Lines of ``data`` (which ends with ``\\n``), bad bytes replaced."""
        try:
            text = data.decode(self._codec)
        except UnicodeDecodeError:
            lines = []
            for offset, raw in enumerate(data.split(b"\n")[:-1]):
                try:
                    lines.append(raw.decode(self._codec))
                except UnicodeDecodeError as exc:
                    reason = f"undecodable bytes for {self._codec} at byte {exc.start + 1}"
                    self.bad.append((first_line + offset, reason))
                    lines.append(raw.decode(self._codec, "replace"))
            return lines
        lines = text.split("\n")
        lines.pop()
        return lines

    def _too_long(self, line_no: int, head: bytes) -> list[str]:
        self.bad.append((line_no, f"line longer than {self._max_line_bytes} bytes"))
        preview = head[: MAX_RAW_TEXT * 4].decode(self._codec, "replace")[:MAX_RAW_TEXT]
        self._previews[line_no] = preview
        lines = [""]
        self._recent.append((line_no, lines))
        return lines

    @staticmethod
    def _skip_rest_of_line(read, size: int) -> tuple[list[bytes], int]:
        while block := read(size):
            cut = block.find(b"\n")
            if cut >= 0:
                rest = block[cut + 1 :]
                return ([rest], len(rest)) if rest else ([], 0)
        return [], 0

    def text(self, first: int, last: int) -> str:
        """Decoded text of lines ``first..last`` (as far as still held), cut short."""
        out: list[str] = []
        size = 0
        for number in range(first, last + 1):
            line = self._previews.get(number)
            if line is None:
                line = self._line(number)
            if line is None:
                continue
            out.append(line[:-1] if line.endswith("\r") else line)
            size += len(line) + 1
            if size > MAX_RAW_TEXT:
                break
        return "\n".join(out)[:MAX_RAW_TEXT]

    def _line(self, number: int) -> str | None:
        for start, lines in self._recent:
            if start <= number < start + len(lines):
                return lines[number - start]
        return None


class ListLines:
    """Lines held in a list, read like :class:`DecodedLines` (all of them valid).

    The fast path hands the few lines that DuckDB could not load as they are to the
    record readers this way, numbered 1..n; the caller maps numbers back.
    """

    def __init__(self, lines: list[str], unterminated: int | None = None) -> None:
        self._lines = lines
        self.bad: deque[tuple[int, str]] = deque()
        self.unterminated = unterminated  # as DecodedLines.unterminated

    def __iter__(self) -> Iterator[list[str]]:
        if self._lines:
            yield self._lines

    def text(self, first: int, last: int) -> str:
        out: list[str] = []
        size = 0
        for line in self._lines[first - 1 : last]:
            out.append(line[:-1] if line.endswith("\r") else line)
            size += len(line) + 1
            if size > MAX_RAW_TEXT:
                break
        return "\n".join(out)[:MAX_RAW_TEXT]


#: A file with more undecodable lines than this is not read by the fast path.
MAX_BAD_LINES = 64


@dataclass(frozen=True)
class Scan:
    """One streaming pass over a file: its fingerprint and what the fast path needs
    to know about its bytes."""

    fingerprint: Fingerprint
    newlines: int  # b"\n"
    carriage_returns: int  # b"\r"
    crlf: int  # b"\r\n"
    has_quote: bool  # b'"'
    has_byte_01: bool  # b"\x01", the fast path's column separator
    ends_with_newline: bool
    #: lines that are not UTF-8, as DecodedLines reports them (line, reason, text with
    #: the bad bytes replaced); None when there are more than MAX_BAD_LINES, or a line
    #: is longer than MAX_LINE_BYTES
    bad_utf8: tuple[tuple[int, str, str], ...] | None

    @property
    def lines(self) -> int:
        """Physical lines as :class:`DecodedLines` counts them (split on ``\\n``)."""
        size = self.fingerprint.size_bytes
        if size == 0:
            return 0
        return self.newlines + (0 if self.ends_with_newline else 1)


def scan(path: str) -> Scan:
    """Hash a file, detect its encoding, check it is UTF-8 and count what the fast
    path checks, in one streaming pass."""
    digest = hashlib.sha256()
    sniffer = EncodingSniffer()
    size = newlines = crs = crlf = 0
    quote = byte_01 = False
    last = b""
    carry = b""
    bad: list[tuple[int, str, str]] | None = []
    with open(path, "rb") as stream:
        while block := stream.read(CHUNK_BYTES):
            digest.update(block)
            sniffer.feed(block)
            if size == 0 and block.startswith(BOM):
                size += len(BOM)
                block = block[len(BOM) :]  # as DecodedLines drops it (byte offsets)
            size += len(block)
            count = block.count(b"\n")
            if b"\r" in block:
                crs += block.count(b"\r")
                crlf += block.count(b"\r\n")
            if last == b"\r" and block[:1] == b"\n":
                crlf += 1
            if not quote and b'"' in block:
                quote = True
            if not byte_01 and b"\x01" in block:
                byte_01 = True
            last = block[-1:] or last
            if bad is not None:
                cut = block.rfind(b"\n")
                if cut < 0:
                    carry += block
                    if len(carry) > MAX_LINE_BYTES:
                        bad = None
                else:
                    whole = carry + block[: cut + 1]
                    carry = block[cut + 1 :]
                    bad = _check_utf8(whole, newlines + 1, bad)
            newlines += count
    if bad is not None and carry:
        bad = _check_utf8(carry + b"\n", newlines + 1, bad)
    return Scan(
        Fingerprint(digest.hexdigest(), size, sniffer.result()),
        newlines,
        crs,
        crlf,
        quote,
        byte_01,
        last == b"\n",
        None if bad is None else tuple(bad),
    )


def _check_utf8(
    data: bytes, first_line: int, bad: list[tuple[int, str, str]]
) -> list[tuple[int, str, str]] | None:
    """Add the lines of ``data`` (ending with ``\\n``) that are not UTF-8 to ``bad``
    (None once there are too many)."""
    try:
        data.decode(UTF8)
        return bad
    except UnicodeDecodeError:
        pass
    for offset, raw in enumerate(data.split(b"\n")[:-1]):
        try:
            raw.decode(UTF8)
        except UnicodeDecodeError as exc:
            if len(bad) >= MAX_BAD_LINES:
                return None
            reason = f"undecodable bytes for {UTF8} at byte {exc.start + 1}"
            bad.append((first_line + offset, reason, raw.decode(UTF8, "replace")))
    return bad


class CarriageReturnLines:
    """A binary stream whose lone CR line ends read as LF.

    For a file whose lines end with CR alone (classic Mac OS, some spreadsheet
    exports): :class:`DecodedLines` splits on LF only, and would see one long line.
    Safe in every encoding ingestion reads (a CR byte is never part of a multi-byte
    character in UTF-8 or GB18030).
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size).replace(b"\r", b"\n")


def cr_line_ends(found: Scan) -> bool:
    """Whether a file's lines end with CR alone: it has CRs and not a single LF."""
    return found.carriage_returns > 0 and found.newlines == 0


# ----------------------------------------------------------------- not text at all

#: Bytes looked at to tell a text export from a file that is not text.
HEAD_BYTES = 1 << 16

#: Leading bytes of files that are not text exports, and what to do with each.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "a gzip-compressed file: decompress it (gunzip) and put the result in its place"),
    (
        b"PK\x03\x04",
        "a ZIP archive (an Excel workbook?): export the sheet as CSV UTF-8, or unzip the "
        "export, and put that file in its place",
    ),
    (b"PK\x05\x06", "an empty ZIP archive: export the data again"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "a legacy Office document (an Excel .xls?): save it as CSV UTF-8",
    ),
    (b"\xfd7zXZ\x00", "an xz-compressed file: decompress it (unxz)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: extract it"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file: decompress it (unzstd)"),
    (b"Rar!\x1a\x07", "a RAR archive: extract it"),
    (b"%PDF-", "a PDF document, not a data export"),
    (b"SQLite format 3\x00", "an SQLite database, not an export"),
    (b"\xff\xfe\x00\x00", "UTF-32 text: save it as UTF-8 (or GB18030)"),
    (b"\x00\x00\xfe\xff", "UTF-32 text: save it as UTF-8 (or GB18030)"),
    (
        b"\xff\xfe",
        "UTF-16 text (Excel's 'Unicode text'?), an encoding the contract does not accept: "
        "save it as CSV UTF-8 (or GB18030)",
    ),
    (b"\xfe\xff", "UTF-16 text, an encoding the contract does not accept: save it as UTF-8"),
)

#: Control bytes that no text export holds (NUL and the like; not tab, LF, VT, FF,
#: CR, Ctrl-Z or ESC).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1A), *range(0x1C, 0x20), 0x7F])
#: A file whose first bytes hold a larger share of control bytes than this and are
#: not UTF-8 is binary (random bytes are about 11% control bytes; text holds none,
#: though a text export may carry a few inside values, which load as they are)...
_MAX_CONTROL_SHARE = 0.05
#: ... and so is one whose first bytes are more than a quarter NUL, UTF-8 or not
#: (UTF-16 without a byte-order mark, a preallocated file never written).
_MAX_NUL_SHARE = 0.25


def not_text(head: bytes, export_format: str = "CSV UTF-8") -> str | None:
    """Why a file that starts with ``head`` (its first :data:`HEAD_BYTES`) is not a
    text export at all, or None. Compressed files, archives, spreadsheets, UTF-16 and
    UTF-32 text are known by their first bytes; any other file whose start is more
    than a quarter NUL, or is not UTF-8 and more than 5% control characters (NUL and
    the like), is binary. ``export_format`` names
    what the export should be saved as."""
    reason = _not_text(head)
    return None if reason is None else reason.replace("CSV UTF-8", export_format)


def _not_text(head: bytes) -> str | None:
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return f"whole file rejected: it is {what}"
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        return "whole file rejected: it is a bzip2-compressed file: decompress it (bunzip2)"
    if not head:
        return None
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    nuls = head.count(0)
    if nuls > _MAX_NUL_SHARE * len(head) or (
        controls > _MAX_CONTROL_SHARE * len(head) and not _decodes(head, UTF8, final=False)
    ):
        share = controls / len(head)
        return (
            f"whole file rejected: not a text file ({share:.0%} of its first {len(head):,} "
            "bytes are control characters such as NUL): a binary file, or text in an "
            "encoding without a byte-order mark (UTF-16?); export it as CSV UTF-8"
        )
    return None


def head_preview(head: bytes, size: int) -> str:
    """``raw_text`` of a whole-file rejection: the file's size and first bytes in hex."""
    return f"{size:,} bytes, starting with: {head[:48].hex(' ')}"
