{#- Regular expressions differ by engine: DuckDB and Postgres take a 'g' flag to
    replace every match, Spark replaces every match by default and has no flags.
    Spark's (Java's) patterns know no POSIX bracket classes ([[:space:]] would be the
    letters s, p, a, c, e) and its string literals read a backslash as an escape:
    spark_regex_literal writes a pattern for it. -#}

{% macro spark_regex_literal(pattern) -%}
    '{{ pattern | replace("\\", "\\\\") | replace("'", "\\'") | replace("[:space:]", "\\\\p{Space}") }}'
{%- endmacro %}

{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'crm_warehouse')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ spark_regex_literal(pattern) }}, '{{ replacement }}')
{%- endmacro %}


{#- True when the whole of expr matches pattern (the pattern is anchored here). -#}
{% macro regexp_full_match(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'crm_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(expr, pattern) -%}
    ({{ expr }} ~ '^(?:{{ pattern }})$')
{%- endmacro %}

{% macro duckdb__regexp_full_match(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regexp_full_match(expr, pattern) -%}
    ({{ expr }} rlike {{ spark_regex_literal('^(?:' ~ pattern ~ ')$') }})
{%- endmacro %}


{#- As regexp_full_match, with the pattern taken from a column or expression
    (e.g. a seed of patterns) instead of a literal. -#}
{% macro regexp_full_match_expr(expr, pattern_expr) -%}
    {{ return(adapter.dispatch('regexp_full_match_expr', 'crm_warehouse')(expr, pattern_expr)) }}
{%- endmacro %}

{% macro default__regexp_full_match_expr(expr, pattern_expr) -%}
    ({{ expr }} ~ ('^(?:' || {{ pattern_expr }} || ')$'))
{%- endmacro %}

{% macro duckdb__regexp_full_match_expr(expr, pattern_expr) -%}
    regexp_full_match({{ expr }}, {{ pattern_expr }})
{%- endmacro %}

{% macro spark__regexp_full_match_expr(expr, pattern_expr) -%}
    ({{ expr }} rlike concat('^(?:', {{ pattern_expr }}, ')$'))
{%- endmacro %}
