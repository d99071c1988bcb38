{#- Connected components of an undirected graph, in portable SQL, in O(log n) rounds.

    The model's SQL selects the edges: two columns `node_id` and `linked_node_id`
    (integers; a self-edge puts an isolated node in the graph). The materialization
    writes one row per node, `node_id, component_id`, where `component_id` is the
    smallest node id of its component.

    The algorithm is min-label hooking with pointer jumping (Shiloach-Vishkin style).
    Every node holds a label, the id of a node of its own component, never above its
    own id. One round, one SQL statement:
      1. m(v)      = the smallest label among v and its neighbours;
      2. hook(r)   = for every current label r, the smallest m(v) of its members
                     (a whole tree hooks onto the smallest tree next to it);
      3. L'(v)     = min(m(v), hook(L(v))), then one pointer jump: L''(v) = L'(L'(v)).
    Labels only decrease, so the loop stops when no label changed; then every edge
    joins two equal labels, i.e. one label per component. Trees hook onto trees and
    jumps halve their depth, so the number of rounds grows with log(n) (a chain of a
    million nodes included), not with the chain length as label propagation does.
    No recursive CTE. The loop stops with an error after `max_iterations` rounds.
-#}

{% macro connected_components_round_sql(edges_relation, labels_relation) -%}
    with neighbour_min as (
        select
            edges.node_id,
            min(labels.label) as min_label
        from {{ edges_relation }} as edges
        inner join {{ labels_relation }} as labels
            on edges.linked_node_id = labels.node_id
        group by edges.node_id
    ),

    hooked as (
        select
            labels.label as root_id,
            min(neighbour_min.min_label) as parent_id
        from {{ labels_relation }} as labels
        inner join neighbour_min
            on labels.node_id = neighbour_min.node_id
        group by labels.label
    ),

    stepped as (
        select
            labels.node_id,
            labels.label as previous_label,
            case
                when hooked.parent_id < neighbour_min.min_label then hooked.parent_id
                else neighbour_min.min_label
            end as label
        from {{ labels_relation }} as labels
        inner join neighbour_min
            on labels.node_id = neighbour_min.node_id
        inner join hooked
            on labels.label = hooked.root_id
    )

    select
        stepped.node_id,
        jumped.label,
        (jumped.label <> stepped.previous_label) as is_changed
    from stepped
    inner join stepped as jumped
        on stepped.label = jumped.node_id
{%- endmacro %}


{#- Runs the rounds over `edges_relation` (node_id, linked_node_id; both directions
    and a self-edge for every node) and leaves the result in `labels_relation`
    (node_id, label, is_changed). Returns the number of rounds. -#}
{% macro run_connected_components(edges_relation, labels_relation, max_iterations, scratch_relation) -%}
    {% call statement('cc_init') -%}
        create table {{ labels_relation }} as
        select
            node_id,
            min(linked_node_id) as label,
            true as is_changed
        from {{ edges_relation }}
        group by node_id
    {%- endcall %}
    {% set ns = namespace(rounds=0, changed=1) %}
    {% for round in range(1, max_iterations + 1) %}
        {% if ns.changed > 0 %}
            {% call statement('cc_round') -%}
                create table {{ scratch_relation }} as
                {{ connected_components_round_sql(edges_relation, labels_relation) }}
            {%- endcall %}
            {% do adapter.drop_relation(labels_relation) %}
            {% do adapter.rename_relation(scratch_relation, labels_relation) %}
            {% set changed_rows = run_query(
                "select count(*) from " ~ labels_relation ~ " where is_changed"
            ) %}
            {% set ns.changed = changed_rows.columns[0].values()[0] | int %}
            {% set ns.rounds = round %}
            {{ log("connected components " ~ labels_relation.identifier ~ ": round " ~ round
                ~ ", " ~ ns.changed ~ " labels changed", info=True) }}
        {% endif %}
    {% endfor %}
    {% if ns.changed > 0 %}
        {{ exceptions.raise_compiler_error(
            "connected components did not converge in " ~ max_iterations ~ " rounds ("
            ~ ns.changed ~ " labels still changing in " ~ labels_relation
            ~ "); raise var identity_cc_max_iterations only after checking the graph"
        ) }}
    {% endif %}
    {{ return(ns.rounds) }}
{%- endmacro %}


{% materialization connected_components, default %}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(target_relation, 'table') -%}
    {%- set max_iterations = config.get('max_iterations', var('identity_cc_max_iterations')) | int -%}
    {%- set edges_input = target_relation.incorporate(path={'identifier': this.identifier ~ '__cc_input'}) -%}
    {%- set edges = target_relation.incorporate(path={'identifier': this.identifier ~ '__cc_edges'}) -%}
    {%- set labels = target_relation.incorporate(path={'identifier': this.identifier ~ '__cc_labels'}) -%}
    {%- set scratch = target_relation.incorporate(path={'identifier': this.identifier ~ '__cc_next'}) -%}

    {% for relation in [intermediate_relation, backup_relation, edges_input, edges, labels, scratch] %}
        {% do adapter.drop_relation(relation) %}
    {% endfor %}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {% call statement('cc_input') -%}
        {{ get_create_table_as_sql(False, edges_input, sql) }}
    {%- endcall %}
    {% call statement('cc_edges') -%}
        create table {{ edges }} as
        select node_id, linked_node_id from {{ edges_input }}
        union
        select linked_node_id as node_id, node_id as linked_node_id from {{ edges_input }}
        union
        select node_id, node_id as linked_node_id from {{ edges_input }}
        union
        select linked_node_id as node_id, linked_node_id from {{ edges_input }}
    {%- endcall %}

    {% set rounds = run_connected_components(edges, labels, max_iterations, scratch) %}

    {% call statement('main') -%}
        {{ get_create_table_as_sql(False, intermediate_relation,
            "select node_id, label as component_id, " ~ rounds ~ " as rounds from " ~ labels) }}
    {%- endcall %}

    {% if existing_relation is not none %}
        {% set existing_relation = load_cached_relation(existing_relation) %}
        {% if existing_relation is not none %}
            {{ adapter.rename_relation(existing_relation, backup_relation) }}
        {% endif %}
    {% endif %}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}

    {% for relation in [backup_relation, edges_input, edges, labels] %}
        {% do adapter.drop_relation(relation) %}
    {% endfor %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
