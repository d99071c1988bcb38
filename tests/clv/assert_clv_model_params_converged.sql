-- Needs the CLV Python models, which Spark cannot run (clv_customer_scores_input).
{{ config(enabled=clv_python_models_enabled()) }}
-- A warning (not an error) when a model was fitted but the optimiser did not report
-- convergence, or when an estimate is not positive: read the parameters with care.
{{ config(severity='warn') }}
select
    model,
    parameter,
    value,
    is_converged
from {{ ref('clv_model_params') }}
where
    value is not null
    and (not is_converged or value <= 0)
