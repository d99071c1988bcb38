-- Needs the CLV Python models, which Spark cannot run (clv_customer_scores_input).
{{ config(enabled=clv_python_models_enabled()) }}
-- What the BG/NBD and Gamma-Gamma scores must satisfy for every customer: 0 <= t_x <=
-- T and t_x = 0 without repeat transactions; P(alive) in (0, 1], exactly 1 without
-- repeat transactions; expected purchases non-negative and growing with the horizon;
-- CLV non-negative, and the discounted CLV not above the undiscounted one when the
-- discount rate is not negative.
select
    customer_id,
    frequency,
    recency_weeks,
    age_weeks,
    p_alive,
    expected_purchases_4w,
    expected_purchases_13w,
    expected_purchases_52w,
    clv_12m,
    clv_12m_discounted
from {{ ref('customer_clv') }}
where
    frequency < 0
    or recency_weeks < 0
    or recency_weeks > age_weeks
    or (frequency = 0 and (recency_weeks <> 0 or p_alive <> 1))
    or p_alive <= 0
    or p_alive > 1
    or expected_purchases_4w < 0
    or expected_purchases_13w < expected_purchases_4w - 1e-9
    or expected_purchases_52w < expected_purchases_13w - 1e-9
    or clv_12m < 0
    or clv_12m_discounted < 0
    or (
        {{ var('clv_discount_rate_annual') }} >= 0
        and clv_12m_discounted > clv_12m * (1 + 1e-9)
    )
