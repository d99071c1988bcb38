{#- The features of marts.customer_features that tag rules read, as a list of
    {name, kind}: kind `number` (compared with range and band rules) or `text` (compared
    with `in` rules, or carried as the value of a value tag). The per-category
    features are generated from var tag_categories / tag_size_categories /
    tag_brand_categories, so a retailer's own categories need no SQL. A feature used
    by a rule must be listed here (a test checks every rule's feature exists). -#}
{% macro tag_feature_columns() -%}
    {%- set columns = [] -%}
    {%- for name in [
        'pregnancy_month', 'baby_age_months', 'tenure_months', 'birth_month',
        'is_birthday_month', 'r_score', 'f_score', 'm_score', 'purchases_lifetime',
        'net_spend_lifetime', 'aov_lifetime', 'purchases_12m', 'spend_12m', 'aov_12m',
        'discounted_purchase_share_12m', 'coupon_purchases_12m',
        'discount_only_purchases_12m', 'days_since_last_purchase', 'categories_bought_12m',
        'store_purchase_share', 'purchases_recent', 'mall_views_recent',
        'mall_carts_recent', 'views_without_purchase_recent', 'new_arrival_orders_recent',
        'wecom_active_contacts', 'wecom_removed_contacts', 'community_groups',
        'community_messages_per_week', 'activity_signups', 'activity_checkins',
        'live_views', 'coupon_claims', 'campaign_sends', 'campaign_opens',
        'campaign_clicks', 'clv_decile', 'p_alive', 'is_churn_warning'
    ] -%}
        {%- do columns.append({'name': name, 'kind': 'number'}) -%}
    {%- endfor -%}
    {%- for category_code in var('tag_categories') -%}
        {%- do columns.append({'name': 'orders_12m_' ~ category_code, 'kind': 'number'}) -%}
    {%- endfor -%}
    {%- for category_code in var('tag_brand_categories') -%}
        {%- do columns.append({'name': 'preferred_brand_share_' ~ category_code, 'kind': 'number'}) -%}
        {%- do columns.append({'name': 'preferred_brand_' ~ category_code, 'kind': 'text'}) -%}
    {%- endfor -%}
    {%- for category_code in var('tag_size_categories') -%}
        {%- do columns.append({'name': 'preferred_size_' ~ category_code, 'kind': 'text'}) -%}
    {%- endfor -%}
    {%- for name in [
        'gender', 'lifecycle_stage', 'rfm_segment', 'tier_code', 'purchase_channel_mix',
        'province', 'north_south', 'region', 'home_store_id', 'home_store_type'
    ] -%}
        {%- do columns.append({'name': name, 'kind': 'text'}) -%}
    {%- endfor -%}
    {{- return(columns) -}}
{%- endmacro %}


{#- Rows of a seed or table as a list of dicts, read when the model runs; an empty
    list while dbt only parses or compiles against a database where the relation does
    not exist yet (sqlfluff's lint, `dbt compile` on a fresh file). The catalogue-driven
    models (customer_tag_matrix, the wide/long test) use it to generate one column per
    tag. -#}
{% macro relation_rows(relation, columns, order_by) -%}
    {%- if not execute -%}
        {{- return([]) -}}
    {%- endif -%}
    {%- set existing = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) -%}
    {%- if existing is none -%}
        {{- return([]) -}}
    {%- endif -%}
    {%- set result = run_query(
        'select ' ~ columns | join(', ') ~ ' from ' ~ existing ~ ' order by ' ~ order_by
    ) -%}
    {%- set rows = [] -%}
    {%- for row in result.rows -%}
        {%- set item = {} -%}
        {%- for column in columns -%}
            {%- do item.update({column: row[loop.index0]}) -%}
        {%- endfor -%}
        {%- do rows.append(item) -%}
    {%- endfor -%}
    {{- return(rows) -}}
{%- endmacro %}


{#- Whole months completed from start_date to end_date (0 until the first
    "monthiversary"; a child born 2024-01-31 is 1 month old on 2024-02-29, the clamped
    month end, and on 2024-03-01 still 1). Null when either date is null. -#}
{% macro completed_months(start_date, end_date) -%}
    (
        {{ dbt.datediff(start_date, end_date, 'month') }}
        - case
            when {{ dbt.dateadd('month', dbt.datediff(start_date, end_date, 'month'), start_date) }}
                > {{ end_date }}
                then 1
            else 0
        end
    )
{%- endmacro %}


{#- The audiences (codes) that use a sensitive tag in a positive condition: a select
    over the conditions and definitions relations (or CTE names) given. -#}
{% macro audiences_using_sensitive_tags(conditions, definitions) -%}
    select distinct conditions.audience_code
    from {{ conditions }} as conditions
    inner join {{ definitions }} as definitions
        on conditions.tag_code = definitions.tag_code
    where
        definitions.is_sensitive
        and not conditions.is_negated
{%- endmacro %}
