{#- Erasure tombstones. The erasure step (crm_warehouse/erasure.py) replaces an erased
    identifier in raw by a tombstone `erased-<16 hex>`, the same one for one value
    everywhere in a pass. Staging keeps a tombstone as an opaque identifier (a phone or
    email column keeps it too, with mobile_quality `erased`), so the records that shared
    the erased value stay linked; models that show or contact a phone or email read it
    through without_tombstone. -#}

{#- True when the text is a tombstone: `erased-` + 16 hex digits, exactly what
    erasure.py writes (`erased-hmac:<hash>`, an erasure request's own marker, is not
    one). -#}
{% macro is_erasure_tombstone(expr) -%}
    coalesce({{ regexp_full_match('trim(' ~ expr ~ ')', 'erased-[0-9a-f]{16}') }}, false)
{%- endmacro %}

{#- The value, or null when it is a tombstone: a phone or email that can be shown,
    masked, hashed for BI or contacted. -#}
{% macro without_tombstone(expr) -%}
    case when not {{ is_erasure_tombstone(expr) }} then {{ expr }} end
{%- endmacro %}
