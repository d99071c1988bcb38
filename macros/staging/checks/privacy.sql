{#- Value checks of the privacy exports (see macros/staging/staging_checks.sql). No
    check rejects an erasure request: a person's request is never dropped. -#}

{% macro staging_spec_privacy__consents() -%}
    {{ return({
        'name': 'privacy__consents',
        'model': 'stg_privacy__consents',
        'relation': source('privacy', 'consents'),
        'key': [
            clean_code('identifier_type'),
            normalize_typed_identifier('identifier_type', 'identifier_value'),
            clean_code('channel'),
            local_text_to_utc('recorded_at'),
            clean_code('status'),
        ],
        'key_pii': true,
        'key_columns': ['consent_record_id'],
        'newest_first': none,
        'newest_first_column': none,
        'checks': [
            staging_accepted_check('consent_status', 'status', ['granted', 'withdrawn'], 'reject',
                'status is neither a grant nor a withdrawal, so the record cannot stand for the person and channel; correct it and export the record again',
                blank_fails=true),
            staging_check('identifier_value', 'identifier_value',
                normalize_typed_identifier('identifier_type', 'identifier_value'), 'keep',
                'identifier_value is not a valid value of its identifier_type (value not shown: personal data; see the raw row): the record matches nobody (is_identifier_valid false).',
                pii=true),
            staging_check('recorded_at', 'recorded_at', local_text_to_utc('recorded_at'), 'null',
                'recorded_at is not ' ~ staging_reason('local_datetime') ~ ': the record cannot be ordered against the other records of the person.'),
            staging_accepted_check('identifier_type', 'identifier_type', ['mobile', 'unionid', 'email'], 'keep',
                'identifier_type is not an identifier type of the contract'),
            staging_accepted_check('channel', 'channel', ['sms', 'wecom', 'email', 'mall_push', 'all'], 'keep',
                'channel is not a consent channel of the contract'),
        ],
    }) }}
{%- endmacro %}

{% macro staging_spec_privacy__erasure_requests() -%}
    {{ return({
        'name': 'privacy__erasure_requests',
        'model': 'stg_privacy__erasure_requests',
        'relation': source('privacy', 'erasure_requests'),
        'key': [clean_text('request_id')],
        'key_columns': ['request_id'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('identifier_value', 'identifier_value',
                normalize_typed_identifier('identifier_type', 'identifier_value'), 'keep',
                'identifier_value is not a valid value of its identifier_type (value not shown: personal data; see the raw row): the request matches nobody until it is corrected.',
                pii=true),
            staging_check('requested_at', 'requested_at', local_text_to_utc('requested_at'), 'null',
                'requested_at is not ' ~ staging_reason('local_datetime') ~ '.'),
        ],
    }) }}
{%- endmacro %}
