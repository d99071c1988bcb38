"""Every order-sensitive window in the models has a complete tie-break.

A window whose result depends on the order of rows that tie on its ORDER BY
(row_number, ntile, first_value / last_value / nth_value, lag / lead, an aggregate
over a ROWS or GROUPS frame, a list built in order) gives a different answer from one
run to the next when rows tie. Ranks that treat ties alike (rank, dense_rank,
percent_rank, cume_dist) and plain aggregates over a partition are deterministic and
exempt.

Proving statically that an ORDER BY is unique within its partition is impossible in
general; the rule here is a practical, honest one. A window passes when

1. a declared key proves it: the window reads a single relation (no join in its
   SELECT) that is an import CTE of a model or seed (``x as (select * from
   {{ ref('m') }} ...)``), and its PARTITION BY and ORDER BY columns together hold a
   column set the model's YAML declares unique (a column's ``unique`` test or a
   ``unique_combination`` test); or
2. it is annotated, in a SQL comment on the function's line, inside the window, or in
   the comment lines directly above it::

       -- tie-break: <columns> unique per <partition columns> (why)

   where every <column> is a plain column of the ORDER BY and every partition column
   named is one of the PARTITION BY (``unique`` alone: unique among all rows the
   window reads). The annotation is a reviewed claim; the test checks that it exists
   and that it names what the window really orders and partitions by.

Everything else fails, naming file, line and what is missing. The model and macro
files are read (not compiled SQL), so windows built by macros are checked once, where
they are written; Jinja in a window is opaque text, and an ORDER BY item inside
``{% if %}`` does not count as a tie-break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]
SCANNED = ("models", "macros")

#: Functions whose value depends on the order of tied rows.
ORDER_SENSITIVE = {
    "row_number",
    "ntile",
    "first_value",
    "last_value",
    "nth_value",
    "lag",
    "lead",
    "array_agg",
    "list",
    "string_agg",
    "listagg",
    "group_concat",
}
#: Frames that count rows (not peers): any aggregate over them depends on tie order.
ROW_FRAMES = re.compile(r"\b(rows|groups)\s+(between|unbounded|current|\d)", re.IGNORECASE)
ANNOTATION = re.compile(
    r"tie-break:\s*(?P<cols>[\w.]+(?:\s*,\s*[\w.]+)*)\s+unique\b"
    r"(?:\s+per\s+(?P<per>[\w.]+(?:\s*,\s*[\w.]+)*))?",
    re.IGNORECASE,
)
SIMPLE_COLUMN = re.compile(r"^(?:\w+\.)?(\w+)$")
IMPORT_CTE = re.compile(
    r"\b(\w+)\s+as\s*\(\s*select\s+\*\s+from\s+\{\{\s*(?:ref|source)\(\s*"
    r"(?:'[^']*'\s*,\s*)?'(\w+)'\s*\)\s*\}\}",
    re.IGNORECASE,
)


@dataclass
class Window:
    path: str
    line: int
    function: str
    partition: list[str]  # column names (plain columns) or normalised expressions
    order: list[str | None]  # column name of each ORDER BY item (None: an expression)
    frame: str
    relations: list[str]  # relations of the SELECT the window sits in
    annotation_lines: list[str] = field(default_factory=list)


# --- lexing -----------------------------------------------------------------------


def mask(text: str) -> str:
    """The text with comments (SQL and Jinja) and string literals blanked out, same
    length and line breaks, so positions and parentheses can be read from code only."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        if text.startswith("{#", i):
            j = text.find("#}", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text[i] == "'":
            j = i + 1
            while j < n:
                if text[j] == "'" and text.startswith("''", j):
                    j += 2
                    continue
                if text[j] == "'":
                    break
                j += 1
            blank(i + 1, min(j, n))
            i = j + 1
        else:
            i += 1
    return "".join(out)


def matching(code: str, open_at: int) -> int:
    """Index of the parenthesis closing the one at open_at."""
    depth = 0
    for k in range(open_at, len(code)):
        if code[k] == "(":
            depth += 1
        elif code[k] == ")":
            depth -= 1
            if depth == 0:
                return k
    raise ValueError("unbalanced parentheses")


def flatten(code: str) -> str:
    """Nested parenthesised groups blanked: what is left is the top level."""
    out = list(code)
    depth = 0
    for k, ch in enumerate(code):
        if ch == "(":
            depth += 1
            if depth > 1:
                out[k] = " "
        elif ch == ")":
            if depth > 1:
                out[k] = " "
            depth -= 1
        elif depth > 1 and ch != "\n":
            out[k] = " "
    return "".join(out)


def split_top(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _column(item: str) -> str | None:
    item = re.sub(r"\s+nulls\s+(first|last)\s*$", "", item.strip(), flags=re.IGNORECASE)
    item = re.sub(r"\s+(asc|desc)\s*$", "", item, flags=re.IGNORECASE).strip()
    found = SIMPLE_COLUMN.match(item)
    return found.group(1).lower() if found else None


# --- finding windows --------------------------------------------------------------


def _enclosing_select(code: str, at: int) -> str:
    """The SELECT (CTE body or subquery) the position sits in, nested groups blanked."""
    depth = 0
    for k in range(at - 1, -1, -1):
        if code[k] == ")":
            depth += 1
        elif code[k] == "(":
            if depth == 0:
                body_start = k
                # a function's or window's parentheses: keep climbing
                if not re.match(r"\s*select\b", code[k + 1 :], re.IGNORECASE):
                    return _enclosing_select(code, k)
                return flatten(code[body_start : matching(code, body_start) + 1])
            depth -= 1
    return flatten("(" + code + ")")


def _relations(select_text: str) -> list[str]:
    """Relations a (flattened) SELECT reads: its FROM and every JOIN."""
    names = re.findall(
        r"\b(?:from|join)\s+(\{\{[^}]*\}\}|[\w.\"]+)", select_text, flags=re.IGNORECASE
    )
    return [n.strip().lower() for n in names]


def find_windows(path: str, text: str) -> list[Window]:
    code = mask(text)
    lines = text.splitlines()
    windows = []
    for over in re.finditer(r"\bover\s*\(", code, flags=re.IGNORECASE):
        spec_open = over.end() - 1
        spec = code[spec_open + 1 : matching(code, spec_open)]
        # the function call just before OVER (skipping a FILTER (...) clause)
        call_close = len(code[: over.start()].rstrip()) - 1
        while True:
            depth, call_open = 0, call_close
            for k in range(call_close, -1, -1):
                if code[k] == ")":
                    depth += 1
                elif code[k] == "(":
                    depth -= 1
                    if depth == 0:
                        call_open = k
                        break
            name = re.search(r"(\w+)\s*$", code[:call_open])
            if name is None or name.group(1).lower() != "filter":
                break
            call_close = len(code[: name.start()].rstrip()) - 1
        function = name.group(1).lower() if name else "?"
        start_line = code.count("\n", 0, name.start() if name else call_open) + 1
        end_line = code.count("\n", 0, spec_open + len(spec) + 1) + 1

        # the spec's clauses (Jinja statements dropped; an {% if %} block's items
        # may be absent, so they do not count)
        spec_text = re.sub(r"\{%-?\s*if\b.*?\{%-?\s*endif\s*-?%\}", " ", spec, flags=re.DOTALL)
        spec_text = re.sub(r"\{%.*?%\}", " ", spec_text, flags=re.DOTALL)
        flat = flatten("(" + spec_text + ")")[1:-1]
        clause = re.compile(r"\b(partition\s+by|order\s+by|rows\b|range\b|groups\b)", re.IGNORECASE)
        marks = [(m.start(), m.group(1).lower().split()[0]) for m in clause.finditer(flat)]
        parts: dict[str, str] = {}
        for idx, (pos, kind) in enumerate(marks):
            end = marks[idx + 1][0] if idx + 1 < len(marks) else len(spec_text)
            body = spec_text[pos:end]
            body = re.sub(r"^\s*(partition\s+by|order\s+by)", "", body, flags=re.IGNORECASE)
            parts[kind] = body if kind in ("partition", "order") else spec_text[pos:]
        partition = [
            _column(p) or re.sub(r"\s+", " ", p).lower()
            for p in split_top(parts.get("partition", ""))
        ]
        order = [_column(p) for p in split_top(parts.get("order", ""))]
        frame = next((parts[k] for k in ("rows", "range", "groups") if k in parts), "")

        # annotations: the comment block directly above, the function's line and the
        # window's own lines
        annotated = []
        k = start_line - 2
        while k >= 0 and lines[k].strip().startswith(("--", "{#")):
            annotated.append(lines[k])
            k -= 1
        annotated += lines[start_line - 1 : end_line]
        windows.append(
            Window(
                path=path,
                line=start_line,
                function=function,
                partition=partition,
                order=order,
                frame=frame,
                relations=_relations(_enclosing_select(code, name.start() if name else call_open)),
                annotation_lines=[ln for ln in annotated if "tie-break:" in ln.lower()],
            )
        )
    return windows


def import_ctes(text: str) -> dict[str, str]:
    """CTE name -> the model, seed or source table it imports (select * from ref)."""
    return {cte.lower(): model.lower() for cte, model in IMPORT_CTE.findall(text)}


# --- declared keys ----------------------------------------------------------------


def declared_unique_keys(root: Path = PROJECT) -> dict[str, list[set[str]]]:
    """Per model or seed: the column sets its YAML declares unique."""
    keys: dict[str, list[set[str]]] = {}
    for yml in sorted((root / "models").rglob("*.yml")) + sorted((root / "seeds").rglob("*.yml")):
        doc = yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
        for node in (doc.get("models") or []) + (doc.get("seeds") or []):
            found = keys.setdefault(node["name"].lower(), [])
            for test in (node.get("data_tests") or []) + (node.get("tests") or []):
                if not isinstance(test, dict):
                    continue
                for test_name, config in test.items():
                    if "unique_combination" not in test_name or not isinstance(config, dict):
                        continue
                    args = config.get("arguments", config)
                    columns = args.get("columns") or args.get("combination_of_columns")
                    if columns:
                        found.append({c.lower() for c in columns})
            for column in node.get("columns") or []:
                for test in (column.get("data_tests") or []) + (column.get("tests") or []):
                    name = test if isinstance(test, str) else next(iter(test), "")
                    if name == "unique":
                        found.append({column["name"].lower()})
    return keys


# --- the rule ---------------------------------------------------------------------


def is_order_sensitive(window: Window) -> bool:
    return window.function in ORDER_SENSITIVE or bool(ROW_FRAMES.search(window.frame))


def problems(window: Window, imports: dict[str, str], keys: dict[str, list[set[str]]]) -> list[str]:
    """Why the window is not proven deterministic (empty: it is)."""
    if not is_order_sensitive(window):
        return []
    where = f"{window.path}:{window.line}: {window.function}() window"
    ordered = [c for c in window.order if c]
    if not window.order:
        return [f"{where} has no ORDER BY"]
    if window.annotation_lines:
        found = []
        for line in window.annotation_lines:
            match = ANNOTATION.search(line)
            if match is None:
                found.append(
                    f"{where}: unreadable annotation {line.strip()!r} (expected "
                    "'-- tie-break: <columns> unique per <partition columns>')"
                )
                continue
            columns = [c.strip().split(".")[-1].lower() for c in match["cols"].split(",")]
            missing = [c for c in columns if c not in ordered]
            if missing:
                found.append(
                    f"{where}: the tie-break annotation names {', '.join(missing)}, "
                    f"which the ORDER BY ({', '.join(c or '<expr>' for c in window.order)}) "
                    "does not hold as a plain column"
                )
            if match["per"]:
                per = [c.strip().split(".")[-1].lower() for c in match["per"].split(",")]
                outside = [c for c in per if c not in window.partition]
                if outside:
                    found.append(
                        f"{where}: the tie-break annotation says unique per "
                        f"{', '.join(per)}, but the window is partitioned by "
                        f"{', '.join(window.partition) or 'nothing'}"
                    )
            if not found:
                return []
        return found
    if len(window.relations) == 1:
        model = imports.get(window.relations[0])
        held = set(ordered) | {p for p in window.partition if SIMPLE_COLUMN.match(p)}
        for key in keys.get(model or "", []):
            if key <= held:
                return []
    read = ", ".join(window.relations) or "?"
    return [
        f"{where} orders by ({', '.join(c or '<expr>' for c in window.order)}) "
        f"partitioned by ({', '.join(window.partition) or 'nothing'}) over {read}: no "
        "declared unique key is among them; add a tie-break column, or check that one "
        "is unique in its partition and annotate it: "
        "'-- tie-break: <columns> unique per <partition columns>'"
    ]


def check_text(
    path: str,
    text: str,
    keys: dict[str, list[set[str]]] | None = None,
) -> list[str]:
    imports = import_ctes(text)
    found = []
    for window in find_windows(path, text):
        found += problems(window, imports, keys or {})
    return found


def sql_files() -> list[Path]:
    return sorted(p for folder in SCANNED for p in (PROJECT / folder).rglob("*.sql"))


# --- the tests --------------------------------------------------------------------


def test_every_order_sensitive_window_has_a_complete_tie_break() -> None:
    keys = declared_unique_keys()
    found: list[str] = []
    for path in sql_files():
        text = path.read_text(encoding="utf-8")
        found += check_text(str(path.relative_to(PROJECT)), text, keys)
    assert found == [], "\n".join(found)


def test_the_scan_sees_the_projects_windows() -> None:
    """The scan is not vacuous: it finds the windows a grep finds."""
    windows = [
        w
        for path in sql_files()
        for w in find_windows(str(path), path.read_text(encoding="utf-8"))
        if is_order_sensitive(w)
    ]
    grep = sum(
        len(re.findall(r"\b(row_number|lag|lead|ntile)\s*\(", mask(p.read_text(encoding="utf-8"))))
        for p in sql_files()
    )
    assert grep > 20
    assert len([w for w in windows if w.function in ("row_number", "lag", "lead", "ntile")]) == grep


BAD = """
with orders as (
    select * from {{ ref('fct_orders') }}
),

ranked as (
    select
        customer_id,
        row_number() over (partition by customer_id order by order_date desc) as recency
    from orders
)

select * from ranked
"""


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        # no tie-break: two orders on one day tie
        ("row_number() over (partition by customer_id order by order_date desc)", "no declared"),
        ("ntile(10) over (order by net_amount desc)", "no declared"),
        ("lag(order_date) over (partition by customer_id order by order_date)", "no declared"),
        ("row_number() over (partition by customer_id)", "has no ORDER BY"),
        # an expression is not a column: it proves nothing
        (
            "row_number() over (partition by customer_id order by order_date, "
            "lower(order_key)) -- tie-break: order_key unique per customer_id",
            "does not hold as a plain column",
        ),
        # an annotation about another partition proves nothing
        (
            "row_number() over (partition by store_id order by order_date, order_key)"
            " -- tie-break: order_key unique per customer_id",
            "partitioned by store_id",
        ),
        ("row_number() over (order by order_date) -- tie-break: order date", "unreadable"),
        # a running sum over ROWS depends on the order of tied rows
        (
            "sum(net_amount) over (partition by customer_id order by order_date "
            "rows between unbounded preceding and current row)",
            "no declared",
        ),
        # an optional item ({% if %}) does not count
        (
            "row_number() over (partition by customer_id order by "
            "{% if x %}order_key, {% endif %}order_date) -- tie-break: order_key unique",
            "does not hold",
        ),
        # passing: a declared key, an annotation, or a function that treats ties alike
        ("row_number() over (partition by customer_id order by order_date, order_key)", None),
        ("row_number() over (order by order_date desc, order_key desc)", None),
        (
            "row_number() over (partition by customer_id order by order_date, line_no)"
            " -- tie-break: line_no unique per customer_id (one order a day in this toy)",
            None,
        ),
        ("rank() over (partition by customer_id order by order_date)", None),
        ("sum(net_amount) over (partition by customer_id order by order_date)", None),
        ("count(*) over (partition by customer_id)", None),
        # a FILTER clause is skipped: the function is the aggregate before it
        (
            "count(*) filter (where is_purchase) over (partition by customer_id "
            "order by order_date rows between 2 preceding and current row)",
            "count() window",
        ),
        (
            "count(*) filter (where is_purchase) over (partition by customer_id "
            "order by order_date)",
            None,
        ),
    ],
)
def test_the_checker_on_small_sql(window: str, expected: str | None) -> None:
    keys = {"fct_orders": [{"order_key"}]}
    lines = BAD.splitlines()
    text = "\n".join(
        ("        " + window + " as w,") if "row_number()" in line else line for line in lines
    )
    found = check_text("toy.sql", text, keys)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0], found
        assert found[0].startswith("toy.sql:9: ")


def test_the_checker_reads_the_annotation_above_and_sees_joins() -> None:
    keys = {"fct_orders": [{"order_key"}]}
    above = BAD.replace(
        "        row_number()",
        "        -- tie-break: order_date unique per customer_id (one order a day)\n"
        "        row_number()",
    )
    assert check_text("toy.sql", above, keys) == []
    # a join may repeat a row: a key of one side no longer proves uniqueness
    joined = BAD.replace(
        "order by order_date desc)", "order by order_date desc, order_key)"
    ).replace("    from orders\n", "    from orders\n    inner join items on true\n")
    [problem] = check_text("toy.sql", joined, keys)
    assert "over orders, items" in problem
    assert check_text("toy.sql", joined.replace("inner join items on true\n", ""), keys) == []
