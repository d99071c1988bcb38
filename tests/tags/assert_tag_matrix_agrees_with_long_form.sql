{#- The wide and long forms hold the same tags: for every catalogue tag, the customers
    whose matrix column is true (flag) or not null (band, value), with that value,
    are exactly the (customer, tag, value) rows of customer_tags. Returns the
    differences. -#}
{%- set tags = relation_rows(ref('tag_definitions'), ['tag_code', 'value_type'], 'tag_code') %}

with customer_tag_matrix as (
    select * from {{ ref('customer_tag_matrix') }}
),

customer_tags as (
    select * from {{ ref('customer_tags') }}
),

wide_as_long as (
    {%- for tag in tags %}
        select
            customer_id,
            '{{ tag.tag_code }}' as tag_code,
            {%- if tag.value_type == 'flag' %}
                'true' as tag_value
            from customer_tag_matrix
            where {{ tag.tag_code }}
            {%- else %}
                cast({{ tag.tag_code }} as {{ dbt.type_string() }}) as tag_value
            from customer_tag_matrix
            where {{ tag.tag_code }} is not null
            {%- endif %}
        union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as tag_code,
        cast(null as {{ dbt.type_string() }}) as tag_value
    from customer_tag_matrix
    where false
),

long_form as (
    select
        customer_id,
        tag_code,
        tag_value
    from customer_tags
),

only_wide as (
    select
        wide_as_long.*,
        'in the matrix only' as problem
    from wide_as_long
    left join long_form
        on
            wide_as_long.customer_id = long_form.customer_id
            and wide_as_long.tag_code = long_form.tag_code
            and wide_as_long.tag_value = long_form.tag_value
    where long_form.customer_id is null
),

only_long as (
    select
        long_form.*,
        'in customer_tags only' as problem
    from long_form
    left join wide_as_long
        on
            long_form.customer_id = wide_as_long.customer_id
            and long_form.tag_code = wide_as_long.tag_code
            and long_form.tag_value = wide_as_long.tag_value
    where wide_as_long.customer_id is null
)

select * from only_wide
union all
select * from only_long
