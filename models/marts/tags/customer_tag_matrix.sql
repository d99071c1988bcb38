{#- The tag matrix in wide form (标签宽表): one row per customer of customer_features,
    one column per tag of seed tag_definitions, as of D. The columns are generated from
    the catalogue when the model runs (macro tag_catalogue), each tag's rule compiled to
    one SQL expression over the features (macro tag_rule_sql), so a new catalogue row is
    a new column and the whole matrix is one pass over customer_features: a flag tag is
    true or false, a band tag holds its band code, a value tag its value (null when the
    customer does not carry it). customer_tags is this matrix in long form. -#}
-- depends_on: {{ ref('tag_definitions') }}
-- depends_on: {{ ref('tag_bands') }}
{%- set tags = tag_catalogue() %}

with customer_features as (
    select * from {{ ref('customer_features') }}
),

evaluated as (
    select
        customer_id,
        {%- for tag in tags %}
            {%- if tag.value_type == 'flag' %}
                coalesce({{ tag_rule_sql(tag) }}, false) as {{ tag.tag_code }},
            {%- else %}
                {{ tag_rule_sql(tag) }} as {{ tag.tag_code }},
            {%- endif %}
        {%- endfor %}
        as_of_date
    from customer_features
),

final as (
    select
        customer_id,
        {%- for tag in tags %}
            {{ tag.tag_code }},
        {%- endfor %}
        0
        {%- for tag in tags %}
            {%- if tag.value_type == 'flag' %}
                + case when {{ tag.tag_code }} then 1 else 0 end
            {%- else %}
                + case when {{ tag.tag_code }} is not null then 1 else 0 end
            {%- endif %}
        {%- endfor %} as tags_carried,
        as_of_date
    from evaluated
)

select * from final
