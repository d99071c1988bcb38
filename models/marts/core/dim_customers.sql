{%- set as_of = as_of_date() %}

with int_customers_golden as (
    select * from {{ ref('int_customers_golden') }}
),

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

customer_lifecycle as (
    select * from {{ ref('customer_lifecycle') }}
    where window_months = {{ var('lifecycle_default_window') }}
),

customer_tiers as (
    select * from {{ ref('customer_tiers') }}
),

customer_clv as (
    select * from {{ ref('customer_clv') }}
),

customer_churn_warning as (
    select * from {{ ref('customer_churn_warning') }}
),

purchases as (
    select
        customer_id,
        count(*) as purchases,
        sum(net_amount) as net_spend,
        min(order_date) as first_purchase_date,
        max(order_date) as last_purchase_date,
        max(case when channel = 'store' then 1 else 0 end) = 1 as has_store_purchase,
        max(case when channel = 'mall' then 1 else 0 end) = 1 as has_mall_purchase
    from fct_orders
    where
        is_purchase
        and customer_id is not null
    group by 1
),

orders as (
    select
        customer_id,
        count(*) as orders
    from fct_orders
    where
        is_sale
        and customer_id is not null
    group by 1
),

final as (
    select
        golden.customer_id,
        {{ mask_name('golden.customer_name') }} as customer_name_masked,
        {{ mask_mobile('golden.mobile') }} as mobile_masked,
        {{ keyed_hash('golden.mobile') }} as mobile_key,
        {{ mask_email('golden.email') }} as email_masked,
        {{ keyed_hash('golden.email') }} as email_key,
        golden.gender,
        golden.home_store_id,
        customer_rfm.rfm_segment,
        customer_lifecycle.lifecycle_stage,
        customer_tiers.tier_code,
        golden.province,
        golden.region,
        case
            when purchases.has_store_purchase and purchases.has_mall_purchase then 'omnichannel'
            when purchases.has_store_purchase then 'store'
            when purchases.has_mall_purchase then 'mall'
            else 'none'
        end as purchase_channels,
        golden.identifiers,
        golden.member_cards,
        golden.mall_accounts,
        golden.wecom_contacts,
        coalesce(orders.orders, 0) as orders,
        coalesce(purchases.purchases, 0) as purchases,
        coalesce(purchases.net_spend, 0) as net_spend,
        customer_clv.clv_decile,
        customer_clv.p_alive,
        customer_clv.clv_12m,
        (golden.member_cards > 0) as is_member,
        (golden.mall_accounts > 0) as is_mall_user,
        (golden.wecom_contacts > 0) as is_wecom_contact,
        (golden.unionids > 0) as has_unionid,
        (purchases.customer_id is null) as is_prospect,
        (customer_churn_warning.customer_id is not null) as is_churn_warning,
        cast(extract(month from golden.birth_date) as {{ dbt.type_int() }}) as birth_month,
        golden.baby_birth_date,
        {{ utc_to_business_date('golden.first_seen_at') }} as first_seen_date,
        purchases.first_purchase_date,
        purchases.last_purchase_date,
        {{ as_of }} as as_of_date
    from int_customers_golden as golden
    left join purchases
        on golden.customer_id = purchases.customer_id
    left join orders
        on golden.customer_id = orders.customer_id
    left join customer_rfm
        on golden.customer_id = customer_rfm.customer_id
    left join customer_lifecycle
        on golden.customer_id = customer_lifecycle.customer_id
    left join customer_tiers
        on golden.customer_id = customer_tiers.customer_id
    left join customer_clv
        on golden.customer_id = customer_clv.customer_id
    left join customer_churn_warning
        on golden.customer_id = customer_churn_warning.customer_id
)

select * from final
