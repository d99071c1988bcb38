{#- The tag matrix in long form (标签长表): one row per customer and tag the customer
    carries, as of D; customer_tag_matrix unpivoted, one select per catalogue tag (seed
    tag_definitions, read when the model runs). A flag's value is 'true', a band's its
    band code, a value tag's the value. Adding a tag is one row in tag_definitions. -#}
-- depends_on: {{ ref('tag_definitions') }}
-- depends_on: {{ ref('tag_bands') }}
{%- set tags = tag_catalogue() %}

with customer_tag_matrix as (
    select * from {{ ref('customer_tag_matrix') }}
),

carried as (
    {%- for tag in tags %}
        select
            customer_id,
            '{{ tag.tag_code }}' as tag_code,
            {%- if tag.value_type == 'flag' %}
                'true' as tag_value,
            {%- else %}
                {{ tag.tag_code }} as tag_value,
            {%- endif %}
            '{{ tag.dimension }}' as dimension,
            '{{ tag.value_type }}' as value_type,
            {{ 'true' if tag.is_sensitive else 'false' }} as is_sensitive,
            as_of_date
        from customer_tag_matrix
        {%- if tag.value_type == 'flag' %}
            where {{ tag.tag_code }}
        {%- else %}
            where {{ tag.tag_code }} is not null
        {%- endif %}
        union all
    {%- endfor %}
    {#- the branch that ends the union (and the whole model before the catalogue is
        loaded): no rows #}
    select
        customer_id,
        cast(null as {{ dbt.type_string() }}) as tag_code,
        cast(null as {{ dbt.type_string() }}) as tag_value,
        cast(null as {{ dbt.type_string() }}) as dimension,
        cast(null as {{ dbt.type_string() }}) as value_type,
        cast(null as {{ dbt.type_boolean() }}) as is_sensitive,
        as_of_date
    from customer_tag_matrix
    where 1 = 0
)

select * from carried
