{#- Personal data in BI-facing models: a masked form for people to read and a keyed
    hash to join on. Raw values live only in the restricted `pii` schema. -#}

{#- HMAC-SHA256 (hex) of the value, keyed with the secret in CRM_HASH_SECRET. The
    key is never written into SQL: on DuckDB the function crm_keyed_hash is defined
    by the dbt-duckdb plugin crm_warehouse.duckdb_udfs (DuckDB's sha256 over the key's
    pads, held in session variables); on Postgres the key is the
    session setting crm.hash_secret (pgcrypto). -#}
{% macro keyed_hash(expr) -%}
    {{ return(adapter.dispatch('keyed_hash', 'crm_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__keyed_hash(expr) -%}
    {{ exceptions.raise_compiler_error("keyed_hash has no implementation for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__keyed_hash(expr) -%}
    crm_keyed_hash({{ expr }})
{%- endmacro %}

{% macro postgres__keyed_hash(expr) -%}
    encode(hmac({{ expr }}, current_setting('crm.hash_secret'), 'sha256'), 'hex')
{%- endmacro %}

{#- 13812345678 -> 138****5678 -#}
{% macro mask_mobile(expr) -%}
    case when {{ expr }} is not null then substr({{ expr }}, 1, 3) || '****' || substr({{ expr }}, 8, 4) end
{%- endmacro %}

{#- jane.doe@example.com -> j***@example.com -#}
{% macro mask_email(expr) -%}
    case
        when {{ expr }} is not null
            then substr({{ expr }}, 1, 1) || '***' || substr({{ expr }}, {{ dbt.position("'@'", expr) }})
    end
{%- endmacro %}

{#- 张小红 -> 张**, Anna Li -> A******: the first character, then one * per character -#}
{% macro mask_name(expr) -%}
    case
        when {{ expr }} is not null
            then substr({{ expr }}, 1, 1) || repeat('*', {{ dbt.length(expr) }} - 1)
    end
{%- endmacro %}
