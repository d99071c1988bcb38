{#- Product affinity (domain.md, Campaigns): which categories and products are bought
    together in one basket. A basket is an order that is a purchase as of D
    (fct_order_items, is_purchase); an item is counted once per basket. At each level
    (category_l1; category_l2 keyed "l1 > l2", since an l2 name can sit under several
    l1s; product = SKU), for every unordered pair {A, B} (A < B) bought together:
    support = baskets with both / baskets at the level, confidence A->B = baskets with
    both / baskets with A (and B->A), lift = support / (support of A * support of B).
    Kept when the pair is in at least var affinity_min_pair_baskets baskets and its
    support is at least var affinity_min_support. One row per affinity_level, item_a,
    item_b. -#}

with fct_order_items as (
    select * from {{ ref('fct_order_items') }}
),

stg_catalog__products as (
    select * from {{ ref('stg_catalog__products') }}
),

basket_lines as (
    -- each distinct line content of a purchase basket, read once for the three levels
    select distinct
        order_key,
        category_l1,
        category_l2,
        sku
    from fct_order_items
    where
        is_purchase
        and order_key is not null
),

basket_items as (
    select distinct
        'category_l1' as affinity_level,
        line_items.order_key,
        {{ affinity_item_key('category_l1', 'line_items') }} as item
    from basket_lines as line_items
    where {{ affinity_item_key('category_l1', 'line_items') }} is not null
    union all
    select distinct
        'category_l2' as affinity_level,
        line_items.order_key,
        {{ affinity_item_key('category_l2', 'line_items') }} as item
    from basket_lines as line_items
    where {{ affinity_item_key('category_l2', 'line_items') }} is not null
    union all
    select distinct
        'product' as affinity_level,
        line_items.order_key,
        {{ affinity_item_key('product', 'line_items') }} as item
    from basket_lines as line_items
    where {{ affinity_item_key('product', 'line_items') }} is not null
),

level_baskets as (
    select
        affinity_level,
        count(distinct order_key) as total_baskets
    from basket_items
    group by 1
),

item_baskets as (
    select
        affinity_level,
        item,
        count(*) as baskets
    from basket_items
    group by 1, 2
),

{# A pair is in no more baskets than either of its items, so an item below either
   threshold is in no pair that is kept: pairs are counted among the frequent items
   only (the Apriori principle; the result is the same, the self-join far smaller). #}
frequent_items as (
    select
        item_baskets.affinity_level,
        item_baskets.item
    from item_baskets
    inner join level_baskets
        on item_baskets.affinity_level = level_baskets.affinity_level
    where
        item_baskets.baskets >= {{ var('affinity_min_pair_baskets') }}
        and {{ kpi_ratio('item_baskets.baskets', 'level_baskets.total_baskets') }}
        >= {{ var('affinity_min_support') }}
),

frequent_basket_items as (
    select basket_items.*
    from basket_items
    inner join frequent_items
        on
            basket_items.affinity_level = frequent_items.affinity_level
            and basket_items.item = frequent_items.item
),

pair_baskets as (
    select
        items_a.affinity_level,
        items_a.item as item_a,
        items_b.item as item_b,
        count(*) as baskets_with_both
    from frequent_basket_items as items_a
    inner join frequent_basket_items as items_b
        on
            items_a.affinity_level = items_b.affinity_level
            and items_a.order_key = items_b.order_key
            and items_a.item < items_b.item
    group by 1, 2, 3
),

measured as (
    select
        pairs.affinity_level,
        pairs.item_a,
        pairs.item_b,
        pairs.baskets_with_both,
        item_a_baskets.baskets as baskets_with_a,
        item_b_baskets.baskets as baskets_with_b,
        level_baskets.total_baskets,
        {{ kpi_ratio('pairs.baskets_with_both', 'level_baskets.total_baskets') }} as support,  -- noqa: RF04
        {{ kpi_ratio('item_a_baskets.baskets', 'level_baskets.total_baskets') }} as support_a,
        {{ kpi_ratio('item_b_baskets.baskets', 'level_baskets.total_baskets') }} as support_b,
        {{ kpi_ratio('pairs.baskets_with_both', 'item_a_baskets.baskets') }} as confidence_a_to_b,
        {{ kpi_ratio('pairs.baskets_with_both', 'item_b_baskets.baskets') }} as confidence_b_to_a,
        {{ kpi_ratio(
            'cast(pairs.baskets_with_both as ' ~ kpi_type_double() ~ ') * level_baskets.total_baskets',
            'cast(item_a_baskets.baskets as ' ~ kpi_type_double() ~ ') * item_b_baskets.baskets'
        ) }} as lift
    from pair_baskets as pairs
    inner join level_baskets
        on pairs.affinity_level = level_baskets.affinity_level
    inner join item_baskets as item_a_baskets
        on
            pairs.affinity_level = item_a_baskets.affinity_level
            and pairs.item_a = item_a_baskets.item
    inner join item_baskets as item_b_baskets
        on
            pairs.affinity_level = item_b_baskets.affinity_level
            and pairs.item_b = item_b_baskets.item
),

final as (
    select
        measured.affinity_level,
        measured.item_a,
        measured.item_b,
        coalesce(products_a.product_name, measured.item_a) as item_a_name,
        coalesce(products_b.product_name, measured.item_b) as item_b_name,
        measured.baskets_with_both,
        measured.baskets_with_a,
        measured.baskets_with_b,
        measured.total_baskets,
        measured.support,
        measured.support_a,
        measured.support_b,
        measured.confidence_a_to_b,
        measured.confidence_b_to_a,
        measured.lift
    from measured
    left join stg_catalog__products as products_a
        on
            measured.affinity_level = 'product'
            and measured.item_a = products_a.sku
    left join stg_catalog__products as products_b
        on
            measured.affinity_level = 'product'
            and measured.item_b = products_b.sku
    where
        measured.baskets_with_both >= {{ var('affinity_min_pair_baskets') }}
        and measured.support >= {{ var('affinity_min_support') }}
)

select * from final
