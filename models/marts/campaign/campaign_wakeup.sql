{#- Wake-up and activation by campaign (客户唤醒率 / 客户激活率, domain.md): for the
    campaigns whose objective is in var campaign_wakeup_objectives (wake_up,
    win_back), of the recipients who were sleeping (lost) when the campaign reached
    them, the share who bought within the attribution window (var
    campaign_attribution_window_days) after the send: any purchase as of D paid in
    (sent_at, sent_at + N days], attributed to this send or not. The unit is a customer
    in a campaign variant, at their first send of it. Point in time: the stage is
    domain.md's stage for the default window (var lifecycle_default_window) as of the
    day before the send (so a purchase on the send day cannot change it), from the
    purchases as of that day (a sale fully refunded later still counts until its
    refunds reach the amount paid). Control rows give the rate without the message.
    One row per campaign_id and variant. -#}

{%- set days = var('campaign_attribution_window_days') %}
{%- set window = var('lifecycle_default_window') %}

with stg_marketing__campaigns as (
    select * from {{ ref('stg_marketing__campaigns') }}
),

campaign_send_recipients as (
    select * from {{ ref('campaign_send_recipients') }}
),

int_sales_valid_spans as (
    select * from {{ ref('int_sales_valid_spans') }}
),

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

campaigns as (
    select
        campaign_id,
        campaign_name,
        objective
    from stg_marketing__campaigns
    where objective in {{ sql_string_list(var('campaign_wakeup_objectives')) }}
),

campaign_sends as (
    select sends.*
    from campaign_send_recipients as sends
    inner join campaigns
        on sends.campaign_id = campaigns.campaign_id
),

recipients as (
    -- a customer's first send in the campaign variant
    select
        campaign_id,
        variant,
        customer_id,
        min(sent_at) as sent_at,
        min(sent_date) as sent_date
    from campaign_sends
    where customer_id is not null
    group by 1, 2, 3
),

recipient_history as (
    -- purchases as of the day before the send
    select
        recipients.campaign_id,
        recipients.variant,
        recipients.customer_id,
        min(sales.order_date) as first_purchase_date,
        max(sales.order_date) as last_purchase_date,
        sum(
            case
                when sales.order_date > {{ shift_months_back(
                    'cast(' ~ dbt.dateadd('day', -1, 'recipients.sent_date') ~ ' as date)', window
                ) }} then 1
                else 0
            end
        ) as purchases_in_window
    from recipients
    inner join int_sales_valid_spans as sales
        on
            recipients.customer_id = sales.customer_id
            and recipients.sent_date > sales.order_date
            and (sales.purchase_ended_date is null or recipients.sent_date <= sales.purchase_ended_date)
    group by 1, 2, 3
),

staged as (
    select
        recipients.campaign_id,
        recipients.variant,
        recipients.customer_id,
        recipients.sent_at,
        {{ lifecycle_stage(
            'recipient_history.first_purchase_date',
            'recipient_history.last_purchase_date',
            'coalesce(recipient_history.purchases_in_window, 0)',
            'cast(' ~ dbt.dateadd('day', -1, 'recipients.sent_date') ~ ' as date)',
            window
        ) }} as stage_at_send
    from recipients
    left join recipient_history
        on
            recipients.campaign_id = recipient_history.campaign_id
            and recipients.variant = recipient_history.variant
            and recipients.customer_id = recipient_history.customer_id
),

purchases as (
    select
        customer_id,
        ordered_at
    from fct_orders
    where
        is_purchase
        and customer_id is not null
),

buyers as (
    select distinct
        staged.campaign_id,
        staged.variant,
        staged.customer_id
    from staged
    inner join purchases
        on
            staged.customer_id = purchases.customer_id
            and staged.sent_at < purchases.ordered_at
            and {{ dbt.dateadd('day', days, 'staged.sent_at') }} >= purchases.ordered_at
),

outcomes as (
    select
        staged.campaign_id,
        staged.variant,
        count(*) as stitched_recipients,
        sum(case when staged.stage_at_send = 'sleeping' then 1 else 0 end) as sleeping_recipients,
        sum(
            case when staged.stage_at_send = 'sleeping' and buyers.customer_id is not null then 1 else 0 end
        ) as sleeping_buyers,
        sum(case when staged.stage_at_send = 'lost' then 1 else 0 end) as lost_recipients,
        sum(
            case when staged.stage_at_send = 'lost' and buyers.customer_id is not null then 1 else 0 end
        ) as lost_buyers
    from staged
    left join buyers
        on
            staged.campaign_id = buyers.campaign_id
            and staged.variant = buyers.variant
            and staged.customer_id = buyers.customer_id
    group by 1, 2
),

send_counts as (
    select
        campaign_id,
        variant,
        count(*) as sends,
        max(case when is_control then 1 else 0 end) = 1 as is_control
    from campaign_sends
    group by 1, 2
),

final as (
    select
        send_counts.campaign_id,
        send_counts.variant,
        campaigns.campaign_name,
        campaigns.objective,
        {{ window }} as stage_window_months,
        {{ days }} as attribution_window_days,
        send_counts.sends,
        coalesce(outcomes.stitched_recipients, 0) as stitched_recipients,
        coalesce(outcomes.sleeping_recipients, 0) as sleeping_recipients,
        coalesce(outcomes.sleeping_buyers, 0) as sleeping_buyers,
        {{ kpi_ratio('outcomes.sleeping_buyers', 'outcomes.sleeping_recipients') }} as wakeup_rate,
        coalesce(outcomes.lost_recipients, 0) as lost_recipients,
        coalesce(outcomes.lost_buyers, 0) as lost_buyers,
        {{ kpi_ratio('outcomes.lost_buyers', 'outcomes.lost_recipients') }} as activation_rate,
        send_counts.is_control
    from send_counts
    inner join campaigns
        on send_counts.campaign_id = campaigns.campaign_id
    left join outcomes
        on
            send_counts.campaign_id = outcomes.campaign_id
            and send_counts.variant = outcomes.variant
)

select * from final
