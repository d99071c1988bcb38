-- Every stitched identifier belongs to exactly one customer.
select
    identifier_type,
    identifier_value,
    count(*) as customers
from {{ ref('customer_identity_map') }}
group by 1, 2
having count(*) > 1
