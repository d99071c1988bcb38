{#- Whole numbers (line numbers, quantities, scores, fen) as text: an optional sign and
    digits, surrounding white space allowed. Anything else ('x3', '2.5', '1e3', '12,900')
    is null: a cast alone would round '2.5' to 3 or read '129.00' as 129. A number too
    large for the type is null too. -#}
{% macro parse_integer(expr, type=none) -%}
    case
        when {{ regexp_full_match('trim(' ~ expr ~ ')', '[+-]?[0-9]+') }}
            then {{ dbt.safe_cast('trim(' ~ expr ~ ')', type if type is not none else dbt.type_int()) }}
    end
{%- endmacro %}
