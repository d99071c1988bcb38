{#- Privacy exports name a person by (identifier_type, identifier_value): normalise
    the value by the rule of its type, so it joins to the identifiers of staging. -#}
{% macro normalize_typed_identifier(type_expr, value_expr) -%}
    case lower(trim({{ type_expr }}))
        when 'mobile' then {{ normalize_mobile(value_expr) }}
        when 'email' then {{ normalize_email(value_expr) }}
        when 'unionid' then {{ normalize_identifier(value_expr) }}
    end
{%- endmacro %}
