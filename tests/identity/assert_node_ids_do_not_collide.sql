-- The 63-bit node id of an identifier is a hash: two identifiers must never share one.
select
    node_id,
    count(*) as identifiers
from (
    select distinct
        node_id,
        identifier_type,
        identifier_value
    from {{ ref('int_identifier_occurrences') }}
) as identifiers
group by 1
having count(*) > 1
