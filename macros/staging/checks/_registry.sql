{#- Every staging check spec, in the order audit.staging_rejections lists them. A new
    export gets a spec macro in this folder and a line here. -#}
{% macro staging_specs() -%}
    {{ return([
        staging_spec_pos__members(),
        staging_spec_pos__orders(),
        staging_spec_pos__order_items(),
        staging_spec_mall__users(),
        staging_spec_mall__orders(),
        staging_spec_mall__order_items(),
        staging_spec_mall__order_refunds(),
        staging_spec_mall__behavior_events(),
        staging_spec_wecom__contacts(),
        staging_spec_wecom__group_events(),
        staging_spec_catalog__products(),
        staging_spec_catalog__stores(),
        staging_spec_marketing__campaigns(),
        staging_spec_marketing__campaign_sends(),
        staging_spec_privacy__consents(),
        staging_spec_privacy__erasure_requests(),
        staging_spec_service__nps_responses(),
    ]) }}
{%- endmacro %}
