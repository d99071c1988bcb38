"""The governed metrics' names, labels and descriptions, read from the semantic layer
(models/semantic/_semantic__metrics.yml), so the dashboard labels a KPI as the metric
that defines it does."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from crm_warehouse.settings import project_dir

METRICS_FILE = Path("models") / "semantic" / "_semantic__metrics.yml"


@dataclass(frozen=True)
class MetricInfo:
    name: str
    label_en: str
    label_zh: str
    description: str
    format: str

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


@cache
def governed_metrics(path: Path | None = None) -> dict[str, MetricInfo]:
    """Every metric of the semantic layer by name (empty when the project's files are
    not there, e.g. an installed package without its checkout)."""
    if path is None:
        try:
            path = project_dir() / METRICS_FILE
        except FileNotFoundError:
            return {}
    if not path.is_file():
        return {}
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    result: dict[str, MetricInfo] = {}
    for metric in document.get("metrics", []):
        meta = (metric.get("config") or {}).get("meta") or {}
        result[metric["name"]] = MetricInfo(
            name=metric["name"],
            label_en=metric.get("label", metric["name"]),
            label_zh=meta.get("label_zh", metric.get("label", metric["name"])),
            description=metric.get("description", ""),
            format=meta.get("format", "number"),
        )
    return result


def metric(name: str) -> MetricInfo:
    return governed_metrics().get(name) or MetricInfo(name, name, name, "", "number")


def format_value(value: float | None, kind: str) -> str:
    """A KPI value for display: percent, money (yuan), count, ratio (1:x) or score."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if kind == "percent":
        return f"{value:.1%}"
    if kind == "money":
        return f"¥{value:,.0f}"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "ratio":
        return f"1:{value:.2f}"
    if kind == "score":
        return f"{value:.1f}"
    return f"{value:,.2f}"


def format_change(change: float | None) -> str | None:
    return None if change is None else f"{change:+.1%}"
