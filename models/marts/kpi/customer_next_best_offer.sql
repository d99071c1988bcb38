{#- Next best offer (关联推荐, domain.md): per customer, the top N categories (var
    nbo_top_n, default 3) at the level of var nbo_category_level (category_l1 by
    default) that they have not bought yet but that a category they have bought
    predicts. Candidates are the rules A -> B of product_affinity (both directions of
    each pair kept there) that predict B, lift above var nbo_min_lift (default 1: A
    makes B more likely than it is in an average basket), with A bought by the
    customer and B not (purchases as of D);
    each candidate B keeps its best rule (highest confidence, then lift, then the
    antecedent's name), and the candidates are ranked by that rule's confidence, then
    lift, then B's name. One row per customer_id and recommendation_rank. -#}

{%- set level = var('nbo_category_level') %}

with fct_order_items as (
    select * from {{ ref('fct_order_items') }}
),

product_affinity as (
    select * from {{ ref('product_affinity') }}
),

rules as (
    select
        item_a as antecedent,
        item_b as consequent,
        confidence_a_to_b as confidence,
        lift,
        support
    from product_affinity
    where
        affinity_level = '{{ level }}'
        and lift > {{ var('nbo_min_lift') }}
    union all
    select
        item_b as antecedent,
        item_a as consequent,
        confidence_b_to_a as confidence,
        lift,
        support
    from product_affinity
    where
        affinity_level = '{{ level }}'
        and lift > {{ var('nbo_min_lift') }}
),

customer_categories as (
    select distinct
        items.customer_id,
        {{ affinity_item_key(level, 'items') }} as bought_category
    from fct_order_items as items
    where
        items.is_purchase
        and items.customer_id is not null
        and {{ affinity_item_key(level, 'items') }} is not null
),

candidates as (
    select
        bought.customer_id,
        rules.consequent as recommended_category,
        rules.antecedent as antecedent_category,
        rules.confidence,
        rules.lift,
        rules.support
    from customer_categories as bought
    inner join rules
        on bought.bought_category = rules.antecedent
    left join customer_categories as already_bought
        on
            bought.customer_id = already_bought.customer_id
            and rules.consequent = already_bought.bought_category
    where already_bought.customer_id is null
),

best_rules as (
    select
        *,
        -- tie-break: antecedent_category unique per customer_id, recommended_category
        -- (one rule per antecedent and consequent; bought categories are distinct)
        row_number() over (
            partition by customer_id, recommended_category
            order by confidence desc, lift desc, antecedent_category asc
        ) as rule_rank
    from candidates
),

ranked as (
    select
        customer_id,
        recommended_category,
        antecedent_category,
        confidence,
        lift,
        support,
        -- tie-break: recommended_category unique per customer_id (rule_rank = 1)
        row_number() over (
            partition by customer_id
            order by confidence desc, lift desc, recommended_category asc
        ) as recommendation_rank
    from best_rules
    where rule_rank = 1
),

final as (
    select
        customer_id,
        recommendation_rank,
        recommended_category,
        antecedent_category,
        '{{ level }}' as category_level,
        confidence,
        lift,
        support
    from ranked
    where recommendation_rank <= {{ var('nbo_top_n') }}
)

select * from final
