{#- Null-aware comparisons of two SQL expressions, portable (no IS DISTINCT FROM, no
    engine-specific least/greatest null rules). -#}

{#- True when both are equal or both are null. -#}
{% macro null_safe_equal(left, right) -%}
    (coalesce({{ left }} = {{ right }}, false) or ({{ left }} is null and {{ right }} is null))
{%- endmacro %}


{#- The smaller of the two, ignoring a null (null when both are). -#}
{% macro smaller_present(left, right) -%}
    case
        when {{ left }} is null then {{ right }}
        when {{ right }} is null or {{ left }} <= {{ right }} then {{ left }}
        else {{ right }}
    end
{%- endmacro %}


{#- The larger of the two, ignoring a null (null when both are). -#}
{% macro larger_present(left, right) -%}
    case
        when {{ left }} is null then {{ right }}
        when {{ right }} is null or {{ left }} >= {{ right }} then {{ left }}
        else {{ right }}
    end
{%- endmacro %}
