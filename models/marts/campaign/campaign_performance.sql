{#- Campaign and A/B results (domain.md, Campaigns and A/B tests): one row per
    campaign_id and variant (a, b, control). Sends are the export's records, a held-out
    control recipient included; a send converts when at least one purchase is
    attributed to it (campaign_order_attribution: the latest send within the
    attribution window). conversion_rate = conversions / sends for every variant, the
    control's too; open and click rates are over delivered messages (not the control,
    which gets none: null). Cost: the campaign's cost split over its treated variants
    by their share of delivered messages (the control costs nothing); ROI = attributed
    net revenue / cost. Each treated variant is compared with the campaign's control:
    lift = its conversion rate minus the control's, a two-sided two-proportion z-test
    (pooled standard error) and a confidence interval for the difference (unpooled
    standard error, level var campaign_confidence_level), normal approximation. -#}

{%- set confidence = var('campaign_confidence_level') %}

with stg_marketing__campaigns as (
    select * from {{ ref('stg_marketing__campaigns') }}
),

campaign_send_recipients as (
    select * from {{ ref('campaign_send_recipients') }}
),

campaign_order_attribution as (
    select * from {{ ref('campaign_order_attribution') }}
),

sends as (
    select * from campaign_send_recipients
),

send_conversions as (
    select
        send_id,
        count(*) as attributed_orders,
        sum(net_amount) as attributed_revenue
    from campaign_order_attribution
    group by 1
),

variant_totals as (
    select
        sends.campaign_id,
        sends.variant,
        count(*) as sends,
        sum(case when sends.customer_id is not null then 1 else 0 end) as stitched_sends,
        sum(case when sends.is_control then 0 else 1 end) as delivered_sends,
        sum(case when sends.is_opened and not sends.is_control then 1 else 0 end) as opens,
        sum(case when sends.is_clicked and not sends.is_control then 1 else 0 end) as clicks,
        sum(case when send_conversions.send_id is not null then 1 else 0 end) as conversions,
        coalesce(sum(send_conversions.attributed_orders), 0) as attributed_orders,
        coalesce(sum(send_conversions.attributed_revenue), 0) as attributed_revenue,
        max(case when sends.is_control then 1 else 0 end) = 1 as is_control,
        min(sends.sent_date) as first_sent_date,
        max(sends.sent_date) as last_sent_date
    from sends
    left join send_conversions
        on sends.send_id = send_conversions.send_id
    group by 1, 2
),

campaign_deliveries as (
    select
        campaign_id,
        sum(delivered_sends) as campaign_delivered_sends
    from variant_totals
    group by 1
),

controls as (
    select
        campaign_id,
        sends as control_sends,
        conversions as control_conversions
    from variant_totals
    where is_control
),

rated as (
    select
        variant_totals.*,
        campaigns.campaign_name,
        campaigns.channel,
        campaigns.objective,
        campaigns.campaign_cost,
        campaigns.start_date,
        campaigns.end_date,
        campaigns.campaign_cost * {{ kpi_ratio(
            'variant_totals.delivered_sends', 'campaign_deliveries.campaign_delivered_sends'
        ) }} as variant_cost,
        {{ kpi_ratio('variant_totals.conversions', 'variant_totals.sends') }} as conversion_rate,
        case when variant_totals.is_control then null else controls.control_sends end as control_sends,
        case when variant_totals.is_control then null else controls.control_conversions end as control_conversions,
        case
            when variant_totals.is_control then null
            else {{ kpi_ratio('controls.control_conversions', 'controls.control_sends') }}
        end as control_conversion_rate,
        case
            when variant_totals.is_control then null
            else {{ kpi_ratio(
                'variant_totals.conversions + controls.control_conversions',
                'variant_totals.sends + controls.control_sends'
            ) }}
        end as pooled_conversion_rate
    from variant_totals
    left join stg_marketing__campaigns as campaigns
        on variant_totals.campaign_id = campaigns.campaign_id
    left join campaign_deliveries
        on variant_totals.campaign_id = campaign_deliveries.campaign_id
    left join controls
        on variant_totals.campaign_id = controls.campaign_id
),

errors as (
    select
        *,
        conversion_rate - control_conversion_rate as lift,
        sqrt(
            pooled_conversion_rate * (1 - pooled_conversion_rate)
            * (1.0 / nullif(sends, 0) + 1.0 / nullif(control_sends, 0))
        ) as pooled_standard_error,
        sqrt(
            conversion_rate * (1 - conversion_rate) / nullif(sends, 0)
            + control_conversion_rate * (1 - control_conversion_rate) / nullif(control_sends, 0)
        ) as difference_standard_error,
        {{ normal_quantile('1 - (1 - ' ~ confidence ~ ') / 2') }} as critical_value
    from rated
),

tested as (
    select
        *,
        case
            when pooled_standard_error > 0 then lift / pooled_standard_error
        end as z_score_exact
    from errors
),

final as (
    select
        campaign_id,
        variant,
        campaign_name,
        channel,
        objective,
        sends,
        stitched_sends,
        delivered_sends,
        opens,
        {{ kpi_ratio('opens', 'delivered_sends') }} as open_rate,
        clicks,
        {{ kpi_ratio('clicks', 'delivered_sends') }} as click_rate,
        conversions,
        conversion_rate,
        attributed_orders,
        attributed_revenue,
        campaign_cost,
        variant_cost,
        {{ kpi_ratio('attributed_revenue', 'variant_cost') }} as roi,
        control_sends,
        control_conversions,
        control_conversion_rate,
        lift,
        {{ kpi_ratio('lift', 'control_conversion_rate') }} as relative_lift,
        round(z_score_exact, 4) as z_score,
        round({{ normal_two_sided_p_value('z_score_exact') }}, 6) as p_value,
        round(lift - critical_value * difference_standard_error, 6) as lift_ci_lower,
        round(lift + critical_value * difference_standard_error, 6) as lift_ci_upper,
        {{ confidence }} as confidence_level,
        is_control,
        {{ normal_two_sided_p_value('z_score_exact') }} < 1 - {{ confidence }} as is_significant,
        start_date,
        end_date,
        first_sent_date,
        last_sent_date
    from tested
)

select * from final
