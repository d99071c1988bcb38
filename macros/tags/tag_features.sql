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


{#- Rows of a seed or model of this project (by name) as a list of dicts, read when
    the model runs; an empty list while dbt only parses or compiles against a database
    where the relation does not exist yet (sqlfluff's lint, `dbt compile` on a fresh
    file). The relation is found in the project graph, not through ref(), so the rows
    are the real ones in a unit test too (a unit test's ref() is its fixture; there,
    where dbt gives no graph, a seed is looked up in the seeds' schema `reference` of
    dbt_project.yml). A model calling this declares the dependency with a
    `-- depends_on: ref(...)` comment. The catalogue-driven models
    (customer_tag_matrix, customer_tags) use it to generate one column or one select
    per tag. -#}
{% macro relation_rows(name, columns, order_by) -%}
    {%- if not execute -%}
        {{- return([]) -}}
    {%- endif -%}
    {%- if graph.nodes is defined -%}
        {%- set nodes = graph.nodes.values()
            | selectattr('resource_type', 'in', ['seed', 'model'])
            | selectattr('name', 'equalto', name) | list -%}
        {%- if nodes | length != 1 -%}
            {{ exceptions.raise_compiler_error('relation_rows: no single seed or model named ' ~ name) }}
        {%- endif -%}
        {%- set location = {'database': nodes[0].database, 'schema': nodes[0].schema, 'identifier': nodes[0].alias} -%}
    {%- else -%}
        {%- set location = {
            'database': target.database,
            'schema': generate_schema_name('reference', none),
            'identifier': name
        } -%}
    {%- endif -%}
    {%- set existing = adapter.get_relation(
        database=location.database, schema=location.schema, identifier=location.identifier
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


{#- The tag catalogue as the rule engine reads it: the rows of seed tag_definitions
    (ordered by dimension, then tag code: the column order of the wide matrix), each
    with its bands of seed tag_bands (ordered by band_order) under `bands`. -#}
{% macro tag_catalogue() -%}
    {%- set tags = relation_rows(
        'tag_definitions',
        ['tag_code', 'dimension', 'value_type', 'feature_code', 'rule_operator',
         'min_value', 'max_value', 'match_value', 'is_sensitive'],
        'dimension, tag_code'
    ) -%}
    {%- set bands = relation_rows(
        'tag_bands', ['tag_code', 'band_code', 'min_value', 'max_value'], 'tag_code, band_order'
    ) -%}
    {%- for tag in tags -%}
        {%- do tag.update({'bands': bands | selectattr('tag_code', 'equalto', tag.tag_code) | list}) -%}
    {%- endfor -%}
    {{- return(tags) -}}
{%- endmacro %}


{#- `min_value <= feature < max_value`, a blank bound open (both blank: the feature is
    present). Null when the feature is null. -#}
{% macro tag_bounds_condition(feature, min_value, max_value) -%}
    {%- set parts = [] -%}
    {%- if min_value is not none -%}
        {%- do parts.append(feature ~ ' >= ' ~ min_value) -%}
    {%- endif -%}
    {%- if max_value is not none -%}
        {%- do parts.append(feature ~ ' < ' ~ max_value) -%}
    {%- endif -%}
    {%- if parts | length == 0 -%}
        {%- do parts.append(feature ~ ' is not null') -%}
    {%- endif -%}
    ({{ parts | join(' and ') }})
{%- endmacro %}


{#- A catalogue tag's rule as SQL over the feature columns of customer_features (the
    operators of seed tag_definitions):
    - range, a flag: min_value <= feature < max_value (a blank bound is open);
    - in, a flag: the feature's text is one of match_value's '|'-separated values;
    - band: the code of the band of seed tag_bands whose [min_value, max_value) holds
      the feature (bands in band_order; the first that holds it);
    - value: the feature itself, as text.
    A flag rule is a condition (true, false, or null when the feature is null); a band
    or value rule is the tag value, null when the customer does not carry the tag. -#}
{% macro tag_rule_sql(tag) -%}
    {%- set feature = tag.feature_code -%}
    {%- if tag.rule_operator == 'range' -%}
        {{ tag_bounds_condition(feature, tag.min_value, tag.max_value) }}
    {%- elif tag.rule_operator == 'in' -%}
        {%- set listed = [] -%}
        {%- for value in tag.match_value.split('|') -%}
            {%- do listed.append("'" ~ value | replace("'", "''") ~ "'") -%}
        {%- endfor -%}
        (cast({{ feature }} as {{ dbt.type_string() }}) in ({{ listed | join(', ') }}))
    {%- elif tag.rule_operator == 'band' and tag.bands | length == 0 -%}
        cast(null as {{ dbt.type_string() }})
    {%- elif tag.rule_operator == 'band' -%}
        case
            {%- for band in tag.bands %}
                when {{ tag_bounds_condition(feature, band.min_value, band.max_value) }}
                    then '{{ band.band_code }}'
            {%- endfor %}
        end
    {%- elif tag.rule_operator == 'value' -%}
        cast({{ feature }} as {{ dbt.type_string() }})
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            'tag ' ~ tag.tag_code ~ ': unknown rule_operator ' ~ tag.rule_operator) }}
    {%- endif -%}
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
