-- erfc, normal_two_sided_p_value and normal_quantile against reference values from
-- scipy 1.17 (scipy.special.erfc, 2 * scipy.stats.norm.sf(|z|), norm.ppf). erfc and
-- the p-value must agree to a relative error of 2e-7 (Numerical Recipes' erfcc is
-- documented below 1.2e-7), the quantile to 1e-8 (Acklam: 1.15e-9). Returns the
-- cases out of tolerance.
with

erfc_cases as (
    select
        erfc_values.x,
        erfc_values.expected
    from (
        values
        (0.0, 1.0),
        (0.5, 0.4795001221869535),
        (1.0, 0.15729920705028516),
        (2.0, 0.004677734981047266),
        (3.0, 2.2090496998585445e-05),
        (5.0, 1.5374597944280347e-12),
        (-1.0, 1.8427007929497148)
    ) as erfc_values (x, expected)
),

p_value_cases as (
    select
        p_value_values.z,
        p_value_values.expected
    from (
        values
        (0.0, 1.0),
        (1.0, 0.31731050786291415),
        (1.959963984540054, 0.05),
        (2.5758293035489, 0.01000000000000002),
        (3.5, 0.00046525815807105003),
        (6.0, 1.973175290075389e-09),
        (-2.0, 0.04550026389635839)
    ) as p_value_values (z, expected)
),

quantile_cases as (
    select
        quantile_values.p,
        quantile_values.expected
    from (
        values
        (0.5, 0.0),
        (0.975, 1.959963984540054),
        (0.995, 2.5758293035489004),
        (0.005, -2.575829303548901),
        (0.9, 1.2815515655446004),
        (0.01, -2.3263478740408408),
        (0.999, 3.090232306167813)
    ) as quantile_values (p, expected)
),

checked as (
    select
        'erfc' as macro_name,
        cast(x as double) as argument,
        cast(expected as double) as expected,
        {{ erfc('cast(x as double)') }} as actual
    from erfc_cases
    union all
    select
        'normal_two_sided_p_value' as macro_name,
        cast(z as double) as argument,
        cast(expected as double) as expected,
        {{ normal_two_sided_p_value('cast(z as double)') }} as actual
    from p_value_cases
    union all
    select
        'normal_quantile' as macro_name,
        cast(p as double) as argument,
        cast(expected as double) as expected,
        {{ normal_quantile('cast(p as double)') }} as actual
    from quantile_cases
)

select * from checked
where
    actual is null
    or (macro_name <> 'normal_quantile' and abs(actual - expected) > 2e-7 * expected)
    or (macro_name = 'normal_quantile' and abs(actual - expected) > 1e-8)
