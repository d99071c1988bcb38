{#- Shared steps of the stitching phases (models/intermediate/identity). A "unit" is
    what a phase links: accounts in phase 2, the clusters of phase 2 in phase 3. -#}

{#- Per unit: its identifiers, how many are unionids and WeCom external_userids,
    how many mobiles its accounts registered (placed or contested: an account's own
    registered mobile counts even when a family shares it), and the smallest and
    largest member-card holder name. `accounts_relation` is int_identity_accounts_linked. -#}
{% macro identity_unit_profiles(members_relation, unit_column, profiled_relation, accounts_relation) -%}
    select
        members.{{ unit_column }} as unit_id,
        count(*) as nodes,
        sum(case when profiled.identifier_type = 'unionid' then 1 else 0 end) as unionids,
        sum(case when profiled.identifier_type = 'external_userid' then 1 else 0 end) as external_userids,
        sum(coalesce(accounts.registered_mobiles, 0)) as registered_mobiles,
        min(profiled.holder_name_key) as min_name_key,
        max(profiled.holder_name_key) as max_name_key
    from {{ members_relation }} as members
    inner join {{ profiled_relation }} as profiled
        on members.node_id = profiled.node_id
    left join {{ accounts_relation }} as accounts
        on members.node_id = accounts.node_id
    group by 1
{%- endmacro %}


{#- The reason a group of units may not become one person, or null. `alias` names
    a relation with the sums units_with_unionid, external_userids,
    units_with_registered_mobile (phase 3 only), nodes, and the smallest and largest
    member-card holder name (two different names: two people sharing a phone). -#}
{% macro identity_conflict_reason(alias, check_registered_mobiles) -%}
    case
        when {{ alias }}.units_with_unionid > 1
            then 'joins ' || {{ alias }}.units_with_unionid || ' clusters with their own unionid'
        when {{ alias }}.external_userids > 1
            then 'joins ' || {{ alias }}.external_userids || ' WeCom external_userids'
        when {{ alias }}.max_name_key > {{ alias }}.min_name_key
            then 'joins member cards registered to different names'
        {%- if check_registered_mobiles %}
        when {{ alias }}.units_with_registered_mobile > 1
            then 'joins ' || {{ alias }}.units_with_registered_mobile || ' clusters with their own registered mobile'
        {%- endif %}
        when {{ alias }}.nodes > {{ var('identity_max_cluster_identifiers') }}
            then 'would make a cluster of ' || {{ alias }}.nodes
            || ' identifiers (max {{ var("identity_max_cluster_identifiers") }})'
    end
{%- endmacro %}


{#- One row per (bridge identifier, unit it touches), with the bridge's own check:
    the units it touches together must be one plausible person. -#}
{% macro identity_bridge_checks(touches_relation, unit_profiles_relation, check_registered_mobiles) -%}
    with checks as (
        select
            touches.bridge_node_id,
            count(*) as units,
            sum(case when profiles.unionids > 0 then 1 else 0 end) as units_with_unionid,
            sum(profiles.external_userids) as external_userids,
            sum(case when profiles.registered_mobiles > 0 then 1 else 0 end) as units_with_registered_mobile,
            sum(profiles.nodes) + 1 as nodes,
            min(profiles.min_name_key) as min_name_key,
            max(profiles.max_name_key) as max_name_key
        from {{ touches_relation }} as touches
        inner join {{ unit_profiles_relation }} as profiles
            on touches.unit_id = profiles.unit_id
        group by 1
    ),

    reasons as (
        select
            bridge_node_id,
            units,
            {{ identity_conflict_reason('checks', check_registered_mobiles) }} as contest_reason
        from checks
    )

    select
        touches.bridge_node_id,
        touches.unit_id,
        reasons.units,
        reasons.contest_reason,
        (reasons.contest_reason is not null) as is_contested
    from {{ touches_relation }} as touches
    inner join reasons
        on touches.bridge_node_id = reasons.bridge_node_id
{%- endmacro %}


{#- After the connected components of a phase: per component, the sums over its
    units plus its new bridge identifiers, and the reason it may not stand. `units`
    maps unit_id -> component_id, `bridges` bridge_node_id -> component_id. -#}
{% macro identity_component_checks(units_relation, bridges_relation, unit_profiles_relation, check_registered_mobiles) -%}
    with unit_sums as (
        select
            units.component_id,
            sum(case when profiles.unionids > 0 then 1 else 0 end) as units_with_unionid,
            sum(profiles.external_userids) as external_userids,
            sum(case when profiles.registered_mobiles > 0 then 1 else 0 end) as units_with_registered_mobile,
            sum(profiles.nodes) as unit_nodes,
            min(profiles.min_name_key) as min_name_key,
            max(profiles.max_name_key) as max_name_key
        from {{ units_relation }} as units
        inner join {{ unit_profiles_relation }} as profiles
            on units.unit_id = profiles.unit_id
        group by 1
    ),

    bridge_sums as (
        select
            component_id,
            count(*) as bridge_nodes
        from {{ bridges_relation }}
        group by 1
    ),

    sums as (
        select
            coalesce(unit_sums.component_id, bridge_sums.component_id) as component_id,
            coalesce(unit_sums.units_with_unionid, 0) as units_with_unionid,
            coalesce(unit_sums.external_userids, 0) as external_userids,
            coalesce(unit_sums.units_with_registered_mobile, 0) as units_with_registered_mobile,
            coalesce(unit_sums.unit_nodes, 0) + coalesce(bridge_sums.bridge_nodes, 0) as nodes,
            unit_sums.min_name_key,
            unit_sums.max_name_key
        from unit_sums
        full outer join bridge_sums
            on unit_sums.component_id = bridge_sums.component_id
    )

    select
        component_id,
        nodes,
        {{ identity_conflict_reason('sums', check_registered_mobiles) }} as conflict_reason
    from sums
{%- endmacro %}


{#- One union member of int_identifier_occurrences: the rows of `relation` (a CTE with
    record_source, record_id, anchor_type, anchor_value, mobile, unionid, email,
    is_order, seen_at) that carry `column`, typed and given `role`. `column` 'anchor'
    takes the record's own account key. -#}
{% macro identifier_occurrence_rows(relation, column, role) -%}
    {%- if column == 'anchor' -%}
        {%- set type_expr = 'anchor_type' -%}
        {%- set value_expr = 'anchor_value' -%}
    {%- else -%}
        {%- set type_expr = "'" ~ column ~ "'" -%}
        {%- set value_expr = column -%}
    {%- endif -%}
    select
        record_source,
        record_id,
        anchor_type,
        anchor_value,
        {{ type_expr }} as identifier_type,
        {{ value_expr }} as identifier_value,
        '{{ role }}' as identifier_role,
        is_order,
        seen_at
    from {{ relation }}
    where {{ value_expr }} is not null
{%- endmacro %}
