{#- The graph's integer node id of a typed identifier: the first 15 hex digits (60
    bits) of md5(`type:value`), as a bigint. Hashing (rather than numbering in order)
    spreads ids at random along any chain, which keeps the number of
    connected-components rounds low, and gives the same id to the same identifier in
    every run. md5 on every engine, never an engine's own hash function: the ids are
    the same on DuckDB, Spark and Postgres (so the graph, its labels and every table
    holding a node id are too), and an engine upgrade does not renumber the graph that
    int_customer_keys carries from run to run. Collisions are checked by a test on
    int_identifiers_profiled (one node id per identifier). -#}
{% macro identity_node_id(type_expr, value_expr) -%}
    {{ return(adapter.dispatch('identity_node_id', 'crm_warehouse')(type_expr, value_expr)) }}
{%- endmacro %}

{% macro default__identity_node_id(type_expr, value_expr) -%}
    cast(('x' || substr(md5({{ type_expr }} || ':' || {{ value_expr }}), 1, 15))::bit(60) as bigint)
{%- endmacro %}

{% macro duckdb__identity_node_id(type_expr, value_expr) -%}
    cast('0x' || substr(md5({{ type_expr }} || ':' || {{ value_expr }}), 1, 15) as bigint)
{%- endmacro %}

{% macro spark__identity_node_id(type_expr, value_expr) -%}
    cast(conv(substr(md5(concat({{ type_expr }}, ':', {{ value_expr }})), 1, 15), 16, 10) as bigint)
{%- endmacro %}
