{#- Seeds on Spark. dbt-spark 1.11's session connection pastes each CSV value into the
    insert as '<value>' without escaping (a quote in "Can't lose them" breaks the
    statement) and writes an empty cell as the text 'None'; and the project's
    column_types say varchar, which Spark refuses without a length. These two
    overrides (found first through the dispatch search order in dbt_project.yml)
    map varchar to string and write the values as escaped SQL literals, nulls as
    null. -#}

{% macro spark_seed_column_types(model) -%}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- for column_name, column_type in column_types.items() -%}
        {%- if column_type | lower in ('varchar', 'text') -%}
            {%- do column_types.update({column_name: 'string'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(column_types) }}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) -%}
    {%- set column_types = spark_seed_column_types(model) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', none) -%}
    {%- set sql -%}
        create table {{ this.render() }} (
            {%- for column_name in agate_table.column_names -%}
                {{ adapter.quote_seed_column(column_name | string, quote_seed_column) }}
                {{ column_types.get(column_name, adapter.convert_type(agate_table, loop.index0)) }}{{ ',' if not loop.last }}
            {%- endfor -%}
        )
        {{ file_format_clause() }}
        {{ comment_clause() }}
    {%- endset -%}
    {%- call statement('_') -%}
        {{ sql }}
    {%- endcall -%}
    {{ return(sql) }}
{%- endmacro %}

{#- One CSV value as a Spark SQL literal. -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_types = spark_seed_column_types(model) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for column_name in agate_table.column_names -%}
                    {%- set column_type = column_types.get(column_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ spark_seed_literal(row[loop.index0]) }} as {{ column_type }}){{ ',' if not loop.last }}
                {%- endfor -%}
                ){{ ',' if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{%- endmacro %}
