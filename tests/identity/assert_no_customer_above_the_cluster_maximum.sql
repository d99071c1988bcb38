-- No stitched customer holds more identifiers than var identity_max_cluster_identifiers.
select
    customer_id,
    count(*) as identifiers
from {{ ref('customer_identity_map') }}
group by 1
having count(*) > {{ var('identity_max_cluster_identifiers') }}
