with

base_contacts as (
    select * from {{ ref('base_wecom__contacts') }}
),

final as (
    select
        contact_id,
        external_userid,
        follow_userid,
        unionid,
        store_id,
        contact_name,
        (deleted_at is not null) as is_deleted,
        {{ utc_to_business_date('added_at') }} as added_date,
        {{ utc_to_business_date('deleted_at') }} as deleted_date,
        added_at,
        deleted_at,
        {{ lineage_columns() }}
    from base_contacts
)

select * from final
