{#- The guide's view (导购速览): one row per customer of customer_features, with a short
    Chinese line of the customer's most useful tags for a store guide to read before
    greeting a member (e.g. "孕期6个月 · 奶粉购买者 · 社群周活跃"). The tags shown are the
    ones with a guide_priority in the catalogue (smaller first, then tag code), at most
    var tag_summary_max_tags of them; a band tag shows its band label. -#}

with customer_features as (
    select * from {{ ref('customer_features') }}
),

customer_tags as (
    select * from {{ ref('customer_tags') }}
),

tag_definitions as (
    select * from {{ ref('tag_definitions') }}
),

tag_bands as (
    select * from {{ ref('tag_bands') }}
),

labelled as (
    select
        customer_tags.customer_id,
        tag_definitions.tag_code,
        case tag_definitions.value_type
            when 'flag' then tag_definitions.label_zh
            when 'band' then tag_definitions.label_zh || ':' || coalesce(tag_bands.label_zh, customer_tags.tag_value)
            else tag_definitions.label_zh || ':' || customer_tags.tag_value
        end as label_zh,
        case tag_definitions.value_type
            when 'flag' then tag_definitions.label_en
            when 'band' then tag_definitions.label_en || ': ' || coalesce(tag_bands.label_en, customer_tags.tag_value)
            else tag_definitions.label_en || ': ' || customer_tags.tag_value
        end as label_en,
        -- tie-break: tag_code unique per customer_id (customer_tags' grain; one
        -- definition and at most one band per tag and value)
        row_number() over (
            partition by customer_tags.customer_id
            order by tag_definitions.guide_priority asc, tag_definitions.tag_code asc
        ) as display_rank
    from customer_tags
    inner join tag_definitions
        on customer_tags.tag_code = tag_definitions.tag_code
    left join tag_bands
        on
            customer_tags.tag_code = tag_bands.tag_code
            and customer_tags.tag_value = tag_bands.band_code
    where tag_definitions.guide_priority is not null
),

summarised as (
    select
        customer_id,
        {{ string_agg_ordered('label_zh', 'display_rank', "' · '") }} as tag_summary_zh,
        {{ string_agg_ordered('label_en', 'display_rank', "' · '") }} as tag_summary_en,
        count(*) as tags_shown
    from labelled
    where display_rank <= {{ var('tag_summary_max_tags') }}
    group by 1
),

final as (
    select
        customer_features.customer_id,
        summarised.tag_summary_zh,
        summarised.tag_summary_en,
        coalesce(summarised.tags_shown, 0) as tags_shown,
        customer_features.as_of_date
    from customer_features
    left join summarised
        on customer_features.customer_id = summarised.customer_id
)

select * from final
