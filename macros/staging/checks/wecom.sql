{#- Value checks of the WeCom exports (see macros/staging/staging_checks.sql). Contacts
    are checked in base_wecom__contacts, which keeps the version of each contact that
    stg_wecom__contacts and stg_wecom__contact_remark_mobiles read. -#}

{% macro staging_spec_wecom__contacts() -%}
    {{ return({
        'name': 'wecom__contacts',
        'model': 'stg_wecom__contacts',
        'relation': source('wecom', 'contacts'),
        'key': [normalize_identifier('external_userid'), 'coalesce(' ~ clean_text('follow_userid') ~ ", '')"],
        'key_columns': ['external_userid', "coalesce(follow_userid, '')"],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('external_userid', 'external_userid', normalize_identifier('external_userid'), 'reject',
                'external_userid is a placeholder (null, 无, -, ...), not a WeCom contact id: the contact cannot be keyed; correct it and export the contact again.',
                blank_fails=true, issue='placeholder'),
            staging_check('added_at', 'added_at', epoch_seconds_to_utc('added_at'), 'null',
                'added_at is not ' ~ staging_reason('epoch_seconds') ~ '.'),
            staging_check('deleted_at', 'deleted_at', epoch_seconds_to_utc('deleted_at'), 'null',
                'deleted_at is not ' ~ staging_reason('epoch_seconds') ~ ': the contact reads as not deleted.'),
        ],
    }) }}
{%- endmacro %}

{% macro staging_spec_wecom__group_events() -%}
    {{ return({
        'name': 'wecom__group_events',
        'model': 'stg_wecom__group_events',
        'relation': source('wecom', 'group_events'),
        'key': [clean_text('event_id')],
        'key_columns': ['event_id'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('occurred_at', 'occurred_at', epoch_seconds_to_utc('occurred_at'), 'null',
                'occurred_at is not ' ~ staging_reason('epoch_seconds') ~ '.'),
            staging_accepted_check('event_type', 'event_type',
                ['join', 'leave', 'message', 'activity_signup', 'activity_checkin', 'live_view', 'coupon_claim'], 'keep',
                'event_type is not a community event type of the contract'),
        ],
    }) }}
{%- endmacro %}
