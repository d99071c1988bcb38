{#- The as-of date D of this build as a one-row table, for the Python models (CLV):
    their config is fixed when dbt parses the project, D only when it runs. -#}

select {{ as_of_date() }} as as_of_date
