{#- Stickiness and value KPIs (客户生命周期黏性指标) for the window of W months ending
    at each month end M (domain.md; W in var lifecycle_windows): one row per month_end
    and window_months. Point in time: as of M, a sale is a purchase from its order date
    until the day its refunds reach the amount paid (int_sales_valid_spans) and its net
    amount is the amount paid minus the refunds recorded by M, so a month rebuilt later
    says what a build on that month end would have said. The window start S = M - W
    (a month end, domain.md's month-end rule) gives the stage for wake-up (sleeping at
    S) and activation (lost at S), also as of S. Every rate comes with its numerator
    and denominator (kpi_ratio: null on an empty denominator).

    Set-based in month-index space (k = year * 12 + month; W months before month end k
    is k - W). Each customer's distinct purchase months u1 < u2 < ... cut time into
    segments [u_j, u_j+1 - 1] in which the latest purchase is u_j, so each KPI is an
    interval of month ends per segment (active: [u_j, u_j + W - 1], ...); intervals are
    grouped by their shape and counted with +1/-1 events. Customers with a sale that
    stops being a purchase (fully refunded later) take the direct per-customer
    computation (macro kpi_customer_month_states). -#}

with int_month_ends as (
    select * from {{ ref('int_month_ends') }}
),

int_sales_valid_spans as (
    select * from {{ ref('int_sales_valid_spans') }}
),

int_order_refund_events as (
    select * from {{ ref('int_order_refund_events') }}
),

customer_tier_history as (
    select * from {{ ref('customer_tier_history') }}
),

windows as (
    {{ integer_rows(var('lifecycle_windows'), 'window_months') }}
),

month_ends as (
    select
        month_end,
        {{ month_index('month_end') }} as month_index
    from int_month_ends
),

horizon as (
    -- the month after the last month end: "no later purchase" for the last segment
    select max(month_index) + 1 as horizon_month
    from month_ends
),

valid_sales as (
    -- month ends k with order_month <= k <= last_valid_month see the sale as a
    -- purchase (valid while k < purchase_ended_date); never-valid sales are dropped
    select
        sales.order_key,
        sales.customer_id,
        sales.paid_amount,
        {{ month_index('sales.order_date') }} as order_month,
        case
            when sales.purchase_ended_date is null then horizon.horizon_month
            else {{ month_index('sales.purchase_ended_date') }} - 1
        end as last_valid_month,
        (sales.purchase_ended_date is not null) as is_ending
    from int_sales_valid_spans as sales
    cross join horizon
    where
        sales.purchase_ended_date is null
        or {{ month_index('sales.purchase_ended_date') }} - 1 >= {{ month_index('sales.order_date') }}
),

customer_months as (
    select
        customer_id,
        order_month,
        count(*) as purchases,
        sum(case when is_ending then 1 else 0 end) as ending_sales
    from valid_sales
    group by 1, 2
),

sequenced as (
    select
        customer_id,
        order_month,
        purchases,
        -- tie-break: order_month unique per customer_id (customer_months groups by both)
        lag(order_month) over (
            partition by customer_id order by order_month asc
        ) as previous_month,
        -- tie-break: order_month unique per customer_id (customer_months groups by both)
        lead(order_month) over (
            partition by customer_id order by order_month asc
        ) as next_month,
        min(order_month) over (partition by customer_id) as first_month,
        max(ending_sales) over (partition by customer_id) as customer_ending_sales
    from customer_months
),

segment_shapes as (
    -- customers whose purchases never change: one row per segment shape with the
    -- number of customers having it
    select
        sequenced.order_month as segment_month,
        coalesce(sequenced.next_month, horizon.horizon_month) as next_month,
        case
            when sequenced.purchases >= 2 then sequenced.order_month
            else sequenced.previous_month
        end as second_latest_month,
        (sequenced.order_month = sequenced.first_month) as is_first_segment,
        count(*) as customers
    from sequenced
    cross join horizon
    where sequenced.customer_ending_sales = 0
    group by 1, 2, 3, 4
),

customer_pieces as (
    -- month ends k (as intervals [from_month, to_month]) at which a segment makes its
    -- customer count: active, repeat (second latest purchase in the window), new (first
    -- segment), and by the stage at S = k - W: sleeping (S in [u + 2W, u + 4W - 1]) or
    -- lost (S >= u + 4W) while S is in the segment, bought when the next purchase falls
    -- in (S, k]
    select
        'active_customers' as measure,
        windows.window_months,
        shapes.segment_month as from_month,
        least(shapes.next_month - 1, shapes.segment_month + windows.window_months - 1) as to_month,
        shapes.customers as weight
    from segment_shapes as shapes
    cross join windows
    union all
    select
        'repeat_customers' as measure,
        windows.window_months,
        shapes.segment_month as from_month,
        least(shapes.next_month - 1, shapes.second_latest_month + windows.window_months - 1) as to_month,
        shapes.customers as weight
    from segment_shapes as shapes
    cross join windows
    where shapes.second_latest_month is not null
    union all
    select
        'new_customers' as measure,
        windows.window_months,
        shapes.segment_month as from_month,
        shapes.segment_month + windows.window_months - 1 as to_month,
        shapes.customers as weight
    from segment_shapes as shapes
    cross join windows
    where shapes.is_first_segment
    union all
    select
        'sleeping_at_start' as measure,
        windows.window_months,
        shapes.segment_month + 3 * windows.window_months as from_month,
        least(shapes.next_month - 1, shapes.segment_month + 4 * windows.window_months - 1)
        + windows.window_months as to_month,
        shapes.customers as weight
    from segment_shapes as shapes
    cross join windows
    union all
    select
        'sleeping_buyers' as measure,
        windows.window_months,
        greatest(shapes.segment_month + 2 * windows.window_months, shapes.next_month - windows.window_months)
        + windows.window_months as from_month,
        least(shapes.next_month - 1, shapes.segment_month + 4 * windows.window_months - 1)
        + windows.window_months as to_month,
        shapes.customers as weight
    from segment_shapes as shapes
    cross join windows
    union all
    select
        'lost_at_start' as measure,
        windows.window_months,
        shapes.segment_month + 5 * windows.window_months as from_month,
        shapes.next_month - 1 + windows.window_months as to_month,
        shapes.customers as weight
    from segment_shapes as shapes
    cross join windows
    union all
    select
        'lost_buyers' as measure,
        windows.window_months,
        greatest(shapes.segment_month + 4 * windows.window_months, shapes.next_month - windows.window_months)
        + windows.window_months as from_month,
        shapes.next_month - 1 + windows.window_months as to_month,
        shapes.customers as weight
    from segment_shapes as shapes
    cross join windows
),

sale_shapes as (
    select
        order_month,
        last_valid_month,
        count(*) as sales,
        sum(paid_amount) as paid_amount
    from valid_sales
    group by 1, 2
),

refund_shapes as (
    select
        valid_sales.order_month,
        valid_sales.last_valid_month,
        greatest(valid_sales.order_month, {{ month_index('refunds.refund_date') }}) as refund_month,
        sum(refunds.refund_amount) as refund_amount
    from int_order_refund_events as refunds
    inner join valid_sales
        on refunds.order_key = valid_sales.order_key
    group by 1, 2, 3
),

money_pieces as (
    -- a sale counts at k in [order_month, order_month + W - 1] while valid; its net as
    -- of k is the amount paid minus the refunds recorded by k
    select
        'orders' as measure,
        windows.window_months,
        sale_shapes.order_month as from_month,
        least(sale_shapes.last_valid_month, sale_shapes.order_month + windows.window_months - 1) as to_month,
        cast(sale_shapes.sales as decimal(18, 2)) as weight
    from sale_shapes
    cross join windows
    union all
    select
        'net_revenue' as measure,
        windows.window_months,
        sale_shapes.order_month as from_month,
        least(sale_shapes.last_valid_month, sale_shapes.order_month + windows.window_months - 1) as to_month,
        sale_shapes.paid_amount as weight
    from sale_shapes
    cross join windows
    union all
    select
        'net_revenue' as measure,
        windows.window_months,
        refund_shapes.refund_month as from_month,
        least(refund_shapes.last_valid_month, refund_shapes.order_month + windows.window_months - 1) as to_month,
        -refund_shapes.refund_amount as weight
    from refund_shapes
    cross join windows
),

pieces as (
    select
        measure,
        window_months,
        from_month,
        to_month,
        cast(weight as decimal(18, 2)) as weight
    from customer_pieces
    union all
    select
        measure,
        window_months,
        from_month,
        to_month,
        weight
    from money_pieces
),

events as (
    select
        measure,
        window_months,
        from_month as event_month,
        weight as delta
    from pieces
    where from_month <= to_month
    union all
    select
        measure,
        window_months,
        to_month + 1 as event_month,
        -weight as delta
    from pieces
    where from_month <= to_month
),

event_totals as (
    select
        measure,
        window_months,
        event_month,
        sum(delta) as delta
    from events
    group by 1, 2, 3
),

interval_totals as (
    select
        month_ends.month_index,
        event_totals.window_months,
        sum(case when event_totals.measure = 'active_customers' then event_totals.delta else 0 end) as active_customers,
        sum(case when event_totals.measure = 'repeat_customers' then event_totals.delta else 0 end) as repeat_customers,
        sum(case when event_totals.measure = 'new_customers' then event_totals.delta else 0 end) as new_customers,
        sum(case when event_totals.measure = 'sleeping_at_start' then event_totals.delta else 0 end) as sleeping_at_start,
        sum(case when event_totals.measure = 'sleeping_buyers' then event_totals.delta else 0 end) as sleeping_buyers,
        sum(case when event_totals.measure = 'lost_at_start' then event_totals.delta else 0 end) as lost_at_start,
        sum(case when event_totals.measure = 'lost_buyers' then event_totals.delta else 0 end) as lost_buyers,
        sum(case when event_totals.measure = 'orders' then event_totals.delta else 0 end) as orders,
        sum(case when event_totals.measure = 'net_revenue' then event_totals.delta else 0 end) as net_revenue
    from month_ends
    inner join event_totals
        on month_ends.month_index >= event_totals.event_month
    group by 1, 2
),

ending_customers as (
    select distinct
        customer_id,
        first_month
    from sequenced
    where customer_ending_sales > 0
),

ending_grid as (
    select
        ending_customers.customer_id,
        month_ends.month_index,
        windows.window_months
    from ending_customers
    inner join month_ends
        on ending_customers.first_month <= month_ends.month_index
    cross join windows
),

ending_states as (
    {{ kpi_customer_month_states('ending_grid', 'valid_sales') }}
),

ending_totals as (
    {{ kpi_stickiness_counts_from_states('ending_states') }}
),

tier_shares as (
    select
        month_end,
        sum(
            case
                when tier_code in {{ sql_string_list(var('kpi_high_value_tier_codes')) }} then 1
                else 0
            end
        ) as high_value_customers,
        count(*) as tier_holders
    from customer_tier_history
    group by 1
),

combined as (
    select
        windows.window_months,
        coalesce(interval_totals.active_customers, 0) + coalesce(ending_totals.active_customers, 0) as active_customers,
        coalesce(interval_totals.repeat_customers, 0) + coalesce(ending_totals.repeat_customers, 0) as repeat_customers,
        coalesce(interval_totals.new_customers, 0) + coalesce(ending_totals.new_customers, 0) as new_customers,
        coalesce(interval_totals.sleeping_at_start, 0) + coalesce(ending_totals.sleeping_at_start, 0) as sleeping_at_start,
        coalesce(interval_totals.sleeping_buyers, 0) + coalesce(ending_totals.sleeping_buyers, 0) as sleeping_buyers,
        coalesce(interval_totals.lost_at_start, 0) + coalesce(ending_totals.lost_at_start, 0) as lost_at_start,
        coalesce(interval_totals.lost_buyers, 0) + coalesce(ending_totals.lost_buyers, 0) as lost_buyers,
        coalesce(interval_totals.orders, 0) as orders,
        coalesce(interval_totals.net_revenue, 0) as net_revenue,
        coalesce(tier_shares.high_value_customers, 0) as high_value_customers,
        coalesce(tier_shares.tier_holders, 0) as tier_holders,
        month_ends.month_end
    from month_ends
    cross join windows
    left join interval_totals
        on
            month_ends.month_index = interval_totals.month_index
            and windows.window_months = interval_totals.window_months
    left join ending_totals
        on
            month_ends.month_index = ending_totals.month_index
            and windows.window_months = ending_totals.window_months
    left join tier_shares
        on month_ends.month_end = tier_shares.month_end
),

final as (
    select
        window_months,
        cast(active_customers as {{ dbt.type_bigint() }}) as active_customers,
        cast(repeat_customers as {{ dbt.type_bigint() }}) as repeat_customers,
        {{ kpi_ratio('repeat_customers', 'active_customers') }} as repeat_purchase_rate,
        cast(orders as {{ dbt.type_bigint() }}) as orders,
        cast(net_revenue as decimal(18, 2)) as net_revenue,
        {{ kpi_ratio('net_revenue', 'active_customers') }} as active_arpu,
        {{ kpi_ratio('net_revenue', 'orders') }} as average_order_value,
        cast(new_customers as {{ dbt.type_bigint() }}) as new_customers,
        high_value_customers,
        tier_holders,
        {{ kpi_ratio('high_value_customers', 'tier_holders') }} as high_value_share,
        cast(sleeping_at_start as {{ dbt.type_bigint() }}) as sleeping_at_start,
        cast(sleeping_buyers as {{ dbt.type_bigint() }}) as sleeping_buyers,
        {{ kpi_ratio('sleeping_buyers', 'sleeping_at_start') }} as wakeup_rate,
        cast(lost_at_start as {{ dbt.type_bigint() }}) as lost_at_start,
        cast(lost_buyers as {{ dbt.type_bigint() }}) as lost_buyers,
        {{ kpi_ratio('lost_buyers', 'lost_at_start') }} as activation_rate,
        {{ shift_months_back('month_end', 'window_months') }} as window_start_date,
        month_end
    from combined
)

select * from final
