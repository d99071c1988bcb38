-- The latest export of each (customer, guide) contact, typed. A WeCom external_userid
-- names one customer across the company; each guide who added the customer has a
-- contact of their own, so the grain is external_userid x follow_userid.
with

source as (
    select * from {{ source('wecom', 'contacts') }}
),

typed as (
    select
        {{ normalize_identifier('external_userid') }} as external_userid,
        {{ clean_text('follow_userid') }} as follow_userid,
        {{ normalize_identifier('unionid') }} as unionid,
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('name') }} as contact_name,
        remark_mobiles,
        {{ epoch_seconds_to_utc('added_at') }} as added_at,
        {{ epoch_seconds_to_utc('deleted_at') }} as deleted_at,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank("external_userid, coalesce(follow_userid, '')") }} as version_rank
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
    where version_rank = 1
)

select * from final
