{#- The tie-aware percent-rank score of domain.md, min(5, 1 + floor(5 * percent_rank)),
    computed exactly in integers: percent_rank = (rank - 1) / (n - 1), and 0 when
    n = 1. `rank_expr` is rank() over the dimension's order (ties share a rank). -#}
{% macro rfm_percent_rank_score(rank_expr, count_expr) -%}
    case
        when {{ count_expr }} <= 1 then 1
        else least(5, 1 + cast(floor(5.0 * ({{ rank_expr }} - 1) / ({{ count_expr }} - 1)) as {{ dbt.type_int() }}))
    end
{%- endmacro %}


{#- The score of one RFM dimension by its method in var rfm_score_method: the
    percent-rank rule over `<dimension>_rank`, or the fixed bin joined as
    `<dimension>_bins`. -#}
{% macro rfm_dimension_score(dimension) -%}
    case
        when '{{ var('rfm_score_method')[dimension] }}' = 'fixed_bins' then {{ dimension }}_bins.score
        else {{ rfm_percent_rank_score('ranked.' ~ dimension ~ '_rank', 'ranked.customers') }}
    end
{%- endmacro %}
