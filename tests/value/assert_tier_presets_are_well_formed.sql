-- Every tier preset has one rank-1 tier reached by any purchase, ranks 1..n without
-- gaps, and a valid spend basis.
with tiers as (
    select * from {{ ref('membership_tier_presets') }}
),

presets as (
    select
        preset,
        count(*) as tiers,
        count(distinct tier_rank) as ranks,
        min(tier_rank) as min_rank,
        max(tier_rank) as max_rank,
        sum(case when spend_basis not in ('lifetime', 'trailing_12m') then 1 else 0 end) as bad_bases,
        sum(case when tier_rank = 1 and (min_spend <> 0 or is_min_inclusive) then 1 else 0 end) as bad_entry_tiers
    from tiers
    group by 1
)

select * from presets
where
    tiers <> ranks
    or min_rank <> 1
    or max_rank <> tiers
    or bad_bases > 0
    or bad_entry_tiers > 0
