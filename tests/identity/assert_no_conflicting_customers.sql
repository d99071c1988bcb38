-- No customer holds two unionids or two WeCom external_userids (two WeChat people).
select
    customer_id,
    sum(case when identifier_type = 'unionid' then 1 else 0 end) as unionids,
    sum(case when identifier_type = 'external_userid' then 1 else 0 end) as external_userids
from {{ ref('customer_identity_map') }}
group by 1
having
    sum(case when identifier_type = 'unionid' then 1 else 0 end) > 1
    or sum(case when identifier_type = 'external_userid' then 1 else 0 end) > 1
