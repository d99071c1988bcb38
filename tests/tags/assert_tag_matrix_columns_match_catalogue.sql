{#- Every tag of the catalogue has a column in customer_tag_matrix, and every column
    of the matrix (other than its key and bookkeeping columns) is a catalogue tag. -#}
{%- set matrix = ref('customer_tag_matrix') %}
{%- set matrix_columns = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(matrix) %}
        {%- do matrix_columns.append(column.name | lower) %}
    {%- endfor %}
{%- endif %}

with tag_definitions as (
    select * from {{ ref('tag_definitions') }}
),

matrix_columns as (
    {%- for column_name in matrix_columns %}
        select '{{ column_name }}' as column_name
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- else %}
        select '__matrix_not_built__' as column_name
    {%- endfor %}
),

tag_columns as (
    select column_name
    from matrix_columns
    where column_name not in ('customer_id', 'tags_carried', 'as_of_date')
),

missing_columns as (
    select
        tag_definitions.tag_code,
        'catalogue tag without a matrix column' as problem
    from tag_definitions
    left join tag_columns
        on lower(tag_definitions.tag_code) = tag_columns.column_name
    where tag_columns.column_name is null
),

unknown_columns as (
    select
        tag_columns.column_name as tag_code,
        'matrix column without a catalogue tag' as problem
    from tag_columns
    left join tag_definitions
        on tag_columns.column_name = lower(tag_definitions.tag_code)
    where tag_definitions.tag_code is null
)

select * from missing_columns
union all
select * from unknown_columns
