"""Validation of the CLV models over time (``crm evaluate clv``): calibrate on the
history up to a date C, predict the period (C, H], compare with what happened.

Data, from a warehouse built as of H or later (its intermediate tables):
- calibration: the purchases as of C (placed on or before C and not fully refunded by
  then, int_sales_valid_spans), valued at their net amount as of C (paid minus the
  refunds recorded on or before C, int_order_refund_events);
- holdout: the purchases as of H placed in (C, H], valued at their net amount as of H.

The cohort is every customer with a purchase as of C. Transactions are purchase days
(crm_warehouse.clv). Reported:
- per decile of predicted holdout transactions (10 = most) and in total: customers,
  predicted and actual transactions, predicted and actual spend (predicted spend =
  E[Y] x E[Z], the CLV over the holdout);
- per calibration frequency x (0..7, 8+): the conditional-expectation check of FHL 2005
  fig. 4;
- weekly cumulative repeat transactions of the cohort, actual against the model's
  unconditional expectation (sum over customers of E[X(t - first purchase)], FHL 2005
  fig. 2) and, after C, against the conditional forecast (actual up to C plus the sum
  of E[Y(t - C) | x, t_x, T]); written as CSV and drawn in a PNG.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from crm_warehouse import clv

FREQUENCY_BUCKETS = 8  # x = 0 .. 7 and 8+


class ClvEvaluationError(RuntimeError):
    pass


PURCHASES_SQL = """
with refunds as (
    select
        order_key,
        sum(case when refund_date <= $calibration_end then refund_amount else 0 end)
            as refunded_by_calibration_end,
        sum(case when refund_date <= $holdout_end then refund_amount else 0 end)
            as refunded_by_holdout_end
    from intermediate.int_order_refund_events
    group by 1
),

sales as (
    select
        sales.customer_id,
        sales.order_date,
        sales.paid_amount - coalesce(refunds.refunded_by_calibration_end, 0)
            as value_at_calibration_end,
        sales.paid_amount - coalesce(refunds.refunded_by_holdout_end, 0)
            as value_at_holdout_end,
        sales.order_date <= $calibration_end
        and (sales.purchase_ended_date is null or sales.purchase_ended_date > $calibration_end)
            as is_calibration,
        sales.order_date > $calibration_end
        and sales.order_date <= $holdout_end
        and (sales.purchase_ended_date is null or sales.purchase_ended_date > $holdout_end)
            as is_holdout
    from intermediate.int_sales_valid_spans as sales
    left join refunds
        on sales.order_key = refunds.order_key
)

select
    dense_rank() over (order by customer_id) as customer_key,
    order_date,
    case when is_calibration then value_at_calibration_end else value_at_holdout_end end
        as purchase_value,
    is_calibration
from sales
where is_calibration or is_holdout
"""

LATEST_ORDER_SQL = "select max(order_date) from intermediate.int_orders_netted"


@dataclass
class Purchases:
    customer: np.ndarray  # int64 key
    day: np.ndarray  # datetime64[D]
    value: np.ndarray  # float64, net amount
    is_calibration: np.ndarray  # bool


def load_purchases(database: Path, calibration_end: date, holdout_end: date) -> Purchases:
    """The calibration and holdout purchases of a warehouse (see the module doc)."""
    if not database.exists():
        raise ClvEvaluationError(f"{database}: no such database")
    if holdout_end <= calibration_end:
        raise ClvEvaluationError("the holdout end must be after the calibration end")
    con = duckdb.connect(str(database), read_only=True)
    try:
        try:
            latest = con.execute(LATEST_ORDER_SQL).fetchall()[0][0]
        except duckdb.CatalogException as exc:
            raise ClvEvaluationError(
                f"{database}: no built warehouse (intermediate.int_orders_netted is missing); "
                "run `crm run` first"
            ) from exc
        if latest is None or latest < holdout_end:
            raise ClvEvaluationError(
                f"{database} holds orders up to {latest} only: build it as of the holdout end "
                f"or later (crm build --as-of {holdout_end.isoformat()})"
            )
        params = {"calibration_end": calibration_end, "holdout_end": holdout_end}
        data = con.execute(PURCHASES_SQL, params).fetchnumpy()
    finally:
        con.close()
    return Purchases(
        customer=np.asarray(data["customer_key"], dtype=np.int64),
        day=np.asarray(data["order_date"], dtype="datetime64[D]"),
        value=np.asarray(data["purchase_value"], dtype=np.float64),
        is_calibration=np.asarray(data["is_calibration"], dtype=bool),
    )


@dataclass
class Evaluation:
    calibration_end: date
    holdout_end: date
    holdout_weeks: float
    bgnbd: clv.Fit
    gamma_gamma: clv.Fit
    frequency_value_correlation: float
    deciles: list[dict] = field(default_factory=list)
    total: dict = field(default_factory=dict)
    by_frequency: list[dict] = field(default_factory=list)
    tracking: list[dict] = field(default_factory=list)


def _deciles(values: np.ndarray) -> np.ndarray:
    """1 + floor(10 * (rank - 1) / n) with rank() ascending (ties share the lowest
    rank), as customer_clv.clv_decile."""
    n = len(values)
    ranks = np.searchsorted(np.sort(values), values, side="left") + 1
    return 1 + (10 * (ranks - 1)) // n


def _row(label: str, customers: int, predicted: float, actual: float, pv: float, av: float):
    return {
        "group": label,
        "customers": customers,
        "predicted_purchases": predicted,
        "actual_purchases": actual,
        "purchase_ratio": predicted / actual if actual else math.nan,
        "predicted_spend": pv,
        "actual_spend": av,
        "spend_ratio": pv / av if av else math.nan,
    }


def evaluate(purchases: Purchases, calibration_end: date, holdout_end: date) -> Evaluation:
    """Fit on the calibration purchases, predict the holdout, compare."""
    cal = purchases.is_calibration
    summary = clv.summarise(
        purchases.customer[cal], purchases.day[cal], calibration_end, purchases.value[cal]
    )
    if len(summary) == 0:
        raise ClvEvaluationError(f"no purchase on or before {calibration_end}")
    bg = clv.fit_bgnbd(summary.frequency, summary.recency, summary.age)
    gg = clv.fit_gamma_gamma(summary.frequency, summary.repeat_value)
    repeat = summary.frequency > 0
    correlation = (
        float(np.corrcoef(summary.frequency[repeat], summary.repeat_value[repeat])[0, 1])
        if repeat.sum() > 2
        else math.nan
    )
    holdout_days = (holdout_end - calibration_end).days
    weeks = holdout_days / clv.DAYS_PER_WEEK
    predicted = clv.conditional_expected_purchases(
        bg.params, weeks, summary.frequency, summary.recency, summary.age
    )
    value = clv.conditional_expected_value(gg.params, summary.frequency, summary.repeat_value)
    predicted_spend = predicted * value

    # actual holdout transactions (purchase days) and spend of the cohort
    hold = ~cal & np.isin(purchases.customer, summary.customers)
    h_customer, h_day = purchases.customer[hold], purchases.day[hold]
    h_value = purchases.value[hold]
    pairs = np.unique(np.column_stack([h_customer, h_day.astype(np.int64)]), axis=0)
    index = np.searchsorted(summary.customers, pairs[:, 0])
    actual = np.bincount(index, minlength=len(summary)).astype(np.float64)
    actual_spend = np.bincount(
        np.searchsorted(summary.customers, h_customer), weights=h_value, minlength=len(summary)
    )

    deciles = _deciles(predicted)
    rows = []
    for d in range(1, 11):
        m = deciles == d
        rows.append(
            _row(
                str(d),
                int(m.sum()),
                float(predicted[m].sum()),
                float(actual[m].sum()),
                float(np.nansum(predicted_spend[m])),
                float(actual_spend[m].sum()),
            )
        )
    total = _row(
        "total",
        len(summary),
        float(predicted.sum()),
        float(actual.sum()),
        float(np.nansum(predicted_spend)),
        float(actual_spend.sum()),
    )
    by_frequency = []
    bucket = np.minimum(summary.frequency, FREQUENCY_BUCKETS - 1)
    for x in range(FREQUENCY_BUCKETS):
        m = bucket == x
        label = str(x) if x < FREQUENCY_BUCKETS - 1 else f"{x}+"
        n = int(m.sum())
        by_frequency.append(
            {
                "frequency": label,
                "customers": n,
                "predicted_per_customer": float(predicted[m].mean()) if n else math.nan,
                "actual_per_customer": float(actual[m].mean()) if n else math.nan,
            }
        )
    tracking = _tracking(purchases, summary, bg.params, calibration_end, holdout_end)
    return Evaluation(
        calibration_end=calibration_end,
        holdout_end=holdout_end,
        holdout_weeks=weeks,
        bgnbd=bg,
        gamma_gamma=gg,
        frequency_value_correlation=correlation,
        deciles=rows,
        total=total,
        by_frequency=by_frequency,
        tracking=tracking,
    )


def _tracking(
    purchases: Purchases,
    summary: clv.Summary,
    params: clv.BgNbdParams,
    calibration_end: date,
    holdout_end: date,
) -> list[dict]:
    """Cumulative repeat transactions of the cohort at weekly points (every 7 days back
    from C to before the first purchase, then forward to H, H itself included)."""
    cal_end = np.datetime64(calibration_end, "D")
    hold_end = np.datetime64(holdout_end, "D")
    first = summary.first_day
    start = first.min()
    back = math.ceil(int((cal_end - start).astype(int)) / 7)
    points = [cal_end - np.timedelta64(7 * k, "D") for k in range(back, 0, -1)]
    points.append(cal_end)
    k = 1
    while cal_end + np.timedelta64(7 * k, "D") < hold_end:
        points.append(cal_end + np.timedelta64(7 * k, "D"))
        k += 1
    points.append(hold_end)
    edges = np.array(points, dtype="datetime64[D]")

    # actual repeat transaction days of the cohort: calibration days after each
    # customer's first, holdout days as of H
    in_cohort = np.isin(purchases.customer, summary.customers)
    pairs = np.unique(
        np.column_stack([purchases.customer[in_cohort], purchases.day[in_cohort].astype(np.int64)]),
        axis=0,
    )
    first_of = first[np.searchsorted(summary.customers, pairs[:, 0])].astype(np.int64)
    repeat_days = np.sort(pairs[pairs[:, 1] > first_of, 1])
    actual_cum = np.searchsorted(repeat_days, edges.astype(np.int64), side="right")

    # unconditional expectation: sum over customers of E[X((edge - first) / 7)]
    first_days, first_counts = np.unique(first.astype(np.int64), return_counts=True)
    span = int(edges.astype(np.int64).max() - first_days.min())
    curve = clv.expected_purchases(params, np.arange(span + 1) / clv.DAYS_PER_WEEK)
    lag = edges.astype(np.int64)[:, None] - first_days[None, :]
    unconditional = (np.where(lag >= 0, curve[np.clip(lag, 0, span)], 0.0) * first_counts).sum(
        axis=1
    )

    # conditional forecast after C
    after = edges > cal_end
    horizons = (edges[after] - cal_end).astype(np.int64) / clv.DAYS_PER_WEEK
    grid, row = clv.expected_purchases_grid(params, horizons, summary.frequency, summary.age)
    alive = clv.p_alive(params, summary.frequency, summary.recency, summary.age)
    weights = np.bincount(row, weights=alive, minlength=len(grid))
    conditional_after = np.sum(weights[:, None] * grid, axis=0)  # no BLAS threads
    actual_at_cal = float(actual_cum[edges == cal_end][0])

    out = []
    j = 0
    for i, edge in enumerate(edges):
        is_after = bool(after[i])
        out.append(
            {
                "date": str(edge),
                "week": round(float((edge - cal_end).astype(np.int64)) / 7, 4),
                "period": "holdout" if is_after else "calibration",
                "actual_cumulative": int(actual_cum[i]),
                "model_cumulative": float(unconditional[i]),
                "conditional_cumulative": (
                    actual_at_cal + float(conditional_after[j]) if is_after else math.nan
                ),
            }
        )
        j += int(is_after)
    return out


# ------------------------------------------------------------------------- output


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def _markdown_table(rows: list[dict]) -> str:
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_fmt(r[h]) for h in head) + " |" for r in rows]
    return "\n".join(lines)


def render(evaluation: Evaluation) -> str:
    """The evaluation as markdown (also what the command prints)."""
    e = evaluation
    bg, gg = e.bgnbd, e.gamma_gamma
    params = [
        {
            "model": "bg_nbd",
            "parameters": ", ".join(f"{k} = {v:.4g}" for k, v in bg.params.as_dict().items()),
            "log_likelihood": bg.log_likelihood,
            "customers": bg.customers,
        },
        {
            "model": "gamma_gamma",
            "parameters": ", ".join(f"{k} = {v:.4g}" for k, v in gg.params.as_dict().items()),
            "log_likelihood": gg.log_likelihood,
            "customers": gg.customers,
        },
    ]
    total = e.total
    return "\n".join(
        [
            f"# CLV validation: calibration to {e.calibration_end}, holdout to {e.holdout_end} "
            f"({e.holdout_weeks:.1f} weeks)",
            "",
            _markdown_table(params),
            "",
            "Correlation of frequency and average repeat-transaction value among repeat "
            f"customers (Gamma-Gamma assumes none): {e.frequency_value_correlation:.3f}",
            "",
            f"Holdout transactions: predicted {total['predicted_purchases']:,.1f}, actual "
            f"{total['actual_purchases']:,.0f} (ratio {total['purchase_ratio']:.3f}); spend "
            f"predicted {total['predicted_spend']:,.0f}, actual {total['actual_spend']:,.0f} "
            f"(ratio {total['spend_ratio']:.3f}).",
            "",
            "## Per decile of predicted holdout transactions (10 = most)",
            "",
            _markdown_table([*e.deciles, total]),
            "",
            "## Per calibration frequency (repeat transactions)",
            "",
            _markdown_table(e.by_frequency),
            "",
        ]
    )


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def plot(evaluation: Evaluation, path: Path) -> None:
    """The tracking plot (cumulative repeat transactions, actual vs model) beside the
    per-decile holdout comparison, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    e = evaluation
    weeks = np.array([r["week"] for r in e.tracking])
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    left.plot(weeks, [r["actual_cumulative"] for r in e.tracking], color="black", label="actual")
    left.plot(
        weeks,
        [r["model_cumulative"] for r in e.tracking],
        color="tab:blue",
        linestyle="--",
        label="BG/NBD (unconditional)",
    )
    left.plot(
        weeks,
        [r["conditional_cumulative"] for r in e.tracking],
        color="tab:orange",
        linestyle=":",
        label="BG/NBD (conditional on the calibration history)",
    )
    left.axvline(0, color="grey", linewidth=0.8)
    left.set_xlabel(f"weeks from the calibration end ({e.calibration_end})")
    left.set_ylabel("cumulative repeat transactions")
    left.set_title("Tracking cumulative repeat transactions")
    left.legend(loc="upper left")
    deciles = np.arange(1, 11)
    width = 0.4
    right.bar(
        deciles - width / 2,
        [r["predicted_purchases"] for r in e.deciles],
        width,
        color="tab:blue",
        label="predicted",
    )
    right.bar(
        deciles + width / 2,
        [r["actual_purchases"] for r in e.deciles],
        width,
        color="black",
        label="actual",
    )
    right.set_xticks(deciles)
    right.set_xlabel("decile of predicted holdout transactions (10 = most)")
    right.set_ylabel("holdout transactions")
    right.set_title(f"Holdout to {e.holdout_end}: predicted vs actual")
    right.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_outputs(evaluation: Evaluation, out_dir: Path) -> list[Path]:
    """clv_deciles.csv, clv_by_frequency.csv, clv_tracking.csv, clv_evaluation.md and
    clv_tracking.png in out_dir (created)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "clv_deciles.csv": [*evaluation.deciles, evaluation.total],
        "clv_by_frequency.csv": evaluation.by_frequency,
        "clv_tracking.csv": evaluation.tracking,
    }
    written = []
    for name, rows in files.items():
        _write_csv(out_dir / name, rows)
        written.append(out_dir / name)
    (out_dir / "clv_evaluation.md").write_text(render(evaluation), encoding="utf-8")
    written.append(out_dir / "clv_evaluation.md")
    plot(evaluation, out_dir / "clv_tracking.png")
    written.append(out_dir / "clv_tracking.png")
    return written


def evaluate_clv(database: Path, calibration_end: date, holdout_end: date) -> Evaluation:
    """Load, fit on (.., C], predict (C, H], compare."""
    purchases = load_purchases(database, calibration_end, holdout_end)
    try:
        return evaluate(purchases, calibration_end, holdout_end)
    except ValueError as exc:
        raise ClvEvaluationError(str(exc)) from exc
