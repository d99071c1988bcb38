{#- The lifecycle stage as of D for window W (domain.md, Lifecycle stage), from the
    customer's purchases as of D: the first and last purchase dates, the number of
    purchases in (D-W, D], and whether the customer was known to a channel by D.
    D-W, D-2W and D-4W are single shifts by the month-end rule (shift_months_back). -#}
{% macro lifecycle_stage(first_purchase_date, last_purchase_date, purchases_in_window, as_of_date, window_months) -%}
    {{ lifecycle_stage_from_bounds(
        first_purchase_date,
        last_purchase_date,
        purchases_in_window,
        shift_months_back(as_of_date, window_months),
        shift_months_back(as_of_date, '2 * (' ~ window_months ~ ')'),
        shift_months_back(as_of_date, '4 * (' ~ window_months ~ ')')
    ) }}
{%- endmacro %}


{#- The same rule given D-W, D-2W and D-4W (expressions or columns): for a table of
    many rows and few distinct dates D, the bounds are computed once per date. -#}
{% macro lifecycle_stage_from_bounds(first_purchase_date, last_purchase_date, purchases_in_window, minus_w, minus_2w, minus_4w) -%}
    case
        when {{ last_purchase_date }} is null then 'prospect'
        when {{ first_purchase_date }} > {{ minus_w }}
            then case when {{ purchases_in_window }} >= 2 then 'new_repeat' else 'new_one_time' end
        when {{ purchases_in_window }} >= 2 then 'old_repeat'
        when {{ purchases_in_window }} = 1 then 'old_one_time'
        when {{ last_purchase_date }} > {{ minus_2w }} then 'silent'
        when {{ last_purchase_date }} > {{ minus_4w }} then 'sleeping'
        else 'lost'
    end
{%- endmacro %}
