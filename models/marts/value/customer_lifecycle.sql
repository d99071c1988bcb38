{#- Lifecycle stage as of D (domain.md, Lifecycle stage): one row per customer known
    to a channel on or before D and per window W in var lifecycle_windows (default 3, 6
    and 12 months), with the stage's labels and the contact policy of its phase (seed
    lifecycle_contact_policy, domain.md's default). -#}

with int_purchases as (
    select * from {{ ref('int_purchases') }}
),

int_customers_golden as (
    select * from {{ ref('int_customers_golden') }}
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

lifecycle_contact_policy as (
    select * from {{ ref('lifecycle_contact_policy') }}
),

windows as (
    {{ integer_rows(var('lifecycle_windows'), 'window_months') }}
),

known_customers as (
    select customer_id
    from int_customers_golden
    where {{ utc_to_business_date('first_seen_at') }} <= {{ as_of_date() }}
),

purchase_dates as (
    select
        customer_id,
        min(order_date) as first_purchase_date,
        max(order_date) as last_purchase_date
    from int_purchases
    group by 1
),

window_purchases as (
    select
        int_purchases.customer_id,
        windows.window_months,
        count(*) as purchases_in_window
    from int_purchases
    inner join windows
        on int_purchases.order_date > {{ shift_months_back(as_of_date(), 'windows.window_months') }}
    group by 1, 2
),

staged as (
    select
        known_customers.customer_id,
        windows.window_months,
        purchase_dates.first_purchase_date,
        purchase_dates.last_purchase_date,
        coalesce(window_purchases.purchases_in_window, 0) as purchases_in_window,
        {{ lifecycle_stage(
            'purchase_dates.first_purchase_date',
            'purchase_dates.last_purchase_date',
            'coalesce(window_purchases.purchases_in_window, 0)',
            as_of_date(),
            'windows.window_months'
        ) }} as lifecycle_stage
    from known_customers
    cross join windows
    left join purchase_dates
        on known_customers.customer_id = purchase_dates.customer_id
    left join window_purchases
        on
            known_customers.customer_id = window_purchases.customer_id
            and windows.window_months = window_purchases.window_months
),

final as (
    select
        staged.customer_id,
        staged.lifecycle_stage,
        stage_labels.stage_name_zh,
        stage_labels.stage_name_en,
        stage_labels.phase_code,
        contact_policy.contact_policy_code,
        contact_policy.contact_policy_zh,
        contact_policy.contact_policy_en,
        staged.window_months,
        staged.purchases_in_window,
        stage_labels.is_active,
        contact_policy.allows_regular_contact,
        contact_policy.allows_winback_contact,
        contact_policy.allows_major_sale_contact,
        staged.first_purchase_date,
        staged.last_purchase_date,
        {{ as_of_date() }} as as_of_date
    from staged
    inner join lifecycle_stages as stage_labels
        on staged.lifecycle_stage = stage_labels.lifecycle_stage
    left join lifecycle_contact_policy as contact_policy
        on stage_labels.phase_code = contact_policy.phase_code
)

select * from final
