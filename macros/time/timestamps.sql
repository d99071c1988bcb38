{#- Time handling. Every *_at column downstream of staging is a UTC timestamp
    (without time zone); every *_date column is the business-time-zone date
    (var business_time_zone, default Asia/Shanghai). -#}

{#- Local wall-clock text in any of the formats POS, marketing, privacy and service
    exports use, to a timestamp without time zone (still local). Null when no format
    fits. Date-only text gives midnight. -#}
{% macro local_datetime_formats() -%}
    {{ return([
        '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M',
        '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y%m%d%H%M%S', '%Y%m%d %H:%M:%S',
        '%Y-%m-%d', '%Y/%m/%d', '%Y%m%d',
    ]) }}
{%- endmacro %}

{% macro parse_local_datetime(expr) -%}
    {{ return(adapter.dispatch('parse_local_datetime', 'crm_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__parse_local_datetime(expr) -%}
    try_strptime(trim({{ expr }}), [
        {%- for f in local_datetime_formats() %}'{{ f }}'{{ ", " if not loop.last }}{% endfor -%}
    ])
{%- endmacro %}

{#- Spark: the same formats in Java's pattern letters. One-letter fields (M, d, H, m,
    s) read one or two digits, as DuckDB's %m, %d, %H, %M, %S do; the compact formats
    keep fixed widths. The first format that parses wins, as in try_strptime. -#}
{% macro spark_local_datetime_formats() -%}
    {{ return([
        'y-M-d H:m:s', 'y-M-d H:m', "y-M-d'T'H:m:s", "y-M-d'T'H:m",
        'y/M/d H:m:s', 'y/M/d H:m', 'yyyyMMddHHmmss', 'yyyyMMdd H:m:s',
        'y-M-d', 'y/M/d', 'yyyyMMdd',
    ]) }}
{%- endmacro %}

{% macro spark__parse_local_datetime(expr) -%}
    coalesce(
        {%- for f in spark_local_datetime_formats() %}
        try_to_timestamp(trim({{ expr }}), '{{ f | replace("'", "\\'") }}'){{ "," if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{% macro default__parse_local_datetime(expr) -%}
    {{ exceptions.raise_compiler_error(
        "parse_local_datetime has no implementation for adapter '" ~ adapter.type() ~
        "': add a " ~ adapter.type() ~ "__parse_local_datetime macro in macros/time/timestamps.sql"
    ) }}
{%- endmacro %}

{#- A local date in the same formats (birthdays, due dates). -#}
{% macro parse_local_date(expr) -%}
    cast({{ parse_local_datetime(expr) }} as date)
{%- endmacro %}

{#- A local timestamp (business time zone) to UTC. -#}
{% macro local_to_utc(ts) -%}
    {{ return(adapter.dispatch('local_to_utc', 'crm_warehouse')(ts)) }}
{%- endmacro %}

{% macro duckdb__local_to_utc(ts) -%}
    timezone('UTC', timezone('{{ var("business_time_zone") }}', {{ ts }}))
{%- endmacro %}

{% macro default__local_to_utc(ts) -%}
    (({{ ts }}) at time zone '{{ var("business_time_zone") }}' at time zone 'UTC')
{%- endmacro %}

{% macro spark__local_to_utc(ts) -%}
    to_utc_timestamp({{ ts }}, '{{ var("business_time_zone") }}')
{%- endmacro %}

{#- Local wall-clock text straight to a UTC timestamp. -#}
{% macro local_text_to_utc(expr) -%}
    {{ local_to_utc(parse_local_datetime(expr)) }}
{%- endmacro %}

{#- A UTC timestamp to its business-time-zone date. -#}
{% macro utc_to_business_date(ts) -%}
    {{ return(adapter.dispatch('utc_to_business_date', 'crm_warehouse')(ts)) }}
{%- endmacro %}

{% macro duckdb__utc_to_business_date(ts) -%}
    cast(timezone('{{ var("business_time_zone") }}', timezone('UTC', {{ ts }})) as date)
{%- endmacro %}

{% macro default__utc_to_business_date(ts) -%}
    cast((({{ ts }}) at time zone 'UTC' at time zone '{{ var("business_time_zone") }}') as date)
{%- endmacro %}

{% macro spark__utc_to_business_date(ts) -%}
    to_date(from_utc_timestamp({{ ts }}, '{{ var("business_time_zone") }}'))
{%- endmacro %}

{#- ISO 8601 text with an offset (Z, +08:00, +0800) to UTC. Text without an offset is
    read as business-local time. Null when unparseable. -#}
{% macro iso8601_to_utc(expr) -%}
    {{ return(adapter.dispatch('iso8601_to_utc', 'crm_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__iso8601_to_utc(expr) -%}
    case
        when {{ regexp_full_match('trim(' ~ expr ~ ')', '.*([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)') }}
            then timezone('UTC', try_cast(trim({{ expr }}) as timestamptz))
        else {{ local_to_utc('try_cast(trim(' ~ expr ~ ') as timestamp)') }}
    end
{%- endmacro %}

{#- Spark: a cast of text with an offset gives the instant; the session time zone is
    UTC (profiles.yml), so its wall clock is the UTC time. -#}
{% macro spark__iso8601_to_utc(expr) -%}
    case
        when {{ regexp_full_match('trim(' ~ expr ~ ')', '.*([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)') }}
            then cast(trim({{ expr }}) as timestamp)
        else {{ local_to_utc('cast(trim(' ~ expr ~ ') as timestamp)') }}
    end
{%- endmacro %}

{% macro default__iso8601_to_utc(expr) -%}
    {{ exceptions.raise_compiler_error(
        "iso8601_to_utc has no implementation for adapter '" ~ adapter.type() ~ "'"
    ) }}
{%- endmacro %}

{#- Unix epoch seconds / milliseconds (as text) to a UTC timestamp. Null when
    unparseable, and when the number is too large to be a time (|seconds| >= 1e11,
    beyond the year 5000): converting it would overflow and fail the whole query. -#}
{% macro epoch_seconds_to_utc(expr) -%}
    {{ return(adapter.dispatch('epoch_seconds_to_utc', 'crm_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__epoch_seconds_to_utc(expr) -%}
    {%- set seconds = dbt.safe_cast('trim(' ~ expr ~ ')', 'double') -%}
    case
        when abs({{ seconds }}) < 1e11
            then make_timestamp(cast({{ seconds }} * 1000000 as bigint))
    end
{%- endmacro %}

{% macro spark__epoch_seconds_to_utc(expr) -%}
    {%- set seconds = 'cast(trim(' ~ expr ~ ') as double)' -%}
    case
        when abs({{ seconds }}) < 1e11
            then timestamp_micros(cast(round({{ seconds }} * 1000000) as bigint))
    end
{%- endmacro %}

{% macro default__epoch_seconds_to_utc(expr) -%}
    {{ dbt.dateadd('second', dbt.safe_cast('trim(' ~ expr ~ ')', dbt.type_bigint()), "cast('1970-01-01' as timestamp)") }}
{%- endmacro %}

{% macro epoch_millis_to_utc(expr) -%}
    {{ return(adapter.dispatch('epoch_millis_to_utc', 'crm_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__epoch_millis_to_utc(expr) -%}
    {%- set millis = dbt.safe_cast('trim(' ~ expr ~ ')', dbt.type_bigint()) -%}
    case
        when abs({{ millis }}) < 100000000000000
            then make_timestamp({{ millis }} * 1000)
    end
{%- endmacro %}

{#- Spark: only whole numbers (a cast to bigint would truncate '1.5', which DuckDB's
    try_cast refuses). -#}
{% macro spark__epoch_millis_to_utc(expr) -%}
    case
        when trim({{ expr }}) rlike '^[+-]?[0-9]{1,14}$'
            then timestamp_micros(cast(trim({{ expr }}) as bigint) * 1000)
    end
{%- endmacro %}

{% macro default__epoch_millis_to_utc(expr) -%}
    {{ epoch_seconds_to_utc(dbt.safe_cast('trim(' ~ expr ~ ')', dbt.type_bigint()) ~ ' / 1000') }}
{%- endmacro %}
