"""A corpus of hostile channel exports, written programmatically (nothing binary or
large is committed): truncated files, wrong delimiters, files that are not text,
broken encodings, headers that lie, JSON that is not JSON Lines, and typed values
that only staging can judge (impossible dates, amounts with letters, negative
quantities, duplicate order ids, unknown SKUs, order lines without their order).

Each :class:`Case` is one hostile file (a few good records around the bad ones, so
that "the good rows are there" can be checked) and what a serious data product does
with it: which lines load (with their key), which are rejected (and a pattern the
reason must match: it has to tell a person what to fix), and anything else the load
must report. :func:`write_corpus` writes cases into a raw folder, each under its
export's folder as ``hostile-<case>.<csv|jsonl>``, beside whatever is already there.

Typed-value cases (:data:`TYPED_CASES`) all load at ingestion (raw is text); what
staging does with them is checked after a build (``test_hostile_inputs.py``).
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import random
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crm_warehouse.contract import EXPORTS_BY_NAME

#: Size of the single-line case (the issue's "10 MB single line").
TEN_MB = 10 * 2**20


@dataclass(frozen=True)
class Case:
    """One hostile export file and what ingestion must make of it."""

    name: str
    export: str  # raw table the file is meant for, e.g. "pos__orders"
    why: str  # what a serious data product does with it, and why
    #: the file's bytes (called when the corpus is written: big cases stay lazy)
    content: Callable[[], bytes]
    #: (source line, key) of every record that must load (first key column)
    loaded: tuple[tuple[int, str], ...] = ()
    #: (source line, regular expression the rejection reason must match)
    rejected: tuple[tuple[int, str], ...] = ()
    blank_lines: int | None = None
    #: source line -> column -> exact raw value
    values: Mapping[int, Mapping[str, str | None]] = field(default_factory=dict)
    missing_columns: tuple[str, ...] | None = None
    extra_columns: tuple[str, ...] | None = None
    #: the path is a folder named like an export file (content goes in a file inside)
    is_folder: bool = False

    @property
    def source_file(self) -> str:
        export = EXPORTS_BY_NAME[self.export]
        return f"{export.folder}/hostile-{self.name}{export.suffix}"

    @property
    def key_column(self) -> str:
        return EXPORTS_BY_NAME[self.export].key_columns[0]

    @property
    def records(self) -> int:
        return len(self.loaded) + len(self.rejected)


def header(export: str, sep: str = ",") -> str:
    return sep.join(EXPORTS_BY_NAME[export].columns)


def order(
    no: str,
    *,
    ordered_at: str = "2024-06-01 10:00:00",
    order_type: str = "sale",
    total: str = "100.00",
    discount: str = "0.00",
    paid: str = "100.00",
    store: str = "S001",
    card: str = "",
    mobile: str = "",
    original: str = "",
    method: str = "cash",
    sep: str = ",",
) -> str:
    """A POS orders line (contract column order)."""
    values = [no, store, card, mobile, ordered_at, order_type, original, total, discount]
    return sep.join([*values, paid, method])


def item(
    no: str,
    line: str = "1",
    *,
    sku: str = "0101037",
    quantity: str = "1",
    price: str = "100.00",
    amount: str = "100.00",
) -> str:
    """A POS order_items line."""
    return ",".join([no, line, sku, quantity, price, amount])


def member(card: str, name: str = "王芳", *, birthday: str = "1990-07-01") -> str:
    """A POS members line."""
    values = [card, name, "13912345678", "F", birthday, "", "S001"]
    return ",".join([*values, "2023-01-05 10:00:00", "2023-01-05 10:00:00"])


def mall_user(openid: str, **extra: object) -> dict[str, object]:
    user: dict[str, object] = {
        "openid": openid,
        "unionid": None,
        "nickname": "小米妈",
        "mobile": None,
        "email": None,
        "registered_at": "2023-03-01T10:00:00+08:00",
        "updated_at": "2023-03-01T10:00:00+08:00",
    }
    user.update(extra)
    return user


def mall_order(order_id: str, **extra: object) -> dict[str, object]:
    obj: dict[str, object] = {
        "order_id": order_id,
        "openid": "o-hostile-buyer",
        "unionid": None,
        "mobile": None,
        "status": "completed",
        "created_at": "2024-06-01T10:00:00+08:00",
        "paid_at": "2024-06-01T10:01:00+08:00",
        "updated_at": "2024-06-03T10:00:00+08:00",
        "total_fee": 12900,
        "discount_fee": 0,
        "payment_fee": 12900,
        "coupon_code": None,
        "receiver_province": "浙江",
        "receiver_city": "杭州",
        "items": [{"sku": "0101037", "quantity": 1, "price_fee": 12900}],
        "refunds": [],
    }
    obj.update(extra)
    return obj


def jsonl(*objects: object) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


def lines(*texts: str, end: str = "\n") -> bytes:
    """Lines joined by ``end`` (and ending with it), UTF-8."""
    return "".join(t + end for t in texts).encode("utf-8")


def _random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _zip_bytes(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


ORDERS = header("pos__orders")
ITEMS = header("pos__order_items")
MEMBERS = header("pos__members")
CUT_SHORT = r"cut short"

# --------------------------------------------------------------------------- cases

INGEST_CASES: tuple[Case, ...] = (
    # --- truncated files
    Case(
        "truncated-mid-record",
        "pos__orders",
        "A transfer cut off mid-record: the whole records load; the cut one is rejected, "
        "and the reason says the file ends inside it, so the fix (export again) is clear.",
        lambda: lines(ORDERS, order("HTR1"), order("HTR2")) + b"HTR3,S001,,,2024-06-01 1",
        loaded=((2, "HTR1"), (3, "HTR2")),
        rejected=((4, rf"expected 11 fields, found 5.*{CUT_SHORT}"),),
    ),
    Case(
        "truncated-in-quote",
        "pos__orders",
        "Cut inside a quoted field: the open quote must not swallow anything else.",
        lambda: lines(ORDERS, order("HTQ1"), order("HTQ2")) + b'HTQ3,"S0',
        loaded=((2, "HTQ1"), (3, "HTQ2")),
        rejected=((4, rf"unexpected end of data.*{CUT_SHORT}"),),
    ),
    Case(
        "truncated-jsonl",
        "mall__orders",
        "A JSON Lines file cut inside its last object.",
        lambda: (
            jsonl(mall_order("HTJ1"), mall_order("HTJ2")).encode()
            + b'{"order_id": "HTJ3", "openid": "o'
        ),
        loaded=((1, "HTJ1"), (2, "HTJ2")),
        rejected=((3, rf"invalid JSON: Unterminated string.*{CUT_SHORT}"),),
    ),
    Case(
        "truncated-utf8-character",
        "pos__members",
        "Cut inside a multi-byte character: the broken last line is rejected, the "
        "Chinese names before it load intact.",
        lambda: (
            lines(MEMBERS, member("HTU1", "张伟"), member("HTU2", "李娜"))
            + "HTU3,王".encode()
            + "芳".encode()[:2]
        ),
        loaded=((2, "HTU1"), (3, "HTU2")),
        rejected=((4, r"undecodable bytes for utf-8"),),
        values={2: {"name": "张伟"}, 3: {"name": "李娜"}},
    ),
    # --- delimiters and headers
    Case(
        "semicolon-delimited",
        "pos__orders",
        "Not comma-separated: nothing can be read safely (guessing a delimiter could "
        "split values wrongly), so every line is rejected, the first one saying which "
        "separator the file uses and that the contract wants commas.",
        lambda: lines(header("pos__orders", ";"), order("HSC1", sep=";"), order("HSC2", sep=";")),
        rejected=(
            (1, r"none of the columns of pos/orders.*';'.*comma"),
            (2, r"no usable header.*line 1"),
            (3, r"no usable header.*line 1"),
        ),
    ),
    Case(
        "tab-delimited",
        "pos__orders",
        "Tab-separated text with a .csv name (a spreadsheet's 'text' export).",
        lambda: lines(header("pos__orders", "\t"), order("HTB1", sep="\t")),
        rejected=(
            (1, r"none of the columns of pos/orders.*tab.*comma"),
            (2, r"no usable header.*line 1"),
        ),
    ),
    Case(
        "header-only",
        "pos__orders",
        "A day without orders: a header and nothing else is an empty export.",
        lambda: lines(ORDERS, end="\r\n"),
    ),
    Case(
        "empty-file",
        "pos__order_items",
        "A 0-byte file is an empty export (nothing to reject, the manifest records it).",
        lambda: b"",
    ),
    Case(
        "blank-lines-only",
        "mall__users",
        "Only blank lines: counted as blank, no record.",
        lambda: b"\n\n   \n\r\n",
        blank_lines=4,
    ),
    Case(
        "columns-reordered",
        "pos__orders",
        "Columns in another order are matched by name.",
        lambda: lines(
            ",".join(reversed(ORDERS.split(","))),
            ",".join(reversed(order("HRO1", paid="88.00", method="alipay").split(","))),
        ),
        loaded=((2, "HRO1"),),
        values={2: {"paid_amount": "88.00", "payment_method": "alipay", "store_id": "S001"}},
    ),
    Case(
        "columns-missing",
        "pos__orders",
        "A documented column missing from the file is read as null and reported.",
        lambda: lines(
            "order_no,store_id,member_card_no,ordered_at,order_type,original_order_no,"
            "total_amount,discount_amount,paid_amount",
            "HCM1,S001,,2024-06-01 10:00:00,sale,,100.00,0.00,100.00",
        ),
        loaded=((2, "HCM1"),),
        values={2: {"mobile": None, "payment_method": None, "paid_amount": "100.00"}},
        missing_columns=("mobile", "payment_method"),
    ),
    Case(
        "key-column-missing",
        "pos__orders",
        "Without its key column no row can be told apart: every row is rejected, and "
        "the reason names the missing header column rather than blaming each row.",
        lambda: lines(
            "store_id,member_card_no,mobile,ordered_at,order_type,original_order_no,"
            "total_amount,discount_amount,paid_amount,payment_method",
            "S001,,,2024-06-01 10:00:00,sale,,100.00,0.00,100.00,cash",
            "S002,,,2024-06-01 11:00:00,sale,,50.00,0.00,50.00,cash",
        ),
        rejected=(
            (2, r"header \(line 1\) has no order_no column"),
            (3, r"header \(line 1\) has no order_no column"),
        ),
        missing_columns=("order_no",),
    ),
    Case(
        "extra-columns",
        "pos__orders",
        "Columns beyond the contract are ignored and listed in the manifest.",
        lambda: lines(f"{ORDERS},cashier_note,", order("HEX1") + ",夜班,"),
        loaded=((2, "HEX1"),),
        values={2: {"payment_method": "cash"}},
        extra_columns=("cashier_note", ""),
    ),
    Case(
        "duplicate-header-names",
        "pos__orders",
        "A column named twice: the first is read, the second listed as a duplicate.",
        lambda: lines(f"{ORDERS},paid_amount", order("HDH1", paid="100.00") + ",999.00"),
        loaded=((2, "HDH1"),),
        values={2: {"paid_amount": "100.00"}},
        extra_columns=("paid_amount (duplicate)",),
    ),
    Case(
        "header-case-and-spaces",
        "pos__orders",
        "Header names in another case or padded with spaces still name the columns.",
        lambda: lines(
            " Order_No ,STORE_ID,member_card_no,Mobile,ordered_at,order_type,"
            "original_order_no,total_amount,discount_amount,Paid_Amount,payment_method",
            order("HHC1", paid="77.00"),
        ),
        loaded=((2, "HHC1"),),
        values={2: {"store_id": "S001", "paid_amount": "77.00"}},
    ),
    Case(
        "missing-header-row",
        "pos__order_items",
        "The header row is missing (the file starts with data): the first line must not "
        "vanish as a 'header'; every line is rejected, saying the header row is missing.",
        lambda: lines(item("HNH1"), item("HNH2")),
        rejected=(
            (1, r"none of the columns of pos/order_items.*header row"),
            (2, r"no usable header.*line 1"),
        ),
    ),
    # --- sizes
    Case(
        "ten-mb-single-line-json",
        "mall__users",
        "One 10 MB line without a final newline: a valid object loads whole.",
        lambda: json.dumps(
            mall_user("HLL1", nickname="长" * (TEN_MB // 3)), ensure_ascii=False
        ).encode(),
        loaded=((1, "HLL1"),),
    ),
    Case(
        "ten-mb-junk-line",
        "pos__members",
        "A 10 MB line of junk between good rows: rejected (shown cut short), the rows "
        "around it load.",
        lambda: lines(MEMBERS, member("HLJ1"), "x" * TEN_MB, member("HLJ3")),
        loaded=((2, "HLJ1"), (4, "HLJ3")),
        rejected=((3, r"expected 9 fields, found 1"),),
    ),
    Case(
        "very-long-field",
        "pos__members",
        "A 600 kB quoted field (longer than the csv module's default limit) is data, "
        "not an error: it loads.",
        lambda: lines(MEMBERS, member("HVF1", '"' + "名" * 200_000 + '"'), member("HVF2")),
        loaded=((2, "HVF1"), (3, "HVF2")),
    ),
    # --- not text at all
    Case(
        "binary-junk",
        "pos__orders",
        "Random bytes: the file is rejected as a whole (one rejection, not thousands of "
        "meaningless ones), the reason saying it is not a text export.",
        lambda: _random_bytes(64 * 1024, seed=7),
        rejected=((1, r"not a text file"),),
    ),
    Case(
        "all-nul",
        "pos__orders",
        "A preallocated file never written (all NUL bytes).",
        lambda: b"\x00" * 4096,
        rejected=((1, r"not a text file"),),
    ),
    Case(
        "gzip-named-csv",
        "pos__order_items",
        "A gzip file with a .csv name: rejected as a whole, the reason says to decompress it.",
        lambda: gzip.compress(lines(ITEMS, item("HGZ1")), mtime=0),
        rejected=((1, r"gzip.*decompress"),),
    ),
    Case(
        "xlsx-named-csv",
        "catalog__products",
        "A spreadsheet (ZIP) saved with a .csv name.",
        lambda: _zip_bytes("xl/workbook.xml", b"<workbook/>"),
        rejected=((1, r"ZIP archive.*Excel.*CSV"),),
    ),
    Case(
        "utf16-text",
        "pos__members",
        "Excel's 'Unicode text' (UTF-16 with BOM, tab-separated): not an encoding of "
        "the contract; rejected as a whole, the reason says to save as UTF-8 CSV.",
        lambda: (
            codecs.BOM_UTF16_LE
            + lines(header("pos__members", "\t"), member("HUT1").replace(",", "\t"))
            .decode()
            .encode("utf-16-le")
        ),
        rejected=((1, r"UTF-16.*UTF-8"),),
    ),
    # --- encodings and invisible characters
    Case(
        "invalid-utf8-inside",
        "pos__members",
        "A UTF-8 file with a Latin-1 line and a broken character inside a field: only "
        "those lines are rejected (with the byte), the Chinese names around them load.",
        lambda: (
            lines(MEMBERS, member("HIU1", "张伟"))
            + member("HIU2", "José").encode("latin-1")
            + b"\n"
            + member("HIU3", "李").encode()
            + b"\xe5\xbc"
            + b"\n"
            + lines(member("HIU4", "陈静"))
        ),
        loaded=((2, "HIU1"), (5, "HIU4")),
        rejected=(
            (3, r"undecodable bytes for utf-8 at byte \d+"),
            (4, r"undecodable bytes for utf-8 at byte \d+"),
        ),
        values={2: {"name": "张伟"}, 5: {"name": "陈静"}},
    ),
    Case(
        "bom-in-the-middle-csv",
        "pos__orders",
        "Two exports joined into one file, each with its BOM and header, the second's "
        "columns in another order: the repeated header is not loaded as an order (it "
        "is rejected, visibly), and the rows below it are read by it.",
        lambda: (
            codecs.BOM_UTF8
            + lines(ORDERS, order("HBM1"))
            + codecs.BOM_UTF8
            + lines(
                ",".join(reversed(ORDERS.split(","))),
                ",".join(reversed(order("HBM2", paid="66.00").split(","))),
            )
        ),
        loaded=((2, "HBM1"), (4, "HBM2")),
        rejected=((3, r"repeated header row"),),
        values={4: {"paid_amount": "66.00", "store_id": "S001"}},
    ),
    Case(
        "bom-at-a-data-line",
        "pos__orders",
        "A BOM in front of a data line (a second export appended without its header): "
        "the BOM is not part of the order number.",
        lambda: lines(ORDERS, order("HBD1")) + codecs.BOM_UTF8 + lines(order("HBD2")),
        loaded=((2, "HBD1"), (3, "HBD2")),
    ),
    Case(
        "bom-in-the-middle-jsonl",
        "mall__users",
        "JSON Lines joined from two files: the BOM before the second part is not data.",
        lambda: (
            jsonl(mall_user("HBJ1")).encode() + codecs.BOM_UTF8 + jsonl(mall_user("HBJ2")).encode()
        ),
        loaded=((1, "HBJ1"), (2, "HBJ2")),
    ),
    Case(
        "nul-byte-in-a-field",
        "pos__orders",
        "A NUL byte inside a field (padding from a legacy system): raw keeps every value "
        "exactly as exported, NUL included (staging cleans text); the line is not lost.",
        lambda: lines(ORDERS, order("HNB1"), order("HNB2", store="S0\x0001"), order("HNB3")),
        loaded=((2, "HNB1"), (3, "HNB2"), (4, "HNB3")),
        values={3: {"store_id": "S0\x0001"}},
    ),
    # --- line endings and quoting
    Case(
        "crlf-lf-mixed",
        "pos__orders",
        "CRLF and LF mixed: every line loads without a stray \\r in its last value; a "
        "lone CR inside an unquoted field is rejected with that reason.",
        lambda: (
            ORDERS
            + "\r\n"
            + order("HCR1")
            + "\n"
            + order("HCR2")
            + "\r\n"
            + order("HCR3", store="S0\r01")
            + "\n"
            + order("HCR4")
        ).encode(),
        loaded=((2, "HCR1"), (3, "HCR2"), (5, "HCR4")),
        rejected=((4, r"carriage return inside an unquoted field"),),
        values={2: {"payment_method": "cash"}, 3: {"payment_method": "cash"}},
    ),
    Case(
        "cr-only-csv",
        "pos__orders",
        "Classic Mac line endings (CR only): one 'line' to a reader that splits on LF; "
        "the records are the CR-separated lines and load with their line numbers.",
        lambda: lines(ORDERS, order("HCO1"), order("HCO2"), end="\r"),
        loaded=((2, "HCO1"), (3, "HCO2")),
        values={3: {"payment_method": "cash"}},
    ),
    Case(
        "cr-only-jsonl",
        "mall__users",
        "JSON Lines with CR-only line endings.",
        lambda: jsonl(mall_user("HCJ1"), mall_user("HCJ2")).replace("\n", "\r").encode(),
        loaded=((1, "HCJ1"), (2, "HCJ2")),
    ),
    Case(
        "quoted-newlines",
        "pos__orders",
        "Quoted fields holding LF and CRLF: one record each, at the line it starts on.",
        lambda: lines(
            ORDERS,
            'HQN1,"S001\nnorth gate",,,2024-06-01 10:00:00,sale,,100.00,0.00,100.00,cash',
            'HQN2,"S001\r\neast gate",,,2024-06-01 10:00:00,sale,,100.00,0.00,100.00,cash',
            order("HQN3"),
        ),
        loaded=((2, "HQN1"), (4, "HQN2"), (6, "HQN3")),
        values={2: {"store_id": "S001\nnorth gate"}, 4: {"store_id": "S001\r\neast gate"}},
    ),
    Case(
        "unterminated-quote-mid-file",
        "pos__orders",
        "A quote opened and never closed in the middle of a file must not swallow the "
        "good records below it into one rejection: only its own line is rejected.",
        lambda: lines(
            ORDERS,
            order("HUQ1"),
            'HUQ2,"S001,,,2024-06-01 10:00:00,sale,,100.00,0.00,100.00,cash',
            order("HUQ3"),
            order("HUQ4"),
            order("HUQ5"),
            'HUQ6,"S001",,,2024-06-01 10:00:00,sale,,100.00,0.00,100.00,cash',
            order("HUQ7"),
        ),
        loaded=((2, "HUQ1"), (4, "HUQ3"), (5, "HUQ4"), (6, "HUQ5"), (7, "HUQ6"), (8, "HUQ7")),
        rejected=((3, r"quote.*not closed"),),
    ),
    Case(
        "unterminated-quote-all-quoted-file",
        "pos__orders",
        "The same in a file where every field is quoted (read by the csv module alone).",
        lambda: lines(
            ORDERS,
            *(
                ",".join(f'"{v}"' for v in order(f"HAQ{n}").split(","))
                if n != 1500
                else 'HAQ1500,"S001,,,2024-06-01 10:00:00,sale,,100.00,0.00,100.00,cash'
                for n in range(1, 2001)
            ),
        ),
        loaded=tuple((n + 1, f"HAQ{n}") for n in range(1, 2001) if n != 1500),
        rejected=((1501, r"quote.*not closed"),),
    ),
    # --- JSON that is not JSON Lines
    Case(
        "json-array-line",
        "mall__orders",
        "A JSON array of orders on one line: not one object a line; rejected with a "
        "reason that says so; the object on the next line loads.",
        lambda: (
            (json.dumps([mall_order("HJA1"), mall_order("HJA2")]) + "\n").encode()
            + jsonl(mall_order("HJA3")).encode()
        ),
        loaded=((2, "HJA3"),),
        rejected=((1, r"found an array.*one object a line"),),
    ),
    Case(
        "json-pretty-printed",
        "mall__users",
        "A pretty-printed JSON document: every line is rejected and each reason says "
        "the object is spread over several lines.",
        lambda: (json.dumps([mall_user("HJP1")], indent=1) + "\n").encode(),
        rejected=tuple((n, r"spread over several lines") for n in range(1, 12)),
    ),
    Case(
        "json-scalars",
        "mall__users",
        "Lines that are JSON but not objects.",
        lambda: b'42\n"HJS2"\nnull\n' + jsonl(mall_user("HJS4")).encode(),
        loaded=((4, "HJS4"),),
        rejected=(
            (1, r"not a JSON object: found a number"),
            (2, r"not a JSON object: found a string"),
            (3, r"not a JSON object: found null"),
        ),
    ),
    Case(
        "json-key-of-wrong-type",
        "mall__orders",
        "A key that is an object, an array or a boolean identifies nothing: rejected, "
        "naming the key and its type; a numeric key is text like any other.",
        lambda: jsonl(
            mall_order({"id": "HJK1"}),  # type: ignore[arg-type]
            mall_order(["HJK2"]),  # type: ignore[arg-type]
            mall_order(True),  # type: ignore[arg-type]
            mall_order(4040404),  # type: ignore[arg-type]
        ).encode(),
        loaded=((4, "4040404"),),
        rejected=(
            (1, r"order_id is a JSON object"),
            (2, r"order_id is a JSON array"),
            (3, r"order_id is a JSON boolean"),
        ),
    ),
    Case(
        "json-empty-lines",
        "mall__users",
        "Objects separated by empty (0-byte) and whitespace lines.",
        lambda: (
            b"\n"
            + jsonl(mall_user("HJE1")).encode()
            + b"\n \t\n"
            + jsonl(mall_user("HJE2")).encode()
            + b"\n"
        ),
        loaded=((2, "HJE1"), (5, "HJE2")),
        blank_lines=4,
    ),
    Case(
        "json-huge-integer",
        "mall__users",
        "A number with 5,000 digits (more than Python converts): raw is text, so it "
        "loads as its digits instead of failing the file.",
        lambda: (
            '{"openid": "HHI1", "mobile": ' + "9" * 5000 + "}\n" + jsonl(mall_user("HHI2"))
        ).encode(),
        loaded=((1, "HHI1"), (2, "HHI2")),
        values={1: {"mobile": "9" * 5000}},
    ),
    Case(
        "json-key-with-unpaired-surrogate",
        "mall__users",
        "An unknown key holding an unpaired surrogate escape (not UTF-8 once decoded): "
        "ignored like any unknown key, and listed in the manifest escaped, instead of "
        "failing the run when the manifest row is written.",
        lambda: b'{"openid": "HSK1", "\\ud800x": 1}\n',
        loaded=((1, "HSK1"),),
        extra_columns=("\\ud800x",),
    ),
    Case(
        "empty-jsonl",
        "mall__orders",
        "A 0-byte JSON Lines file is an empty export.",
        lambda: b"",
    ),
    Case(
        "bom-only",
        "pos__orders",
        "A file holding nothing but a UTF-8 BOM: an empty export.",
        lambda: codecs.BOM_UTF8,
    ),
    Case(
        "gb18030-with-a-broken-line",
        "pos__members",
        "An older POS system's GB18030 file with one broken byte sequence: that line is "
        "rejected, the others load with their Chinese names.",
        lambda: (
            lines(MEMBERS).replace(b"\n", b"")
            + b"\n"
            + "\n".join(member(f"HGB{n}", name) for n, name in ((1, "张伟"), (2, "李娜"))).encode(
                "gb18030"
            )
            + b"\nHGB3,\xff\xff,13912345678,F,1990-07-01,,S001,2023-01-05 10:00:00,"
            + b"2023-01-05 10:00:00\n"
            + (member("HGB4", "陈静") + "\n").encode("gb18030")
        ),
        loaded=((2, "HGB1"), (3, "HGB2"), (5, "HGB4")),
        rejected=((4, r"undecodable bytes for gb18030"),),
        values={2: {"name": "张伟"}, 5: {"name": "陈静"}},
    ),
    Case(
        "unterminated-quote-runs-to-end",
        "pos__orders",
        "A quote opened and never closed, with no quote after it: its line alone is "
        "rejected, every record below it still loads.",
        lambda: lines(
            ORDERS,
            order("HUE1"),
            'HUE2,"S001,,,2024-06-01 10:00:00,sale,,100.00,0.00,100.00,cash',
            order("HUE3"),
            order("HUE4"),
        ),
        loaded=((2, "HUE1"), (4, "HUE3"), (5, "HUE4")),
        rejected=((3, r"quote.*not closed"),),
    ),
    # --- not a file
    Case(
        "folder-named-like-an-export",
        "pos__orders",
        "A folder named like an export file (an archive unpacked in place): not read, "
        "and reported as ignored so that nobody wonders where its orders went.",
        lambda: lines(ORDERS, order("HFD1")),
        is_folder=True,
    ),
)


# Typed values: every record loads (raw is text); staging judges them.
TYPED_CASES: tuple[Case, ...] = (
    Case(
        "typed-impossible-dates",
        "pos__orders",
        "2024-02-30 and 2023-13-01 are not dates: the order cannot be placed in time.",
        lambda: lines(
            ORDERS,
            order("HDT1", ordered_at="2024-02-29 10:00:00"),
            order("HDT2", ordered_at="2024-02-30 10:00:00"),
            order("HDT3", ordered_at="2023/13/01 09:00"),
        ),
        loaded=((2, "HDT1"), (3, "HDT2"), (4, "HDT3")),
    ),
    Case(
        "typed-amount-with-letters",
        "pos__orders",
        "Amounts with letters (an O for a 0, a currency word): not money.",
        lambda: lines(
            ORDERS,
            order("HAL1", total='"1,299.00"', paid='"¥1,299.00"'),
            order("HAL2", paid="12O.5O", total="120.50"),
            order("HAL3", total="100 RMB"),
        ),
        loaded=((2, "HAL1"), (3, "HAL2"), (4, "HAL3")),
    ),
    Case(
        "typed-member-birthday",
        "pos__members",
        "A birthday of 1990-02-30 on an otherwise good member.",
        lambda: lines(MEMBERS, member("HMB1", birthday="1990-02-30"), member("HMB2")),
        loaded=((2, "HMB1"), (3, "HMB2")),
    ),
    Case(
        "typed-duplicate-orders-a",
        "pos__orders",
        "The same order number twice in one file with different content, and again in "
        "a later file (-b): both versions stay in raw; staging keeps the later one.",
        lambda: lines(
            ORDERS,
            order("HDUP1", paid="10.00", total="10.00"),
            order("HDUP2", paid="20.00", total="20.00"),
            order("HDUP2", paid="21.00", total="21.00"),
        ),
        loaded=((2, "HDUP1"), (3, "HDUP2"), (4, "HDUP2")),
    ),
    Case(
        "typed-duplicate-orders-b",
        "pos__orders",
        "The later file of the duplicate-orders case.",
        lambda: lines(ORDERS, order("HDUP1", paid="12.00", total="12.00")),
        loaded=((2, "HDUP1"),),
    ),
    Case(
        "typed-order-items",
        "pos__order_items",
        "Order lines: a negative quantity, an unknown SKU, lines whose order header "
        "never arrives, and a line number that is not a number.",
        lambda: lines(
            ITEMS,
            item("HDT1", "1", quantity="-2", amount="-200.00"),
            item("HDT1", "2", sku="NOPE-404"),
            item("HORPHAN1", "1"),
            item("HORPHAN1", "2", sku="0101074"),
            item("HDT1", "x3"),
        ),
        loaded=((2, "HDT1"), (3, "HDT1"), (4, "HORPHAN1"), (5, "HORPHAN1"), (6, "HDT1")),
    ),
    Case(
        "typed-mall-wrong-types",
        "mall__orders",
        "Nested values of the wrong type: items as a string, fen as decimal text, an "
        "impossible date, a status outside the contract.",
        lambda: jsonl(
            mall_order("HMW1", items="0101037 x2"),
            mall_order("HMW2", total_fee="129.00", payment_fee="12,900"),
            mall_order("HMW3", created_at="2024-02-30T10:00:00+08:00"),
            mall_order("HMW4", status="shipped_back"),
            mall_order("HMW5"),
        ).encode(),
        loaded=((1, "HMW1"), (2, "HMW2"), (3, "HMW3"), (4, "HMW4"), (5, "HMW5")),
    ),
)

ALL_CASES = INGEST_CASES + TYPED_CASES


def write_case(raw_dir: Path, case: Case) -> Path:
    """Write one case's file into ``raw_dir`` (a folder with a file inside for a
    folder case); returns its path."""
    path = raw_dir / case.source_file
    path.parent.mkdir(parents=True, exist_ok=True)
    if case.is_folder:
        path.mkdir()
        (path / "orders.csv").write_bytes(case.content())
    else:
        path.write_bytes(case.content())
    return path


def write_corpus(raw_dir: Path, cases: tuple[Case, ...] = ALL_CASES) -> None:
    for case in cases:
        write_case(raw_dir, case)
