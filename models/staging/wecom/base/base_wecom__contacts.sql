-- The latest export of each (customer, guide) contact, typed. A WeCom external_userid
-- names one customer across the company; each guide who added the customer has a
-- contact of their own, so the grain is external_userid x follow_userid.
-- Value checks: macros/staging/checks/wecom.sql (staging_spec_wecom__contacts); every
-- failed check is listed in audit.staging_rejections.
{%- set spec = staging_spec_wecom__contacts() %}

with

source as (
    select * from {{ source('wecom', 'contacts') }}
),

parsed as (
    select
        *,
        {{ staging_parsed_columns(spec) }}
    from source
),

typed as (
    select
        {{ staging_value(spec, 'external_userid') }} as external_userid,
        {{ clean_text('follow_userid') }} as follow_userid,
        {{ normalize_identifier('unionid') }} as unionid,
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('name') }} as contact_name,
        remark_mobiles,
        {{ staging_value(spec, 'added_at') }} as added_at,
        {{ staging_value(spec, 'deleted_at') }} as deleted_at,
        {{ staging_check_columns(spec) }},
        {{ lineage_columns() }}
    from parsed
),

ranked as (
    select
        *,
        {{ staging_version_rank(spec) }} as _version_rank
    from typed
),

final as (
    select
        {{ dbt.hash(dbt.concat(['external_userid', "'|'", "coalesce(follow_userid, '')"])) }} as contact_id,
        external_userid,
        follow_userid,
        unionid,
        store_id,
        contact_name,
        remark_mobiles,
        added_at,
        deleted_at,
        {{ lineage_columns() }}
    from ranked
    where {{ staging_is_kept(spec) }}
)

select * from final
