{#- Value checks of the marketing exports (see macros/staging/staging_checks.sql). -#}

{% macro staging_spec_marketing__campaigns() -%}
    {{ return({
        'name': 'marketing__campaigns',
        'model': 'stg_marketing__campaigns',
        'relation': source('marketing', 'campaigns'),
        'key': [clean_text('campaign_id')],
        'key_columns': ['campaign_id'],
        'newest_first_column': none,
        'newest_first': none,
        'checks': [
            staging_check('campaign_cost', 'cost', parse_yuan('cost'), 'null',
                'cost is not ' ~ staging_reason('yuan') ~ ': the campaign has no ROI.'),
            staging_check('start_at', 'start_at', local_text_to_utc('start_at'), 'null',
                'start_at is not ' ~ staging_reason('local_datetime') ~ '.'),
            staging_check('end_at', 'end_at', local_text_to_utc('end_at'), 'null',
                'end_at is not ' ~ staging_reason('local_datetime') ~ '.'),
            staging_accepted_check('channel', 'channel', ['sms', 'wecom', 'mall_push', 'email'], 'keep',
                'channel is not a campaign channel of the contract'),
            staging_accepted_check('objective', 'objective',
                ['welcome', 'nurture', 'upsell', 'wake_up', 'win_back', 'birthday', 'promotion'], 'keep',
                'objective is not a campaign objective of the contract'),
        ],
    }) }}
{%- endmacro %}

{#- A send has no id in the export: its key is campaign, recipient and send time (the
    parts stg_marketing__campaign_sends hashes into send_id). -#}
{% macro staging_spec_marketing__campaign_sends() -%}
    {{ return({
        'name': 'marketing__campaign_sends',
        'model': 'stg_marketing__campaign_sends',
        'relation': source('marketing', 'campaign_sends'),
        'key': [
            clean_text('campaign_id'),
            'coalesce(' ~ normalize_mobile('recipient_mobile') ~ ', ' ~ clean_text('recipient_mobile') ~ ')',
            normalize_identifier('recipient_unionid'),
            local_text_to_utc('sent_at'),
        ],
        'key_pii': true,
        'key_columns': ['send_id'],
        'newest_first': none,
        'newest_first_column': none,
        'checks': [
            staging_check('sent_at', 'sent_at', local_text_to_utc('sent_at'), 'reject',
                'sent_at is not ' ~ staging_reason('local_datetime') ~ ': the send cannot be told apart from other sends of the campaign to the recipient, nor attributed; correct it and export the send again.',
                blank_fails=true),
            staging_check('opened_at', 'opened_at', local_text_to_utc('opened_at'), 'null',
                'opened_at is not ' ~ staging_reason('local_datetime') ~ ': the send reads as not opened.'),
            staging_check('clicked_at', 'clicked_at', local_text_to_utc('clicked_at'), 'null',
                'clicked_at is not ' ~ staging_reason('local_datetime') ~ ': the send reads as not clicked.'),
            staging_accepted_check('variant', 'variant', ['a', 'b', 'control'], 'keep',
                'variant is not a variant of the contract (A, B, control)'),
        ],
    }) }}
{%- endmacro %}
