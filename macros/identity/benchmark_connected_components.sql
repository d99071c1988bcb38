{#- Benchmark entry point for run_connected_components (connected_components.sql) on a
    prepared edges table, without a model around it:

        dbt run-operation benchmark_connected_components --args '{edges: chain_edges}'

    `edges` names a table in the target schema in the materialization's input shape
    (node_id, linked_node_id; both directions and a self-edge for every node, as the
    materialization builds `__cc_edges`). Logs one line
    "benchmark_connected_components <edges>: rounds=R components=C nodes=N seconds=S"
    and returns the number of rounds. The labels table is dropped afterwards unless
    keep_labels is true (then it stays as <edges>__cc_labels). Used by
    benchmarks/bench_identity.py; not part of any model. -#}
{% macro benchmark_connected_components(edges, max_iterations=100, keep_labels=false) %}
    {%- set edges_relation = api.Relation.create(
        database=target.database, schema=target.schema, identifier=edges, type='table') -%}
    {%- set labels = edges_relation.incorporate(path={'identifier': edges ~ '__cc_labels'}) -%}
    {%- set scratch = edges_relation.incorporate(path={'identifier': edges ~ '__cc_next'}) -%}
    {% do adapter.drop_relation(labels) %}
    {% do adapter.drop_relation(scratch) %}

    {%- set started = modules.datetime.datetime.now() -%}
    {%- set rounds = run_connected_components(edges_relation, labels, max_iterations | int, scratch) -%}
    {%- set seconds = (modules.datetime.datetime.now() - started).total_seconds() -%}

    {%- set summary = run_query(
        "select count(distinct label), count(*) from " ~ labels) -%}
    {%- set components = summary.columns[0].values()[0] | int -%}
    {%- set nodes = summary.columns[1].values()[0] | int -%}
    {{ log("benchmark_connected_components " ~ edges ~ ": rounds=" ~ rounds
        ~ " components=" ~ components ~ " nodes=" ~ nodes
        ~ " seconds=" ~ '%.3f' | format(seconds), info=True) }}
    {% if not keep_labels %}
        {% do adapter.drop_relation(labels) %}
    {% endif %}
    {% do adapter.commit() %}
    {{ return(rounds) }}
{% endmacro %}
