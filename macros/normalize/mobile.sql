{#- Mainland mobile numbers, by the contract's rules (channel-exports.md):
    full-width digits become ASCII; spaces, hyphens, dots and brackets go; a +86,
    0086 or 86 country prefix goes; what is left is valid when it matches
    1[3-9] followed by nine digits and is not a placeholder.

    mobile_quality(expr) says why:  valid | missing | erased | placeholder | invalid
    normalize_mobile(expr) gives the 11 digits when valid, the tombstone when
    erased, else null.

    erased: the erasure step (crm_warehouse/erasure.py) replaced the phone in raw by a
    tombstone `erased-<16 hex>`. It is kept as it is, an opaque identifier: the
    records that shared the erased phone still share it, so they stay one
    (de-identified) customer at the next build. It is never read as digits, so no
    placeholder or blocklist rule of a real phone applies to it, and models that show
    or contact a phone skip it (without_tombstone, macros/privacy/tombstones.sql). -#}

{% macro _fullwidth_to_ascii(expr) -%}
    translate({{ expr }}, '０１２３４５６７８９＋－（）　', '0123456789+-() ')
{%- endmacro %}

{#- The digits that remain once separators and the country prefix are removed. -#}
{% macro mobile_digits(expr) -%}
    {%- set stripped = regexp_replace_all(_fullwidth_to_ascii(expr), '[[:space:]().-]', '') -%}
    {%- set no_plus = regexp_replace_all(stripped, '^[+]', '') -%}
    case
        when {{ regexp_full_match(no_plus, '(0086|86)1[0-9]{10}') }}
            then {{ regexp_replace_all(no_plus, '^(0086|86)', '') }}
        else {{ no_plus }}
    end
{%- endmacro %}

{% macro mobile_quality(expr) -%}
    {%- set words = var('mobile_placeholder_words') | map('lower') | list -%}
    {%- set numbers = var('mobile_placeholders') -%}
    {%- set digits = mobile_digits(expr) -%}
    case
        when {{ expr }} is null or trim({{ _fullwidth_to_ascii(expr) }}) = '' then 'missing'
        when {{ is_erasure_tombstone(expr) }} then 'erased'
        when lower(trim({{ _fullwidth_to_ascii(expr) }})) in (
            {%- for w in words %}'{{ w }}'{{ ", " if not loop.last }}{% endfor -%}
        ) then 'placeholder'
        when ({{ digits }}) in (
            {%- for n in numbers %}'{{ n }}'{{ ", " if not loop.last }}{% endfor -%}
        ) then 'placeholder'
        when not {{ regexp_full_match(digits, '1[3-9][0-9]{9}') }} then 'invalid'
        {%- if var('mobile_flag_repeated_digits') %}
        when {{ regexp_full_match(digits, '1[3-9](0{9}|1{9}|2{9}|3{9}|4{9}|5{9}|6{9}|7{9}|8{9}|9{9})') }}
            then 'placeholder'
        {%- endif %}
        else 'valid'
    end
{%- endmacro %}

{% macro normalize_mobile(expr) -%}
    case
        when ({{ mobile_quality(expr) }}) = 'valid' then {{ mobile_digits(expr) }}
        when {{ is_erasure_tombstone(expr) }} then trim({{ expr }})
    end
{%- endmacro %}
