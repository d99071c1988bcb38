{#- The tag matrix in wide form (标签宽表): one row per customer of customer_features,
    one column per tag of seed tag_definitions (generated when the model runs, so a
    new catalogue row is a new column): a flag tag is true or false, a band tag holds
    its band code, a value tag its value (null when the customer does not carry it).
    Pivoted from customer_tags, so both forms agree by construction (and a test checks
    it). -#}
{%- set tags = relation_rows(ref('tag_definitions'), ['tag_code', 'value_type'], 'dimension, tag_code') %}

with customer_features as (
    select * from {{ ref('customer_features') }}
),

customer_tags as (
    select * from {{ ref('customer_tags') }}
),

pivoted as (
    select
        customer_id,
        {%- for tag in tags %}
            {%- if tag.value_type == 'flag' %}
                max(case when tag_code = '{{ tag.tag_code }}' then 1 else 0 end) = 1 as {{ tag.tag_code }},
            {%- else %}
                max(case when tag_code = '{{ tag.tag_code }}' then tag_value end) as {{ tag.tag_code }},
            {%- endif %}
        {%- endfor %}
        count(*) as tags_carried
    from customer_tags
    group by 1
),

final as (
    select
        customer_features.customer_id,
        {%- for tag in tags %}
            {%- if tag.value_type == 'flag' %}
                coalesce(pivoted.{{ tag.tag_code }}, false) as {{ tag.tag_code }},
            {%- else %}
                pivoted.{{ tag.tag_code }},
            {%- endif %}
        {%- endfor %}
        coalesce(pivoted.tags_carried, 0) as tags_carried,
        customer_features.as_of_date
    from customer_features
    left join pivoted
        on customer_features.customer_id = pivoted.customer_id
)

select * from final
