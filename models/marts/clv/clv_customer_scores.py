"""Each customer with a purchase as of D scored with the parameters of
clv_model_params: P(alive), expected purchases, expected transaction value and CLV as
of D, and P(alive) as of the previous month end M from the history as of M with the
same parameters. The modelling lives in crm_warehouse.clv."""

import numpy as np
import pandas as pd

from crm_warehouse import clv


def _weeks(days):
    return days / clv.DAYS_PER_WEEK


def model(dbt, session):
    dbt.config(materialized="table")
    as_of = clv.as_of_date(dbt.ref("int_as_of_date"))
    horizon = int(dbt.config.meta_get("clv_horizon_weeks"))
    rate = float(dbt.config.meta_get("clv_discount_rate_annual"))

    params = clv.ordered_frame(dbt.ref("clv_model_params"), ["parameter"]).set_index("parameter")[
        "value"
    ]
    bgnbd = clv.BgNbdParams(*(params.get(k, np.nan) for k in ("r", "alpha", "a", "b")))
    gamma_gamma = clv.GammaGammaParams(*(params.get(k, np.nan) for k in ("p", "q", "gamma")))

    transactions = clv.ordered_frame(
        dbt.ref("clv_transactions").select(
            "customer_id",
            "transaction_date",
            "transaction_value",
            "is_transaction_as_of_d",
            "is_transaction_as_of_previous_month_end",
            "previous_month_end",
        ),
        ["customer_id", "transaction_date"],
    )
    codes, customer_ids = pd.factorize(transactions["customer_id"])
    days = transactions["transaction_date"].to_numpy(dtype="datetime64[D]")
    values = transactions["transaction_value"].to_numpy(dtype=np.float64)
    month_end = (
        pd.Timestamp(transactions["previous_month_end"].iloc[0]).date()
        if len(transactions)
        else None
    )

    now_rows = transactions["is_transaction_as_of_d"].to_numpy(dtype=bool)
    now = clv.summarise(codes[now_rows], days[now_rows], as_of, values[now_rows])
    with np.errstate(invalid="ignore"):
        scores = clv.score(
            bgnbd,
            gamma_gamma,
            now.frequency,
            now.recency,
            now.age,
            now.repeat_value,
            horizons=(4, 13, 52),
            clv_horizon_weeks=horizon,
            annual_discount_rate=rate,
        )

    before_rows = transactions["is_transaction_as_of_previous_month_end"].to_numpy(dtype=bool)
    before = clv.summarise(codes[before_rows], days[before_rows], month_end or as_of)
    position = np.searchsorted(before.customers, now.customers)
    position = np.minimum(position, max(len(before) - 1, 0))
    known = before.customers[position] == now.customers if len(before) else np.zeros(len(now), bool)
    p_alive_before = np.full(len(now), np.nan)
    frequency_before = np.full(len(now), np.nan)
    if len(before):
        alive_before = clv.p_alive(bgnbd, before.frequency, before.recency, before.age)
        p_alive_before[known] = alive_before[position[known]]
        frequency_before[known] = before.frequency[position[known]]

    return pd.DataFrame(
        {
            "customer_id": np.asarray(customer_ids)[now.customers],
            "frequency": now.frequency,
            "recency_weeks": _weeks(now.recency_days),
            "age_weeks": _weeks(now.age_days),
            "avg_repeat_value": now.repeat_value,
            "p_alive": scores.p_alive,
            "expected_purchases_4w": scores.expected_purchases[4],
            "expected_purchases_13w": scores.expected_purchases[13],
            "expected_purchases_52w": scores.expected_purchases[52],
            "expected_aov": scores.expected_value,
            "clv_12m": scores.clv,
            "clv_12m_discounted": scores.clv_discounted,
            "frequency_previous_month_end": pd.array(frequency_before, dtype="Int64"),
            "p_alive_previous_month_end": p_alive_before,
            # datetime64 (read by DuckDB as timestamps; customer_clv casts them to dates)
            # instead of a Python date object per customer
            "first_purchase_date": now.first_day.astype("datetime64[s]"),
            "last_purchase_date": now.last_day.astype("datetime64[s]"),
        }
    )
