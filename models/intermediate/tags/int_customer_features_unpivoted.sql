{#- The features of customer_features in long form, the shape the tag rules are
    evaluated on: one row per customer and non-null feature. A numeric feature fills
    number_value and its text form; a text feature fills text_value only. The feature
    list is macro tag_feature_columns(). -#}

with customer_features as (
    select * from {{ ref('customer_features') }}
),

unpivoted as (
    {%- for feature in tag_feature_columns() %}
        select
            customer_id,
            '{{ feature.name }}' as feature_code,
            {%- if feature.kind == 'number' %}
                cast({{ feature.name }} as {{ dbt.type_numeric() }}) as number_value,
                cast({{ feature.name }} as {{ dbt.type_string() }}) as text_value
            {%- else %}
                cast(null as {{ dbt.type_numeric() }}) as number_value,
                cast({{ feature.name }} as {{ dbt.type_string() }}) as text_value
            {%- endif %}
        from customer_features
        where {{ feature.name }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from unpivoted
