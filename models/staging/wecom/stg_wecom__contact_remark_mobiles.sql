-- One row per phone a guide typed into a contact's remark (zero or more, joined by
-- ';' or ','), normalised. These are weak identifiers: what a guide typed, not
-- necessarily the customer's own number.
with

base_contacts as (
    select * from {{ ref('base_wecom__contacts') }}
),

split as (
    select
        base_contacts.contact_id,
        base_contacts.external_userid,
        base_contacts.follow_userid,
        part.position_in_remark,
        {{ normalize_mobile('part.remark_mobile') }} as mobile,
        {{ mobile_quality('part.remark_mobile') }} as mobile_quality
    from base_contacts
    {{ join_split_parts('base_contacts.remark_mobiles', '[;,；，]', 'part', 'remark_mobile', 'position_in_remark') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(['contact_id', "'|'", dbt.safe_cast('position_in_remark', dbt.type_string())])) }} as contact_remark_mobile_id,
        contact_id,
        external_userid,
        follow_userid,
        mobile,
        mobile_quality,
        position_in_remark
    from split
    where mobile_quality != 'missing'
)

select * from final
