{#- Normal-distribution helpers for the A/B significance tests (normal approximation),
    in plain SQL (exp, ln, sqrt, abs): the same on DuckDB, Spark and Postgres, no
    Python model and no scipy needed inside the warehouse.

    erfc: the complementary error function by the Chebyshev fit of Numerical Recipes
    (erfcc, 2nd ed., section 6.2), fractional error below 1.2e-7 everywhere, so even
    tiny p-values keep about 7 significant digits (an erf-based 1 - erf(x) would lose
    them to cancellation). -#}
{% macro erfc(x) -%}
    {{ return(adapter.dispatch('erfc', 'crm_warehouse')(x)) }}
{%- endmacro %}

{% macro default__erfc(x) -%}
    {%- set z = 'abs(' ~ x ~ ')' -%}
    {%- set t = '(1.0 / (1.0 + 0.5 * ' ~ z ~ '))' -%}
    case
        when {{ x }} is null then null
        else
            (case when {{ x }} >= 0 then 1.0 else -1.0 end)
            * {{ t }} * exp(
                -{{ z }} * {{ z }} - 1.26551223 + {{ t }} * (1.00002368 + {{ t }} * (0.37409196 + {{ t }} * (0.09678418
                + {{ t }} * (-0.18628806 + {{ t }} * (0.27886807 + {{ t }} * (-1.13520398 + {{ t }} * (1.48851587
                + {{ t }} * (-0.82215223 + {{ t }} * 0.17087277))))))))
            )
            + (case when {{ x }} >= 0 then 0.0 else 2.0 end)
    end
{%- endmacro %}


{#- Two-sided p-value of a standard-normal test statistic z: P(|Z| >= |z|) =
    erfc(|z| / sqrt(2)). Pass a column, not a long expression (it is repeated). -#}
{% macro normal_two_sided_p_value(z) -%}
    {{ erfc('abs(' ~ z ~ ') / sqrt(2.0)') }}
{%- endmacro %}


{#- Standard-normal quantile (inverse CDF) of p in (0, 1) by Acklam's rational
    approximation (relative error below 1.15e-9): the critical value of a confidence
    interval, e.g. p = 0.975 gives 1.959964 for 95%. -#}
{% macro normal_quantile(p) -%}
    {{ return(adapter.dispatch('normal_quantile', 'crm_warehouse')(p)) }}
{%- endmacro %}

{% macro default__normal_quantile(p) -%}
    {%- set q_low = 'sqrt(-2.0 * ln(' ~ p ~ '))' -%}
    {%- set q_high = 'sqrt(-2.0 * ln(1.0 - ' ~ p ~ '))' -%}
    {%- set q = '(' ~ p ~ ' - 0.5)' -%}
    {%- set r = '((' ~ p ~ ' - 0.5) * (' ~ p ~ ' - 0.5))' -%}
    case
        when {{ p }} is null or {{ p }} <= 0 or {{ p }} >= 1 then null
        when {{ p }} < 0.02425 then
            (((((-7.784894002430293e-03 * {{ q_low }} - 3.223964580411365e-01) * {{ q_low }} - 2.400758277161838e+00)
                * {{ q_low }} - 2.549732539343734e+00) * {{ q_low }} + 4.374664141464968e+00) * {{ q_low }}
                + 2.938163982698783e+00)
            / ((((7.784695709041462e-03 * {{ q_low }} + 3.224671290700398e-01) * {{ q_low }} + 2.445134137142996e+00)
                * {{ q_low }} + 3.754408661907416e+00) * {{ q_low }} + 1.0)
        when {{ p }} > 1 - 0.02425 then
            -(((((-7.784894002430293e-03 * {{ q_high }} - 3.223964580411365e-01) * {{ q_high }} - 2.400758277161838e+00)
                * {{ q_high }} - 2.549732539343734e+00) * {{ q_high }} + 4.374664141464968e+00) * {{ q_high }}
                + 2.938163982698783e+00)
            / ((((7.784695709041462e-03 * {{ q_high }} + 3.224671290700398e-01) * {{ q_high }} + 2.445134137142996e+00)
                * {{ q_high }} + 3.754408661907416e+00) * {{ q_high }} + 1.0)
        else
            (((((-3.969683028665376e+01 * {{ r }} + 2.209460984245205e+02) * {{ r }} - 2.759285104469687e+02) * {{ r }}
                + 1.383577518672690e+02) * {{ r }} - 3.066479806614716e+01) * {{ r }} + 2.506628277459239e+00) * {{ q }}
            / (((((-5.447609879822406e+01 * {{ r }} + 1.615858368580409e+02) * {{ r }} - 1.556989798598866e+02) * {{ r }}
                + 6.680131188771972e+01) * {{ r }} - 1.328068155288572e+01) * {{ r }} + 1.0)
    end
{%- endmacro %}
