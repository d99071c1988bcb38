{#- The purchase state of each row of `grid` (customer_id, month_index, window_months)
    from `sales` (customer_id, order_month, last_valid_month: a sale is a purchase as of
    month end k when order_month <= k <= last_valid_month), point in time at k and at
    the window's start k - W:
    purchases_in_window          purchases as of k placed in months (k - W, k];
    first_purchase_month         first purchase as of k;
    last_purchase_month_at_start last purchase as of the window start k - W.
    The direct, per-customer definition: kpi_stickiness uses it for the customers
    whose purchase set changes over time (a sale fully refunded later) and the
    singular test tests/kpi/assert_kpi_stickiness_matches_direct_states.sql uses it
    for every customer to check the model's interval arithmetic. -#}
{% macro kpi_customer_month_states(grid, sales) -%}
    select
        grid.customer_id,
        grid.month_index,
        grid.window_months,
        sum(
            case
                when
                    sales.order_month > grid.month_index - grid.window_months
                    and sales.last_valid_month >= grid.month_index
                    then 1
                else 0
            end
        ) as purchases_in_window,
        min(
            case when sales.last_valid_month >= grid.month_index then sales.order_month end
        ) as first_purchase_month,
        max(
            case
                when
                    sales.order_month <= grid.month_index - grid.window_months
                    and sales.last_valid_month >= grid.month_index - grid.window_months
                    then sales.order_month
            end
        ) as last_purchase_month_at_start
    from {{ grid }} as grid
    inner join {{ sales }} as sales
        on
            grid.customer_id = sales.customer_id
            and sales.order_month <= grid.month_index
    group by 1, 2, 3
{%- endmacro %}


{#- Counts per (month_index, window_months) from kpi_customer_month_states rows:
    active (1+ purchase in the window), repeat (2+), new (first purchase in the
    window), sleeping at the window start S = k - W (last purchase in months
    (S - 4W, S - 2W]) and lost at S (last purchase on or before S - 4W; domain.md's
    stages for window W), each with those who bought in the window. -#}
{% macro kpi_stickiness_counts_from_states(states) -%}
    select
        month_index,
        window_months,
        sum(case when purchases_in_window >= 1 then 1 else 0 end) as active_customers,
        sum(case when purchases_in_window >= 2 then 1 else 0 end) as repeat_customers,
        sum(case when first_purchase_month > month_index - window_months then 1 else 0 end) as new_customers,
        sum(
            case
                when
                    last_purchase_month_at_start > month_index - 5 * window_months
                    and last_purchase_month_at_start <= month_index - 3 * window_months
                    then 1
                else 0
            end
        ) as sleeping_at_start,
        sum(
            case
                when
                    last_purchase_month_at_start > month_index - 5 * window_months
                    and last_purchase_month_at_start <= month_index - 3 * window_months
                    and purchases_in_window >= 1
                    then 1
                else 0
            end
        ) as sleeping_buyers,
        sum(
            case when last_purchase_month_at_start <= month_index - 5 * window_months then 1 else 0 end
        ) as lost_at_start,
        sum(
            case
                when
                    last_purchase_month_at_start <= month_index - 5 * window_months
                    and purchases_in_window >= 1
                    then 1
                else 0
            end
        ) as lost_buyers
    from {{ states }}
    group by 1, 2
{%- endmacro %}
