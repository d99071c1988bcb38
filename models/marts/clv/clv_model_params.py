"""BG/NBD and Gamma-Gamma parameters fitted by maximum likelihood on the purchase
history as of D (clv_transactions): one row per parameter. The modelling lives in
crm_warehouse.clv; this model only moves data in and out."""

import numpy as np
import pandas as pd

from crm_warehouse import clv


def model(dbt, session):
    dbt.config(materialized="table")
    as_of = clv.as_of_date(dbt.ref("int_as_of_date"))
    transactions = clv.ordered_frame(
        dbt.ref("clv_transactions")
        .filter("is_transaction_as_of_d")
        .select("customer_id", "transaction_date", "transaction_value"),
        ["customer_id", "transaction_date"],
    )
    codes, _ = pd.factorize(transactions["customer_id"])
    summary = clv.summarise(
        codes,
        transactions["transaction_date"].to_numpy(dtype="datetime64[D]"),
        as_of,
        transactions["transaction_value"].to_numpy(dtype=np.float64),
    )
    rows = []
    fits = (
        ("bg_nbd", ["r", "alpha", "a", "b"], clv.fit_bgnbd,
         (summary.frequency, summary.recency, summary.age)),
        ("gamma_gamma", ["p", "q", "gamma"], clv.fit_gamma_gamma,
         (summary.frequency, summary.repeat_value)),
    )  # fmt: skip
    for name, parameters, fit_function, arguments in fits:
        try:
            fit = fit_function(*arguments)
            values = fit.params.as_dict()
            log_likelihood, customers, converged = fit.log_likelihood, fit.customers, fit.converged
        except ValueError:  # too little data to identify the model: no estimate
            values = dict.fromkeys(parameters)
            log_likelihood, customers, converged = None, 0, False
        rows += [
            {
                "model": name,
                "parameter": parameter,
                "value": values[parameter],
                "log_likelihood": log_likelihood,
                "customers_used": customers,
                "is_converged": converged,
                "calibration_end": as_of,
                "time_unit": "week",
            }
            for parameter in parameters
        ]
    out = pd.DataFrame(rows)
    out["value"] = out["value"].astype("float64")
    out["log_likelihood"] = out["log_likelihood"].astype("float64")
    out["customers_used"] = out["customers_used"].astype("int64")
    out["calibration_end"] = pd.to_datetime(out["calibration_end"]).dt.date
    return out
