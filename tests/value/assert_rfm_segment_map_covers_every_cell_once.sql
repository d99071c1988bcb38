-- The (R, F) segment map covers each of the 25 score cells exactly once (domain.md, RFM).
with scores as (
    select 1 as score
    union all
    select 2 as score
    union all
    select 3 as score
    union all
    select 4 as score
    union all
    select 5 as score
),

cells as (
    select
        r_scores.score as r_score,
        f_scores.score as f_score
    from scores as r_scores
    cross join scores as f_scores
),

matches as (
    select
        cells.r_score,
        cells.f_score,
        count(segments.segment_code) as segments
    from cells
    left join {{ ref('rfm_segment_map') }} as segments
        on
            cells.r_score between segments.r_score_min and segments.r_score_max
            and cells.f_score between segments.f_score_min and segments.f_score_max
    group by 1, 2
)

select * from matches
where segments <> 1
