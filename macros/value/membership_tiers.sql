{#- The membership tier of every row of `spend_relation` (columns `key_columns`,
    lifetime_spend, trailing_12m_spend): the highest-ranked tier of the preset in var
    membership_tier_preset (seed membership_tier_presets) whose threshold the row's
    spend on that tier's basis reaches (>= when is_min_inclusive, else >). Returns the
    key columns and tier_rank; rows that reach no tier are left out. -#}
{% macro membership_tier_ranks(spend_relation, key_columns, presets_relation) -%}
    select
        {%- for column in key_columns %}
        spend.{{ column }},
        {%- endfor %}
        max(presets.tier_rank) as tier_rank
    from {{ spend_relation }} as spend
    inner join {{ presets_relation }} as presets
        on
            presets.preset = '{{ var("membership_tier_preset") }}'
            and (
                case presets.spend_basis
                    when 'lifetime' then spend.lifetime_spend
                    else spend.trailing_12m_spend
                end > presets.min_spend
                or (
                    presets.is_min_inclusive
                    and case presets.spend_basis
                        when 'lifetime' then spend.lifetime_spend
                        else spend.trailing_12m_spend
                    end = presets.min_spend
                )
            )
    group by {% for column in key_columns %}spend.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
{%- endmacro %}


{#- Spend still needed to reach the tier `next_alias` (a row of the presets seed) from
    `spend_alias` (lifetime_spend, trailing_12m_spend): its threshold minus the spend on
    its basis, plus 0.01 when the threshold must be exceeded (">"). -#}
{% macro spend_to_tier(next_alias, spend_alias) -%}
    case
        when {{ next_alias }}.tier_code is null then null
        else {{ next_alias }}.min_spend
            - case {{ next_alias }}.spend_basis
                when 'lifetime' then {{ spend_alias }}.lifetime_spend
                else {{ spend_alias }}.trailing_12m_spend
            end
            + case when {{ next_alias }}.is_min_inclusive then 0 else 0.01 end
    end
{%- endmacro %}
