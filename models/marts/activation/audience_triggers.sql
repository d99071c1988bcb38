{#- The event-driven lists marketing automation sends each day (自动化触发名单), for the
    send date D+1 (the morning after the data's last day D): one row per trigger and
    customer, with the event's date and the channels the contact list allows today.
    - new_customer_welcome 新客欢迎: first purchase on D ("yesterday");
    - birthday_upcoming 生日提醒: birthday within the next var trigger_lookahead_days days
      from the send date (a 29 February birthday is kept on 28 February in other years);
    - baby_milestone 宝宝成长节点: the child turns one of var trigger_baby_milestone_months
      (6 months, 1 year, 3 years: when the categories a family needs change) within the
      next trigger_lookahead_days days;
    - tier_upgrade 等级升级: the tier as of D ranks above the tier as of D-1 (spend as of
      D-1: the purchases dated on or before D-1, at their net amount as of D);
    - active_to_silent 活跃转沉默: active as of D-1 and silent as of D in the default
      lifecycle window (the last purchase left (D-W, D] on D).
    A trigger lists the customer even when no channel is allowed (allowed_channels
    empty): automation then skips them, and the count of skipped customers is visible. -#}
{%- set as_of = as_of_date() %}
{%- set send_date = dbt.dateadd('day', 1, as_of) %}
{%- set window = var('lifecycle_default_window') %}

with dim_customers as (
    select * from {{ ref('dim_customers') }}
),

int_customers_golden as (
    select * from {{ ref('int_customers_golden') }}
),

int_purchases as (
    select * from {{ ref('int_purchases') }}
),

customer_tiers as (
    select * from {{ ref('customer_tiers') }}
),

membership_tier_presets as (
    select * from {{ ref('membership_tier_presets') }}
),

audience_contact_list as (
    select * from {{ ref('audience_contact_list') }}
),

lookahead_days as (
    {{ integer_rows(range(1, var('trigger_lookahead_days') + 1) | list, 'day_offset') }}
),

milestones as (
    {{ integer_rows(var('trigger_baby_milestone_months'), 'milestone_months') }}
),

welcome as (
    select
        customer_id,
        'new_customer_welcome' as trigger_code,
        first_purchase_date as event_date,
        cast(null as {{ dbt.type_int() }}) as milestone_months
    from dim_customers
    where first_purchase_date = {{ as_of }}
),

upcoming_days as (
    select cast({{ dbt.dateadd('day', 'day_offset', as_of) }} as date) as calendar_date
    from lookahead_days
),

birthdays as (
    select
        int_customers_golden.customer_id,
        'birthday_upcoming' as trigger_code,
        upcoming_days.calendar_date as event_date,
        cast(null as {{ dbt.type_int() }}) as milestone_months
    from int_customers_golden
    inner join upcoming_days
        on
            extract(month from int_customers_golden.birth_date) = extract(month from upcoming_days.calendar_date)
            and (
                extract(day from int_customers_golden.birth_date) = extract(day from upcoming_days.calendar_date)
                or (
                    extract(month from int_customers_golden.birth_date) = 2
                    and extract(day from int_customers_golden.birth_date) = 29
                    and extract(day from upcoming_days.calendar_date) = 28
                    and extract(
                        month from {{ dbt.dateadd('day', 1, 'upcoming_days.calendar_date') }}
                    ) = 3
                )
            )
),

baby_milestones as (
    select
        dim_customers.customer_id,
        'baby_milestone' as trigger_code,
        cast(
            {{ dbt.dateadd('month', 'milestones.milestone_months', 'dim_customers.baby_birth_date') }} as date
        ) as event_date,
        milestones.milestone_months
    from dim_customers
    cross join milestones
    where
        cast(
            {{ dbt.dateadd('month', 'milestones.milestone_months', 'dim_customers.baby_birth_date') }} as date
        )
        between {{ send_date }} and {{ dbt.dateadd('day', var('trigger_lookahead_days'), as_of) }}
),

spend_day_before as (
    select
        customer_id,
        sum(net_amount) as lifetime_spend,
        sum(
            case
                when order_date > {{ shift_months_back(dbt.dateadd('day', -1, as_of), 12) }} then net_amount
                else 0
            end
        ) as trailing_12m_spend
    from int_purchases
    where order_date < {{ as_of }}
    group by 1
),

tiers_day_before as (
    {{ membership_tier_ranks('spend_day_before', ['customer_id'], 'membership_tier_presets') }}
),

tier_upgrades as (
    select
        customer_tiers.customer_id,
        'tier_upgrade' as trigger_code,
        {{ as_of }} as event_date,
        cast(null as {{ dbt.type_int() }}) as milestone_months
    from customer_tiers
    left join tiers_day_before
        on customer_tiers.customer_id = tiers_day_before.customer_id
    where
        tiers_day_before.tier_rank is not null
        and customer_tiers.tier_rank > tiers_day_before.tier_rank
),

{# Active on D-1: last purchase in (D-1-W, D-1]; silent on D: no purchase in (D-W, D],
   last in (D-2W, D-W]. With no purchase on D, both hold exactly when the last
   purchase is in (shift(D-1, W), shift(D, W)]. #}
active_to_silent as (
    select
        customer_id,
        'active_to_silent' as trigger_code,
        {{ as_of }} as event_date,
        cast(null as {{ dbt.type_int() }}) as milestone_months
    from dim_customers
    where
        last_purchase_date > {{ shift_months_back(dbt.dateadd('day', -1, as_of), window) }}
        and last_purchase_date <= {{ shift_months_back(as_of, window) }}
),

triggered as (
    select * from welcome
    union all
    select * from birthdays
    union all
    select * from baby_milestones
    union all
    select * from tier_upgrades
    union all
    select * from active_to_silent
),

allowed as (
    select
        customer_id,
        {{ string_agg_ordered('channel', 'channel', "','") }} as allowed_channels,
        count(*) as allowed_channel_count
    from audience_contact_list
    where may_contact
    group by 1
),

final as (
    select
        triggered.trigger_code,
        triggered.customer_id,
        allowed.allowed_channels,
        triggered.milestone_months,
        coalesce(allowed.allowed_channel_count, 0) as allowed_channel_count,
        triggered.event_date,
        cast({{ send_date }} as date) as send_date,
        {{ as_of }} as as_of_date
    from triggered
    left join allowed
        on triggered.customer_id = allowed.customer_id
)

select * from final
