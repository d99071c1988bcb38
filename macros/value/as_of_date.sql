{#- The as-of date D of every point-in-time model, as an SQL date literal; never the
    machine's clock. D is the environment variable CRM_AS_OF when set (`crm build` sets
    it to the date it chose), else the var as_of_date.

    CRM_AS_OF is read only when SQL is compiled for a run (execute), never while dbt
    parses: dbt parses the whole project again whenever a var changes, and a build
    that passed D as a var would parse twice (staging, then everything after D is
    known), and again every night. Unit tests read only the var, which their overrides
    set. The Python models, whose config is fixed at parse time, read D from
    int_as_of_date. -#}
{% macro as_of_date() -%}
    {%- set from_environment = env_var('CRM_AS_OF', '') if execute and not in_unit_test() else '' -%}
    cast('{{ from_environment or var("as_of_date") }}' as date)
{%- endmacro %}

{#- True while dbt compiles a unit test (its inputs are fixtures, its vars its own). -#}
{% macro in_unit_test() -%}
    {{ return(model is mapping and model.get('resource_type') == 'unit_test') }}
{%- endmacro %}
