{#- NPS (净推荐值, domain.md): promoters score 9-10, passives 7-8, detractors 0-6; NPS
    = 100 * (promoters - detractors) / valid responses, from -100 to 100. Responses
    whose score was not an integer from 0 to 10 (is_score_valid false) are excluded
    from the NPS and counted in invalid_responses. By response month and touchpoint
    (store, mall, wecom, service; 'unknown' when blank). One row per response_month
    and touchpoint. -#}

with stg_service__nps_responses as (
    select * from {{ ref('stg_service__nps_responses') }}
),

responses as (
    select
        coalesce(touchpoint, 'unknown') as touchpoint,
        score,
        coalesce(is_score_valid and score is not null, false) as is_valid,
        cast({{ dbt.date_trunc('month', 'responded_date') }} as date) as response_month
    from stg_service__nps_responses
    where responded_date <= {{ as_of_date() }}
),

aggregated as (
    select
        touchpoint,
        response_month,
        count(*) as responses,
        sum(case when is_valid then 1 else 0 end) as valid_responses,
        sum(case when not is_valid then 1 else 0 end) as invalid_responses,
        sum(case when is_valid and score >= 9 then 1 else 0 end) as promoters,
        sum(case when is_valid and score between 7 and 8 then 1 else 0 end) as passives,
        sum(case when is_valid and score <= 6 then 1 else 0 end) as detractors
    from responses
    group by 1, 2
),

final as (
    select
        touchpoint,
        responses,
        valid_responses,
        invalid_responses,
        promoters,
        passives,
        detractors,
        {{ kpi_ratio('promoters', 'valid_responses') }} as promoter_share,
        {{ kpi_ratio('detractors', 'valid_responses') }} as detractor_share,
        100 * {{ kpi_ratio('promoters - detractors', 'valid_responses') }} as nps,
        response_month
    from aggregated
)

select * from final
