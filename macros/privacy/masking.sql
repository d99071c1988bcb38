{#- Personal data in BI-facing models: a masked form for people to read and a keyed
    hash to join on. Raw values live only in the restricted `pii` schema. -#}

{#- HMAC-SHA256 (hex) of the value, keyed with the secret in CRM_HASH_SECRET. The
    key is never written into SQL: on DuckDB the function crm_keyed_hash is defined
    by the dbt-duckdb plugin crm_warehouse.duckdb_udfs (DuckDB's sha256 over the key's
    pads, held in session variables); on Postgres the key is the session setting
    crm.hash_secret (pgcrypto); on Spark, which has no hmac function, HMAC-SHA256 is
    spelled out as sha256(opad || sha256(ipad || value)) with the same pads
    (crm_warehouse.keyed_hash.hmac_pads, passed by `crm dbt`) handed to the session as
    settings by the profile: the SQL carries ${...} references that Spark substitutes,
    so the pads never appear in compiled SQL or dbt's logs. A session without the pads
    fails rather than hashing unkeyed. -#}
{% macro keyed_hash(expr) -%}
    {{ return(adapter.dispatch('keyed_hash', 'crm_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__keyed_hash(expr) -%}
    {{ exceptions.raise_compiler_error("keyed_hash has no implementation for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__keyed_hash(expr) -%}
    crm_keyed_hash({{ expr }})
{%- endmacro %}

{% macro spark__keyed_hash(expr) -%}
    case
        when length('${spark.crm.hash_ipad}') = 128 and length('${spark.crm.hash_opad}') = 128
            then sha2(
                concat(
                    unhex('${spark.crm.hash_opad}'),
                    unhex(sha2(concat(unhex('${spark.crm.hash_ipad}'), cast({{ expr }} as binary)), 256))
                ),
                256
            )
        else raise_error('keyed_hash: the session has no HMAC pads (spark.crm.hash_ipad / hash_opad): run dbt through `crm dbt`, or export CRM_HASH_IPAD and CRM_HASH_OPAD')
    end
{%- endmacro %}

{% macro postgres__keyed_hash(expr) -%}
    encode(hmac({{ expr }}, current_setting('crm.hash_secret'), 'sha256'), 'hex')
{%- endmacro %}

{#- SQL that calls the function crm_keyed_hash by name (the identity unit tests'
    expected keys) runs on Spark too: on-run-start defines it there as a temporary
    function of the session over spark__keyed_hash (a local session is shared by
    every dbt connection; the pads live in its memory only, never in the metastore).
    Other engines: nothing (DuckDB's plugin registers the function). -#}
{% macro register_keyed_hash_function() -%}
    {{ return(adapter.dispatch('register_keyed_hash_function', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__register_keyed_hash_function() -%}
{%- endmacro %}

{% macro spark__register_keyed_hash_function() -%}
    create or replace temporary function crm_keyed_hash(value string) returns string
    return {{ spark__keyed_hash('value') }}
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
