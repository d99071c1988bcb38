-- Needs the CLV Python models, which Spark cannot run (clv_customer_scores_input).
{{ config(enabled=clv_python_models_enabled()) }}
-- customer_clv has exactly the customers with a purchase as of D (int_purchases), with
-- the first and last purchase dates of their purchases.
with purchasers as (
    select
        customer_id,
        min(order_date) as first_purchase_date,
        max(order_date) as last_purchase_date
    from {{ ref('int_purchases') }}
    group by 1
)

select
    coalesce(purchasers.customer_id, customer_clv.customer_id) as customer_id,
    purchasers.first_purchase_date,
    customer_clv.first_purchase_date as clv_first_purchase_date
from purchasers
full outer join {{ ref('customer_clv') }} as customer_clv
    on purchasers.customer_id = customer_clv.customer_id
where
    purchasers.customer_id is null
    or customer_clv.customer_id is null
    or purchasers.first_purchase_date <> customer_clv.first_purchase_date
    or purchasers.last_purchase_date <> customer_clv.last_purchase_date
