-- clv_transactions has one row per customer and day (its grain), and every row is a
-- transaction as of D or as of the previous month end.
select
    customer_id,
    transaction_date,
    count(*) as transaction_rows
from {{ ref('clv_transactions') }}
group by 1, 2
having
    count(*) > 1
    or sum(
        case
            when is_transaction_as_of_d or is_transaction_as_of_previous_month_end then 0
            else 1
        end
    ) > 0
