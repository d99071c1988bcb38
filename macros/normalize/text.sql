{#- Text clean-up shared by every staging model. -#}

{#- Trim (full-width spaces too), fold inner runs of white space to one space,
    blank to null. -#}
{% macro clean_text(expr) -%}
    nullif(trim({{ regexp_replace_all(_fullwidth_to_ascii(expr), '[[:space:]]+', ' ') }}), '')
{%- endmacro %}

{#- A code from a short list (status, order_type, channel...): trimmed, lower case. -#}
{% macro clean_code(expr) -%}
    lower({{ clean_text(expr) }})
{%- endmacro %}

{#- Identifiers that are case- and space-noisy in exports (WeChat unionid and
    openid, WeCom external_userid): all white space removed, lower case, and the
    placeholder words of the mobile rules read as null. Card numbers, order numbers
    and SKUs keep their case and leading zeros: use clean_text for them. -#}
{% macro normalize_identifier(expr) -%}
    {%- set words = var('mobile_placeholder_words') | map('lower') | list -%}
    {%- set squeezed = "lower(" ~ regexp_replace_all(_fullwidth_to_ascii(expr), '[[:space:]]+', '') ~ ")" -%}
    case
        when {{ squeezed }} in ('', 'null'
            {%- for w in words %}, '{{ w }}'{% endfor -%}
        ) then null
        else {{ squeezed }}
    end
{%- endmacro %}

{#- Email: trimmed, lower case; null unless it looks like local@domain.tld. An
    erasure tombstone (`erased-<16 hex>`, see normalize_mobile) is kept as it is: an
    opaque identifier that still links the records which shared the erased email,
    never an address (models that show or contact an email skip it). -#}
{% macro normalize_email(expr) -%}
    {%- set cleaned = "lower(" ~ regexp_replace_all(_fullwidth_to_ascii(expr), '[[:space:]]+', '') ~ ")" -%}
    case
        when {{ regexp_full_match(cleaned, '[^@]+@[^@.]+([.][^@.]+)+') }} then {{ cleaned }}
        when {{ is_erasure_tombstone(expr) }} then trim({{ expr }})
    end
{%- endmacro %}

{#- Booleans arrive as 1/0, Y/N, yes/no, true/false, T/F, 是/否; anything else is null. -#}
{% macro normalize_boolean(expr) -%}
    case
        when lower(trim({{ expr }})) in ('1', 'y', 'yes', 'true', 't', '是') then true
        when lower(trim({{ expr }})) in ('0', 'n', 'no', 'false', 'f', '否') then false
    end
{%- endmacro %}

{#- Gender: M, F, 男, 女, male, female (any case) to M / F; anything else is null. -#}
{% macro normalize_gender(expr) -%}
    case
        when lower(trim({{ expr }})) in ('m', 'male', '男') then 'M'
        when lower(trim({{ expr }})) in ('f', 'female', '女') then 'F'
    end
{%- endmacro %}
