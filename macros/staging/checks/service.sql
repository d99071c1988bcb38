{#- Value checks of the service exports (see macros/staging/staging_checks.sql). -#}

{% macro staging_spec_service__nps_responses() -%}
    {%- set score = parse_integer(clean_text('score')) -%}
    {{ return({
        'name': 'service__nps_responses',
        'model': 'stg_service__nps_responses',
        'relation': source('service', 'nps_responses'),
        'key': [clean_text('response_id')],
        'key_columns': ['response_id'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('score', 'score', score, 'null',
                'score is not a whole number from 0 to 10: the response counts as an invalid score (is_score_valid false).',
                invalid='coalesce(not ({v} between 0 and 10), true)', issue='out_of_range'),
            staging_check('responded_at', 'responded_at', local_text_to_utc('responded_at'), 'null',
                'responded_at is not ' ~ staging_reason('local_datetime') ~ '.'),
            staging_accepted_check('touchpoint', 'touchpoint', ['store', 'mall', 'wecom', 'service'], 'keep',
                'touchpoint is not a touchpoint of the contract'),
        ],
    }) }}
{%- endmacro %}
