{#- What customer_clv reads: the Python model clv_customer_scores (BG/NBD +
    Gamma-Gamma fitted with scipy), except on Spark. dbt-spark runs Python models only
    on Databricks (a cluster or job submission), never in the local session, so on
    Spark the two Python models are disabled (dbt_project.yml) and customer_clv reads
    no scores: it has the same columns and no rows, dim_customers' CLV columns are
    null and no customer gets a churn warning. The tests that need the scores are
    disabled there too (their config). -#}
{% macro clv_customer_scores_input() -%}
    {{ return(adapter.dispatch('clv_customer_scores_input', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__clv_customer_scores_input() -%}
    select * from {{ ref('clv_customer_scores') }}
{%- endmacro %}

{% macro spark__clv_customer_scores_input() -%}
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_bigint() }}) as frequency,
        cast(null as double) as recency_weeks,
        cast(null as double) as age_weeks,
        cast(null as double) as avg_repeat_value,
        cast(null as double) as p_alive,
        cast(null as double) as expected_purchases_4w,
        cast(null as double) as expected_purchases_13w,
        cast(null as double) as expected_purchases_52w,
        cast(null as double) as expected_aov,
        cast(null as double) as clv_12m,
        cast(null as double) as clv_12m_discounted,
        cast(null as {{ dbt.type_bigint() }}) as frequency_previous_month_end,
        cast(null as double) as p_alive_previous_month_end,
        cast(null as timestamp) as first_purchase_date,
        cast(null as timestamp) as last_purchase_date
    where 1 = 0
{%- endmacro %}

{#- False on the engines that cannot run the CLV Python models (Spark): the config
    `enabled` of those models and of the tests that need their scores. -#}
{% macro clv_python_models_enabled() -%}
    {{ return(target.type != 'spark') }}
{%- endmacro %}
