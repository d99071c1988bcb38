"""engine_parity's value normalisation: what counts as the same value on DuckDB and
Spark (the comparison itself needs a Spark session: `make test-spark`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from crm_warehouse.engine_parity import normalise


def test_money_compares_exactly_whatever_its_scale() -> None:
    assert normalise(Decimal("1.50")) == normalise(Decimal("1.5"))
    assert normalise(Decimal("12345678.91")) != normalise(Decimal("12345678.90"))
    assert normalise(Decimal("0.00")) == normalise(0)


def test_floats_compare_to_nine_significant_digits() -> None:
    assert normalise(0.1 + 0.2) == normalise(0.3)
    assert normalise(1234.5678901) != normalise(1234.5679901)
    assert normalise(float("nan")) == "nan"


def test_timestamps_lists_and_structs() -> None:
    aware = dt.datetime(2024, 3, 4, 16, 0, tzinfo=dt.UTC)
    assert normalise(aware) == dt.datetime(2024, 3, 4, 16, 0)
    assert normalise([Decimal("1.0"), None]) == (Decimal("1"), None)
    assert normalise({"b": 2.0, "a": Decimal("3.10")}) == (("a", Decimal("3.1")), ("b", 2.0))
