-- A send has no id in the export: it is identified by campaign, recipient and send
-- time. A re-export of the same send (e.g. once it was opened) supersedes the earlier.
-- Value checks: macros/staging/checks/marketing.sql
-- (staging_spec_marketing__campaign_sends, whose key is the parts hashed into
-- send_id); every failed check is listed in audit.staging_rejections. The parts hold
-- the recipient's phone, so send_id is a keyed hash (staging_pii_key): nobody holding
-- a phone number can recompute it without the warehouse secret.
{%- set spec = staging_spec_marketing__campaign_sends() %}

with

source as (
    select * from {{ source('marketing', 'campaign_sends') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_code('variant') }} as variant,
        {{ normalize_mobile('recipient_mobile') }} as recipient_mobile,
        {{ mobile_quality('recipient_mobile') }} as recipient_mobile_quality,
        {{ normalize_identifier('recipient_unionid') }} as recipient_unionid,
        {{ clean_text('recipient_mobile') }} as recipient_mobile_text,
        {{ staging_value(spec, 'sent_at') }} as sent_at,
        {{ staging_value(spec, 'opened_at') }} as opened_at,
        {{ staging_value(spec, 'clicked_at') }} as clicked_at,
        {{ staging_check_columns(spec) }},
        {{ lineage_columns() }}
    from parsed
),

keyed as (
    select
        *,
        {{ staging_pii_key(dbt.concat([
            'campaign_id', "'|'",
            "coalesce(recipient_mobile, recipient_mobile_text, '')", "'|'",
            "coalesce(recipient_unionid, '')", "'|'",
            "coalesce(" ~ dbt.safe_cast('sent_at', dbt.type_string()) ~ ", '')",
        ])) }} as send_id
    from typed
),

ranked as (
    select
        *,
        {{ staging_version_rank(spec) }} as _version_rank
    from keyed
),

final as (
    select
        send_id,
        campaign_id,
        variant,
        recipient_mobile,
        recipient_mobile_quality,
        recipient_unionid,
        coalesce(variant = 'control', false) as is_control,
        (opened_at is not null) as is_opened,
        (clicked_at is not null) as is_clicked,
        {{ utc_to_business_date('sent_at') }} as sent_date,
        sent_at,
        opened_at,
        clicked_at,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
