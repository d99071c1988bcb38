with

source as (
    select * from {{ source('pos', 'members') }}
),

typed as (
    select
        {{ clean_text('member_card_no') }} as member_card_no,
        {{ clean_text('home_store_id') }} as home_store_id,
        {{ clean_text('name') }} as member_name,
        {{ normalize_mobile('mobile') }} as mobile,
        {{ mobile_quality('mobile') }} as mobile_quality,
        {{ normalize_gender('gender') }} as gender,
        {{ parse_local_date('birthday') }} as birth_date,
        {{ parse_local_date('baby_birthday') }} as baby_birth_date,
        {{ local_text_to_utc('registered_at') }} as registered_at,
        {{ local_text_to_utc('updated_at') }} as updated_at,
        {{ lineage_columns() }}
    from source
),

ranked as (
    select
        *,
        {{ version_rank('member_card_no', 'updated_at') }} as version_rank
    from typed
),

final as (
    select
        member_card_no,
        home_store_id,
        member_name,
        mobile,
        mobile_quality,
        gender,
        birth_date,
        baby_birth_date,
        {{ utc_to_business_date('registered_at') }} as registered_date,
        registered_at,
        updated_at,
        {{ lineage_columns() }}
    from ranked
    where version_rank = 1
)

select * from final
