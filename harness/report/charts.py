"""Charts as inline SVG, drawn at build time (no JavaScript, no network).

Colours come from CSS classes (``st-pass``, ``band-3``...) so the page's light and dark schemes
apply; every chart has a ``<title>``/``<desc>`` and text labels, never colour alone. All text
that reaches the SVG is escaped here.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from functools import lru_cache

from markupsafe import Markup, escape

from harness.report.model import STATUS_SYMBOL, STATUSES

_FONT = 'font-size="11"'


def band(score: float | None) -> str:
    """CSS class of a 0-100 score's colour band (5 bands; ``band-na`` when unscored)."""
    if score is None:
        return "band-na"
    return f"band-{min(4, max(0, int(score // 20)))}"


def bar(score: float | None) -> Markup:
    """A small horizontal bar for a 0-100 score (the number is printed beside it): one empty
    element, its fill a CSS gradient whose stop is a class (``w0`` ... ``w100``, see
    ``bar_css``) and colour its band's, not an SVG drawing: it is repeated in every score
    cell of the leaderboard and the task tables."""
    percent = 0 if score is None else round(max(0.0, min(100.0, score)))
    return Markup(f'<i class="bar {band(score)} w{percent}"></i>')


def bar_css() -> str:
    """The fill stops of ``bar``, one class per whole percent (appended to report.css: a
    Content-Security-Policy without 'unsafe-inline' forbids a style attribute)."""
    return "\n".join(f".bar.w{p} {{ --w: {p}%; }}" for p in range(101)) + "\n"


@lru_cache(maxsize=64)
def badge(status: str) -> Markup:
    """A status with its symbol (so no view relies on colour alone); called for every
    criterion and finding of a page, so built in Python once per status, not per use."""
    text = escape(status)
    return Markup(
        f'<span class="badge st-{text}"><span aria-hidden="true">'
        f"{escape(STATUS_SYMBOL.get(status, '?'))}</span> {text}</span>"
    )


def scorecell(value: float | None) -> Markup:
    """A score as a bar and its whole number (``n/a`` when unscored)."""
    number = "n/a" if value is None else f"{value:.0f}"
    return Markup(f'<span class="scorecell">{bar(value)}<span class="num">{number}</span></span>')


def displayed_score(value: float) -> int:
    """The whole number a table prints for ``value`` (``f"{value:.0f}"``, which rounds half
    to even on the binary value): charts bin by this so a bar never disagrees with a table."""
    return int(f"{value:.0f}")


def histogram(
    scores: Sequence[float], ideal_scores: Sequence[float], width: int = 420, height: int = 220
) -> Markup:
    """Distribution of overall scores in bins of 10, model responses and ideals stacked."""
    left, bottom, top = 34, 30, 14
    plot_w, plot_h = width - left - 10, height - bottom - top
    bins = 10

    def counts(values: Sequence[float]) -> list[int]:
        # binned by the score as the tables print it (29.97 shows as 30, so it is a 30-40)
        out = [0] * bins
        for v in values:
            out[min(bins - 1, max(0, int(displayed_score(v)) // 10))] += 1
        return out

    model, ideal = counts(scores), counts(ideal_scores)
    highest = max([m + i for m, i in zip(model, ideal, strict=True)] + [1])
    tick_step = max(1, math.ceil(highest / 4))
    peak = tick_step * math.ceil(highest / tick_step)
    step = plot_w / bins
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="hist-t hist-d" {_FONT}>',
        '<title id="hist-t">Distribution of overall scores</title>',
        f'<desc id="hist-d">{len(scores)} model responses and {len(ideal_scores)} ideal '
        "responses in bins of 10 points</desc>",
    ]
    for label in range(0, peak + 1, tick_step):
        y = top + plot_h - plot_h * label / peak
        parts.append(
            f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{label}</text>'
        )
    for i in range(bins):
        x = left + i * step + 2
        m_h = plot_h * model[i] / peak
        i_h = plot_h * ideal[i] / peak
        y_m = top + plot_h - m_h
        y_i = y_m - i_h
        span = f"{i * 10}-{i * 10 + 10 if i < bins - 1 else 100}"
        tip = f"{span}: {model[i]} model, {ideal[i]} ideal"
        parts.append(
            f"<g><title>{escape(tip)}</title>"
            f'<rect class="{band(i * 10 + 5)}" x="{x:.1f}" y="{y_m:.1f}" width="{step - 4:.1f}" '
            f'height="{m_h:.1f}"/>'
            f'<rect class="ideal" x="{x:.1f}" y="{y_i:.1f}" width="{step - 4:.1f}" '
            f'height="{i_h:.1f}"/></g>'
        )
        total = model[i] + ideal[i]
        if total:
            parts.append(
                f'<text class="value" x="{x + (step - 4) / 2:.1f}" y="{y_i - 3:.1f}" '
                f'text-anchor="middle">{total}</text>'
            )
        parts.append(
            f'<text class="axis" x="{x + (step - 4) / 2:.1f}" y="{top + plot_h + 14}" '
            f'text-anchor="middle">{i * 10}</text>'
        )
    parts.append(
        f'<text class="axis" x="{left + plot_w / 2:.1f}" y="{height - 2}" text-anchor="middle">'
        "overall score</text>"
        f'<rect class="band-4" x="{left + plot_w - 150}" y="2" width="10" height="10"/>'
        f'<text class="label" x="{left + plot_w - 136}" y="11">model</text>'
        f'<rect class="ideal" x="{left + plot_w - 90}" y="2" width="10" height="10"/>'
        f'<text class="label" x="{left + plot_w - 76}" y="11">ideal</text></svg>'
    )
    return Markup("".join(parts))


def boxplots(
    series: Mapping[str, Sequence[float]], titles: Mapping[str, str], width: int = 420
) -> Markup:
    """One horizontal box plot (min, quartiles, median, max) per category, scores 0-100."""
    row_h, left, right, top = 24, 120, 70, 10
    plot_w = width - left - right
    height = top + row_h * max(1, len(series)) + 24
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="box-t" {_FONT}>',
        '<title id="box-t">Category scores across responses (box: quartiles, line: median)</title>',
    ]
    for tick in range(0, 101, 25):
        x = left + plot_w * tick / 100
        parts.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 20}"/>'
            f'<text class="axis" x="{x:.1f}" y="{height - 6}" text-anchor="middle">{tick}</text>'
        )
    for row, (cat, values) in enumerate(series.items()):
        y = top + row * row_h + row_h / 2
        title = escape(titles.get(cat, cat))
        parts.append(
            f'<text class="label" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{title}</text>'
        )
        if not values:
            parts.append(f'<text class="axis" x="{left + 4}" y="{y + 4:.1f}">all n/a</text>')
            continue
        ordered = sorted(values)
        lo, hi = ordered[0], ordered[-1]
        if len(ordered) >= 2:
            q1, med, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        else:
            q1 = med = q3 = ordered[0]

        def sx(v: float) -> float:
            return left + plot_w * max(0.0, min(100.0, v)) / 100

        tip = (
            f"{titles.get(cat, cat)}: n={len(ordered)}, min {lo:.0f}, q1 {q1:.0f}, "
            f"median {med:.0f}, q3 {q3:.0f}, max {hi:.0f}"
        )
        parts.append(
            f"<g><title>{escape(tip)}</title>"
            f'<line class="whisker" x1="{sx(lo):.1f}" x2="{sx(hi):.1f}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/>'
            f'<rect class="box {band(med)}" x="{sx(q1):.1f}" y="{y - 7:.1f}" '
            f'width="{max(1.5, sx(q3) - sx(q1)):.1f}" height="14"/>'
            f'<line class="median" x1="{sx(med):.1f}" x2="{sx(med):.1f}" y1="{y - 8:.1f}" '
            f'y2="{y + 8:.1f}"/></g>'
            f'<text class="value" x="{left + plot_w + 6}" y="{y + 4:.1f}">median {med:.0f}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def status_stacks(
    table: Mapping[str, Mapping[str, int]], titles: Mapping[str, str], width: int = 420
) -> Markup:
    """Per category, how often each status occurred (100% stacked bars with counts)."""
    row_h, left, right, top = 24, 120, 10, 26
    plot_w = width - left - right
    height = top + row_h * max(1, len(table)) + 6
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="st-t" {_FONT}>',
        '<title id="st-t">How often each status occurs, per category</title>',
    ]
    x = float(left)
    for status in STATUSES:  # legend
        parts.append(
            f'<rect class="st-{status}" x="{x:.0f}" y="4" width="12" height="12"/>'
            f'<text class="label" x="{x + 16:.0f}" y="14">{status}</text>'
        )
        x += 16 + 8 * len(status) + 14
    for row, (cat, counts) in enumerate(table.items()):
        y = top + row * row_h
        total = sum(counts.values())
        parts.append(
            f'<text class="label" x="{left - 6}" y="{y + 14}" text-anchor="end">'
            f"{escape(titles.get(cat, cat))}</text>"
        )
        x = float(left)
        for status in STATUSES:
            n = counts.get(status, 0)
            if not n or not total:
                continue
            w = plot_w * n / total
            parts.append(
                f"<g><title>{escape(titles.get(cat, cat))}: {n} {status}</title>"
                f'<rect class="st-{status}" x="{x:.1f}" y="{y + 2}" width="{w:.1f}" '
                f'height="{row_h - 6}"/></g>'
            )
            if w >= 22:
                parts.append(
                    f'<text class="on-status" x="{x + w / 2:.1f}" y="{y + 15}" '
                    f'text-anchor="middle">{n}</text>'
                )
            x += w
    parts.append("</svg>")
    return Markup("".join(parts))
