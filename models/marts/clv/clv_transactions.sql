{#- The transactions the CLV models are fitted and scored on (BG/NBD, Gamma-Gamma):
    one row per customer and day with a purchase as of D or as of the previous month
    end M (macro clv_previous_month_end). Purchases on one day merge into one
    transaction whose value is the sum of their net amounts as of D.
    As of D: the purchases of int_purchases (placed on or before D, net amount above
    zero after the refunds recorded on or before D). As of M: the sales that were
    purchases on M by the same rule applied on M (int_sales_valid_spans: placed on or
    before M and not yet fully refunded on M), so the history as of M is what a build
    on M would have seen. -#}

with int_purchases as (
    select * from {{ ref('int_purchases') }}
),

int_sales_valid_spans as (
    select * from {{ ref('int_sales_valid_spans') }}
),

days_as_of_d as (
    select
        customer_id,
        order_date as transaction_date,
        count(*) as purchases,
        sum(net_amount) as transaction_value
    from int_purchases
    group by 1, 2
),

days_as_of_month_end as (
    select
        customer_id,
        order_date as transaction_date
    from int_sales_valid_spans
    where
        order_date <= {{ clv_previous_month_end() }}
        and (
            purchase_ended_date is null
            or purchase_ended_date > {{ clv_previous_month_end() }}
        )
    group by 1, 2
),

final as (
    select
        coalesce(days_as_of_d.customer_id, days_as_of_month_end.customer_id) as customer_id,
        coalesce(days_as_of_d.purchases, 0) as purchases,
        coalesce(days_as_of_d.transaction_value, 0) as transaction_value,
        days_as_of_d.customer_id is not null as is_transaction_as_of_d,
        days_as_of_month_end.customer_id is not null as is_transaction_as_of_previous_month_end,
        coalesce(days_as_of_d.transaction_date, days_as_of_month_end.transaction_date) as transaction_date,
        {{ as_of_date() }} as as_of_date,
        {{ clv_previous_month_end() }} as previous_month_end
    from days_as_of_d
    full outer join days_as_of_month_end
        on
            days_as_of_d.customer_id = days_as_of_month_end.customer_id
            and days_as_of_d.transaction_date = days_as_of_month_end.transaction_date
)

select * from final
