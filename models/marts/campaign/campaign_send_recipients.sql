{#- Every campaign send with the customer its recipient stitches to (macro
    stitched_campaign_sends: the recipient's unionid first, else their mobile, through
    pii.customer_identity_map), without the recipient's identifiers: what the
    campaign marts read, stitched once. One row per send_id. -#}

with stg_marketing__campaign_sends as (
    select * from {{ ref('stg_marketing__campaign_sends') }}
),

customer_identity_map as (
    select * from {{ ref('customer_identity_map') }}
),

final as (
    {{ stitched_campaign_sends('stg_marketing__campaign_sends', 'customer_identity_map') }}
)

select * from final
