{#- The measures the tag rules read (标签特征): one row per customer of dim_customers,
    as of D. Every window ends at D and reads nothing after it: purchases and items of
    int_purchases / fct_order_items (purchases as of D), mall behaviour events, WeCom
    contacts and community events, campaign sends. The rules themselves (thresholds,
    bands, labels) live in seed tag_definitions; this model only measures. -#}
{%- set as_of = as_of_date() %}
{%- set trailing_12m_start = shift_months_back(as_of, 12) %}
{%- set recent_start = dbt.dateadd('day', -1 * var('tag_recent_days'), as_of) %}
{%- set interaction_start = dbt.dateadd('day', -1 * var('tag_interaction_days'), as_of) %}

with dim_customers as (
    select * from {{ ref('dim_customers') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

customer_tiers as (
    select * from {{ ref('customer_tiers') }}
),

int_orders_netted as (
    select * from {{ ref('int_orders_netted') }}
),

fct_order_items as (
    select * from {{ ref('fct_order_items') }}
),

customer_identity_map as (
    select * from {{ ref('customer_identity_map') }}
),

stg_catalog__products as (
    select * from {{ ref('stg_catalog__products') }}
),

stg_catalog__stores as (
    select * from {{ ref('stg_catalog__stores') }}
),

stg_mall__behavior_events as (
    select * from {{ ref('stg_mall__behavior_events') }}
),

stg_wecom__contacts as (
    select * from {{ ref('stg_wecom__contacts') }}
),

stg_wecom__group_events as (
    select * from {{ ref('stg_wecom__group_events') }}
),

stg_marketing__campaign_sends as (
    select * from {{ ref('stg_marketing__campaign_sends') }}
),

province_north_south as (
    select * from {{ ref('province_north_south') }}
),

purchases as (
    select
        customer_id,
        order_key,
        channel,
        net_amount,
        order_date,
        coupon_code,
        coalesce(discount_amount, 0) > 0 or coupon_code is not null as is_discounted,
        order_date > {{ trailing_12m_start }} as is_in_12m,
        order_date > {{ recent_start }} as is_recent
    from int_orders_netted
    where
        is_purchase
        and customer_id is not null
),

purchase_measures as (
    select
        customer_id,
        count(*) as purchases_lifetime,
        sum(net_amount) as net_spend_lifetime,
        sum(case when is_in_12m then 1 else 0 end) as purchases_12m,
        sum(case when is_in_12m and is_discounted then 1 else 0 end) as discounted_purchases_12m,
        sum(case when is_in_12m and coupon_code is not null then 1 else 0 end) as coupon_purchases_12m,
        sum(case when is_recent then 1 else 0 end) as purchases_recent,
        sum(case when channel = 'store' then 1 else 0 end) as store_purchases,
        max(order_date) as last_purchase_date
    from purchases
    group by 1
),

purchase_items as (
    select
        fct_order_items.customer_id,
        fct_order_items.order_key,
        fct_order_items.category_l1,
        fct_order_items.brand,
        fct_order_items.product_size,
        fct_order_items.quantity,
        purchases.is_in_12m,
        purchases.is_recent,
        coalesce(
            {{ dbt.datediff('stg_catalog__products.launched_date', 'purchases.order_date', 'day') }}
            between 0 and {{ var('tag_new_arrival_days') - 1 }},
            false
        ) as is_new_arrival
    from fct_order_items
    inner join purchases
        on fct_order_items.order_key = purchases.order_key
    left join stg_catalog__products
        on fct_order_items.sku = stg_catalog__products.sku
),

{# One row per order and category bought in it, so counting orders of a category is
   a sum, not a distinct count per category. #}
order_categories as (
    select
        customer_id,
        order_key,
        category_l1,
        is_in_12m,
        is_recent,
        max(case when is_new_arrival then 1 else 0 end) as has_new_arrival
    from purchase_items
    group by 1, 2, 3, 4, 5
),

category_measures as (
    select
        customer_id,
        {%- for category_code, category_label in var('tag_categories').items() %}
            sum(
                case when is_in_12m and category_l1 = '{{ category_label }}' then 1 else 0 end
            ) as orders_12m_{{ category_code }},
        {%- endfor %}
        count(distinct case when is_in_12m then category_l1 end) as categories_bought_12m,
        count(
            distinct case when is_recent and has_new_arrival = 1 then order_key end
        ) as new_arrival_orders_recent
    from order_categories
    group by 1
),

{# Preferred brand / size of a category: the one bought in most units in the
    trailing 12 months (ties: the alphabetically first, so the result is
    deterministic), with its share of the category's units. #}
{%- set preference_specs = [] %}
{%- for category_code in var('tag_brand_categories') %}
    {%- do preference_specs.append({'attribute': 'brand', 'category': category_code}) %}
{%- endfor %}
{%- for category_code in var('tag_size_categories') %}
    {%- do preference_specs.append({'attribute': 'product_size', 'category': category_code}) %}
{%- endfor %}

preference_units as (
    {%- for spec in preference_specs %}
        select
            customer_id,
            '{{ spec.attribute }}:{{ spec.category }}' as preference_code,
            {{ spec.attribute }} as preference_value,
            sum(quantity) as units
        from purchase_items
        where
            is_in_12m
            and category_l1 = '{{ var("tag_categories")[spec.category] }}'
            and {{ spec.attribute }} is not null
        group by 1, 2, 3
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

preferences_ranked as (
    select
        customer_id,
        preference_code,
        preference_value,
        {{ kpi_ratio('units', 'sum(units) over (partition by customer_id, preference_code)') }} as unit_share,
        -- tie-break: preference_value unique per customer_id, preference_code (grouped
        -- by all three)
        row_number() over (
            partition by customer_id, preference_code
            order by units desc, preference_value asc
        ) as preference_rank
    from preference_units
),

preferences as (
    select
        customer_id,
        {%- for category_code in var('tag_brand_categories') %}
            max(
                case when preference_code = 'brand:{{ category_code }}' then preference_value end
            ) as preferred_brand_{{ category_code }},
            max(
                case when preference_code = 'brand:{{ category_code }}' then unit_share end
            ) as preferred_brand_share_{{ category_code }},
        {%- endfor %}
        {%- for category_code in var('tag_size_categories') %}
            max(
                case when preference_code = 'product_size:{{ category_code }}' then preference_value end
            ) as preferred_size_{{ category_code }},
        {%- endfor %}
        count(*) as preference_count
    from preferences_ranked
    where preference_rank = 1
    group by 1
),

identities as (
    select
        identifier_type,
        identifier_value,
        customer_id
    from customer_identity_map
),

mall_behaviour as (
    select
        identities.customer_id,
        sum(case when stg_mall__behavior_events.event_type = 'view' then 1 else 0 end) as mall_views_recent,
        sum(case when stg_mall__behavior_events.event_type = 'add_to_cart' then 1 else 0 end) as mall_carts_recent
    from stg_mall__behavior_events
    inner join identities
        on
            identities.identifier_type = 'openid'
            and stg_mall__behavior_events.openid = identities.identifier_value
    where
        stg_mall__behavior_events.occurred_date > {{ recent_start }}
        and stg_mall__behavior_events.occurred_date <= {{ as_of }}
    group by 1
),

wecom_contacts as (
    select
        identities.customer_id,
        sum(
            case
                when stg_wecom__contacts.deleted_date is null or stg_wecom__contacts.deleted_date > {{ as_of }}
                    then 1
                else 0
            end
        ) as wecom_active_contacts,
        sum(
            case when stg_wecom__contacts.deleted_date <= {{ as_of }} then 1 else 0 end
        ) as wecom_removed_contacts
    from stg_wecom__contacts
    inner join identities
        on
            identities.identifier_type = 'external_userid'
            and stg_wecom__contacts.external_userid = identities.identifier_value
    where stg_wecom__contacts.added_date <= {{ as_of }}
    group by 1
),

{# A customer is in a group as of D when their latest join of it (on or before D) is
   not followed by a leave. #}
group_memberships as (
    select
        identities.customer_id,
        stg_wecom__group_events.group_chat_id,
        max(
            case when stg_wecom__group_events.event_type = 'join' then stg_wecom__group_events.occurred_at end
        ) as last_joined_at,
        max(
            case when stg_wecom__group_events.event_type = 'leave' then stg_wecom__group_events.occurred_at end
        ) as last_left_at
    from stg_wecom__group_events
    inner join identities
        on
            identities.identifier_type = 'external_userid'
            and stg_wecom__group_events.external_userid = identities.identifier_value
    where
        stg_wecom__group_events.event_type in ('join', 'leave')
        and stg_wecom__group_events.occurred_date <= {{ as_of }}
    group by 1, 2
),

current_groups as (
    select
        customer_id,
        count(*) as community_groups
    from group_memberships
    where
        last_joined_at is not null
        and (last_left_at is null or last_left_at < last_joined_at)
    group by 1
),

community as (
    select
        identities.customer_id,
        sum(
            case when stg_wecom__group_events.event_type = 'message' then 1 else 0 end
        ) * 7.0 / cast({{ var('tag_interaction_days') }} as {{ kpi_type_double() }}) as community_messages_per_week,
        sum(case when stg_wecom__group_events.event_type = 'activity_signup' then 1 else 0 end) as activity_signups,
        sum(case when stg_wecom__group_events.event_type = 'activity_checkin' then 1 else 0 end) as activity_checkins,
        sum(case when stg_wecom__group_events.event_type = 'live_view' then 1 else 0 end) as live_views,
        sum(case when stg_wecom__group_events.event_type = 'coupon_claim' then 1 else 0 end) as coupon_claims
    from stg_wecom__group_events
    inner join identities
        on
            identities.identifier_type = 'external_userid'
            and stg_wecom__group_events.external_userid = identities.identifier_value
    where
        stg_wecom__group_events.occurred_date > {{ interaction_start }}
        and stg_wecom__group_events.occurred_date <= {{ as_of }}
    group by 1
),

sends_stitched as (
    {{ stitched_campaign_sends('stg_marketing__campaign_sends', 'customer_identity_map') }}
),

campaigns as (
    select
        customer_id,
        count(*) as campaign_sends,
        sum(case when is_opened then 1 else 0 end) as campaign_opens,
        sum(case when is_clicked then 1 else 0 end) as campaign_clicks
    from sends_stitched
    where
        customer_id is not null
        and sent_date > {{ interaction_start }}
        and sent_date <= {{ as_of }}
    group by 1
),

final as (
    select
        dim_customers.customer_id,
        dim_customers.gender,
        dim_customers.lifecycle_stage,
        dim_customers.rfm_segment,
        dim_customers.tier_code,
        dim_customers.purchase_channels as purchase_channel_mix,
        dim_customers.province,
        province_north_south.north_south,
        dim_customers.region,
        dim_customers.home_store_id,
        stg_catalog__stores.store_type as home_store_type,
        {%- for category_code in var('tag_brand_categories') %}
            preferences.preferred_brand_{{ category_code }},
        {%- endfor %}
        {%- for category_code in var('tag_size_categories') %}
            preferences.preferred_size_{{ category_code }},
        {%- endfor %}
        -- 孕月: 28-day months of a 280-day pregnancy counted back from the due date
        -- (baby_birth_date in the future); month 10 ends on the due date.
        case
            when
                dim_customers.baby_birth_date > {{ as_of }}
                and {{ dbt.datediff(as_of, 'dim_customers.baby_birth_date', 'day') }} <= 280
                then
                    cast(
                        floor(
                            (280 - {{ dbt.datediff(as_of, 'dim_customers.baby_birth_date', 'day') }}) / 28
                        ) as integer
                    ) + 1
        end as pregnancy_month,
        case
            when dim_customers.baby_birth_date <= {{ as_of }}
                then {{ completed_months('dim_customers.baby_birth_date', as_of) }}
        end as baby_age_months,
        {{ completed_months('dim_customers.first_seen_date', as_of) }} as tenure_months,
        dim_customers.birth_month,
        case
            when dim_customers.birth_month is not null
                then case when dim_customers.birth_month = extract(month from {{ as_of }}) then 1 else 0 end
        end as is_birthday_month,
        customer_rfm.r_score,
        customer_rfm.f_score,
        customer_rfm.m_score,
        coalesce(purchase_measures.purchases_lifetime, 0) as purchases_lifetime,
        coalesce(purchase_measures.net_spend_lifetime, 0) as net_spend_lifetime,
        {{ kpi_ratio('purchase_measures.net_spend_lifetime', 'purchase_measures.purchases_lifetime') }} as aov_lifetime,
        coalesce(purchase_measures.purchases_12m, 0) as purchases_12m,
        coalesce(customer_tiers.trailing_12m_spend, 0) as spend_12m,
        {{ kpi_ratio('customer_tiers.trailing_12m_spend', 'purchase_measures.purchases_12m') }} as aov_12m,
        {{ kpi_ratio('purchase_measures.discounted_purchases_12m', 'purchase_measures.purchases_12m') }} as discounted_purchase_share_12m,
        coalesce(purchase_measures.coupon_purchases_12m, 0) as coupon_purchases_12m,
        case
            when purchase_measures.discounted_purchases_12m = purchase_measures.purchases_12m
                then coalesce(purchase_measures.purchases_12m, 0)
            else 0
        end as discount_only_purchases_12m,
        {{ dbt.datediff('purchase_measures.last_purchase_date', as_of, 'day') }} as days_since_last_purchase,
        coalesce(category_measures.categories_bought_12m, 0) as categories_bought_12m,
        {%- for category_code in var('tag_categories') %}
            coalesce(category_measures.orders_12m_{{ category_code }}, 0) as orders_12m_{{ category_code }},
        {%- endfor %}
        {%- for category_code in var('tag_brand_categories') %}
            preferences.preferred_brand_share_{{ category_code }},
        {%- endfor %}
        {{ kpi_ratio('purchase_measures.store_purchases', 'purchase_measures.purchases_lifetime') }} as store_purchase_share,
        coalesce(purchase_measures.purchases_recent, 0) as purchases_recent,
        coalesce(mall_behaviour.mall_views_recent, 0) as mall_views_recent,
        coalesce(mall_behaviour.mall_carts_recent, 0) as mall_carts_recent,
        case
            when coalesce(purchase_measures.purchases_recent, 0) = 0
                then coalesce(mall_behaviour.mall_views_recent, 0)
            else 0
        end as views_without_purchase_recent,
        coalesce(category_measures.new_arrival_orders_recent, 0) as new_arrival_orders_recent,
        coalesce(wecom_contacts.wecom_active_contacts, 0) as wecom_active_contacts,
        coalesce(wecom_contacts.wecom_removed_contacts, 0) as wecom_removed_contacts,
        coalesce(current_groups.community_groups, 0) as community_groups,
        coalesce(community.community_messages_per_week, 0) as community_messages_per_week,
        coalesce(community.activity_signups, 0) as activity_signups,
        coalesce(community.activity_checkins, 0) as activity_checkins,
        coalesce(community.live_views, 0) as live_views,
        coalesce(community.coupon_claims, 0) as coupon_claims,
        coalesce(campaigns.campaign_sends, 0) as campaign_sends,
        coalesce(campaigns.campaign_opens, 0) as campaign_opens,
        coalesce(campaigns.campaign_clicks, 0) as campaign_clicks,
        dim_customers.clv_decile,
        dim_customers.p_alive,
        case when dim_customers.is_churn_warning then 1 else 0 end as is_churn_warning,
        {{ as_of }} as as_of_date
    from dim_customers
    left join customer_rfm
        on dim_customers.customer_id = customer_rfm.customer_id
    left join customer_tiers
        on dim_customers.customer_id = customer_tiers.customer_id
    left join purchase_measures
        on dim_customers.customer_id = purchase_measures.customer_id
    left join category_measures
        on dim_customers.customer_id = category_measures.customer_id
    left join preferences
        on dim_customers.customer_id = preferences.customer_id
    left join mall_behaviour
        on dim_customers.customer_id = mall_behaviour.customer_id
    left join wecom_contacts
        on dim_customers.customer_id = wecom_contacts.customer_id
    left join community
        on dim_customers.customer_id = community.customer_id
    left join current_groups
        on dim_customers.customer_id = current_groups.customer_id
    left join campaigns
        on dim_customers.customer_id = campaigns.customer_id
    left join stg_catalog__stores
        on dim_customers.home_store_id = stg_catalog__stores.store_id
    left join province_north_south
        on dim_customers.province = province_north_south.province
)

select * from final
