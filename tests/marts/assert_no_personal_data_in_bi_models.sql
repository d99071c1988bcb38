-- What BI reads (schema marts) carries no raw personal data: no column documented as
-- personal data (meta pii) and no column named like a raw identifier or name. Raw
-- values belong in the restricted pii schema.
{%- set documented = [] %}
{%- if execute %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.config.schema == 'marts' %}
        {%- for column in node.columns.values() if column.meta.get('pii') %}
            {%- do documented.append(node.name ~ '.' ~ column.name) %}
        {%- endfor %}
    {%- endfor %}
{%- endif %}

with marts_columns as (
    {{ schema_columns_sql('marts') }}
),

bi_columns as (
    select
        table_name,
        column_name
    from marts_columns
    where
        column_name in (
            'mobile', 'email', 'customer_name', 'member_name', 'contact_name', 'nickname',
            'identifier_value', 'unionid', 'openid', 'external_userid', 'member_card_no',
            'recipient_mobile', 'receiver_mobile', 'birthday'
        )
),

documented_pii as (
    select
        'documented' as table_name,
        'none' as column_name
    where 1 = 0
    {%- for item in documented %}
    union all
    select
        '{{ item.split(".")[0] }}' as table_name,
        '{{ item.split(".")[1] }}' as column_name
    {%- endfor %}
)

select * from bi_columns
union all
select * from documented_pii
