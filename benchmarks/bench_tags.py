"""Benchmark: the tag matrix (the customer feature model, the wide
customer_tag_matrix evaluated on it and the long form customer_tags unpivoted from it)
at a given scale.

Same machinery as bench_value.py: per scale, prepare (not timed) a warehouse built
through everything the tag models read, then N timed `dbt run`s of TAG_SELECT. Results
go to benchmarks/tags_results.json and tags_results.md. Target (issue 5): 1.2M
customers x 120+ tags <= 90 s on 2 cores, peak memory <= 4 GB.

    python benchmarks/bench_tags.py --scales 1200000 --runs 3 --database W --staged
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from bench_identity import HERE
from bench_value import arguments, run_benchmark, write_md

RESULTS_JSON, RESULTS_MD = HERE / "tags_results.json", HERE / "tags_results.md"
TAG_SELECT = [
    "customer_features",
    "customer_tag_matrix",
    "customer_tags",
]
TARGET_SECONDS, TARGET_MIB = 90, 4096


def main() -> None:
    args = arguments(__doc__.splitlines()[0], Path("/work/bench_data/tags"))
    write = partial(
        write_md,
        title="Tag matrix benchmark",
        script="bench_tags.py",
        select=TAG_SELECT,
        description=["(features, wide form, long form),"],
        target_seconds=TARGET_SECONDS,
        target_mib=TARGET_MIB,
        path=RESULTS_MD,
    )
    run_benchmark(args, TAG_SELECT, RESULTS_JSON, write)
    print(RESULTS_MD.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
