{#- The graph's integer node id of a typed identifier: a 63-bit hash of
    `type:value`. Hashing (rather than numbering in order) spreads ids at random along
    any chain, which keeps the number of connected-components rounds low, and gives
    the same id to the same identifier in every run. Collisions are checked by a test
    on int_identifiers_profiled (one node id per identifier). -#}
{% macro identity_node_id(type_expr, value_expr) -%}
    {{ return(adapter.dispatch('identity_node_id', 'crm_warehouse')(type_expr, value_expr)) }}
{%- endmacro %}

{% macro default__identity_node_id(type_expr, value_expr) -%}
    cast(('x' || substr(md5({{ type_expr }} || ':' || {{ value_expr }}), 1, 15))::bit(60) as bigint)
{%- endmacro %}

{% macro duckdb__identity_node_id(type_expr, value_expr) -%}
    cast(hash({{ type_expr }} || ':' || {{ value_expr }}) >> 1 as bigint)
{%- endmacro %}

{% macro spark__identity_node_id(type_expr, value_expr) -%}
    xxhash64(concat({{ type_expr }}, ':', {{ value_expr }}))
{%- endmacro %}
