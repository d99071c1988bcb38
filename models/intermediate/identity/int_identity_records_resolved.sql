{#- Every record that carries an identifier, with the cluster it belongs to: the
    cluster of its strongest placed identifier (anchor, then unionid, then registered,
    then weak; a weak phone never overrides the record's own account). A record whose
    identifiers are all quarantined (a walk-in's hub phone) has a null cluster_id and
    stays anonymous. One row per record_source and record_id. -#}

with int_identifier_occurrences as (
    select * from {{ ref('int_identifier_occurrences') }}
),

int_identity_clusters as (
    select * from {{ ref('int_identity_clusters') }}
),

candidates as (
    select
        occurrences.record_source,
        occurrences.record_id,
        occurrences.identifier_type,
        occurrences.identifier_role,
        occurrences.node_id,
        clusters.cluster_id,
        -- tie-break: node_id unique per record_node_id (a record carries an identifier
        -- once; a node has one cluster)
        row_number() over (
            partition by occurrences.record_node_id
            order by
                case when clusters.cluster_id is null then 1 else 0 end,
                case occurrences.identifier_role
                    when 'anchor' then 1
                    when 'strong' then 2
                    when 'registered' then 3
                    else 4
                end,
                occurrences.node_id
        ) as candidate_rank
    from int_identifier_occurrences as occurrences
    left join int_identity_clusters as clusters
        on occurrences.node_id = clusters.node_id
),

final as (
    select
        record_source,
        record_id,
        cluster_id,
        case when cluster_id is not null then identifier_type end as resolved_by_type,
        case when cluster_id is not null then identifier_role end as resolved_by_role,
        case when cluster_id is not null then 'stitched' else 'quarantined_identifiers_only' end as resolution_status
    from candidates
    where candidate_rank = 1
)

select * from final
