{#- Reason fragments shared by the staging check specs (what a readable value looks
    like), so that every export says it the same way. -#}
{% macro staging_reason(kind) -%}
    {%- set texts = {
        'local_datetime': 'a real date and time in a local format (2024-03-05 14:22:01, 2024/3/5 14:22, 20240305142201)',
        'local_date': 'a real date (1990-07-01, 1990/7/1 or 19900701)',
        'iso8601': 'a real ISO 8601 time with an offset (2024-03-05T14:22:01+08:00 or 2024-03-05T06:22:01Z)',
        'epoch_seconds': 'Unix epoch seconds (digits, e.g. 1709654399)',
        'epoch_millis': 'Unix epoch milliseconds (digits, e.g. 1709654399000)',
        'yuan': 'an amount in yuan (digits with an optional decimal point, thousands separators or a ¥ sign, e.g. 1,299.00)',
        'fen': 'an amount in fen, an integer of cents (12900 for 129.00 yuan; no decimal point, no separator)',
        'integer': 'a whole number (digits only)',
    } -%}
    {{ return(texts[kind]) }}
{%- endmacro %}
