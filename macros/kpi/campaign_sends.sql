{#- Campaign sends with the customer each recipient stitches to: by the recipient's
    unionid first (the WeChat identity a WeCom or mall-push message reaches), else by
    their mobile (SMS and email sends carry only a mobile), through
    pii.customer_identity_map; null when neither identifier belongs to a customer
    (quarantined, or never seen elsewhere). No personal data leaves this select. -#}
{% macro stitched_campaign_sends(sends, identity_map) -%}
    select
        sends.send_id,
        sends.campaign_id,
        coalesce(sends.variant, 'unknown') as variant,
        coalesce(by_unionid.customer_id, by_mobile.customer_id) as customer_id,
        coalesce(sends.is_control, false) as is_control,
        coalesce(sends.is_opened, false) as is_opened,
        coalesce(sends.is_clicked, false) as is_clicked,
        sends.sent_date,
        sends.sent_at
    from {{ sends }} as sends
    left join {{ identity_map }} as by_unionid
        on
            by_unionid.identifier_type = 'unionid'
            and sends.recipient_unionid = by_unionid.identifier_value
    left join {{ identity_map }} as by_mobile
        on
            by_mobile.identifier_type = 'mobile'
            and sends.recipient_mobile = by_mobile.identifier_value
{%- endmacro %}
