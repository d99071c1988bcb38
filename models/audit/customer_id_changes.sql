{{ config(materialized='incremental', on_schema_change='fail') }}

{#- Every change of a customer key, appended by the run that made it: a merge (the
    identifiers of a retired key now belong to the surviving key) or a split (part of
    a key's identifiers moved to a new key; the largest part kept the old one). One
    row per run, old key and new key. -#}

with int_customer_keys as (
    select * from {{ ref('int_customer_keys') }}
),

moves as (
    select
        previous_customer_id as old_customer_id,
        customer_id as new_customer_id,
        count(*) as identifiers_moved
    from int_customer_keys
    where
        previous_customer_id is not null
        and previous_customer_id <> customer_id
    group by 1, 2
),

surviving_keys as (
    select distinct customer_id from int_customer_keys
),

final as (
    select
        '{{ invocation_id }}' as run_id,
        case when surviving_keys.customer_id is null then 'merge' else 'split' end as change_type,
        moves.old_customer_id,
        moves.new_customer_id,
        moves.identifiers_moved,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }}) as changed_at
    from moves
    left join surviving_keys
        on moves.old_customer_id = surviving_keys.customer_id
)

select * from final
