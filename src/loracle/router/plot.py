"""A self-contained HTML page with the router's curves as inline SVG (no JS, no network)."""
from __future__ import annotations

import html
import json


def _polyline(points, x0, x1, y0, y1, w=420, h=260, pad=40) -> str:
    def sx(x):
        return pad + (x - x0) / ((x1 - x0) or 1) * (w - 2 * pad)

    def sy(y):
        return h - pad - (y - y0) / ((y1 - y0) or 1) * (h - 2 * pad)
    return " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)


def _svg(title: str, series: dict[str, list], xlabel: str, ylabel: str) -> str:
    pts = [p for s in series.values() for p in s]
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#7f7f7f"]
    lines = [f'<polyline fill="none" stroke="{colors[i % 4]}" stroke-width="2" '
             f'points="{_polyline(sorted(s), x0, x1, y0, y1)}"/>'
             f'<text x="300" y="{20 + 14 * i}" fill="{colors[i % 4]}" font-size="11">'
             f'{html.escape(name)}</text>' for i, (name, s) in enumerate(series.items())]
    return (f'<figure><figcaption>{html.escape(title)}</figcaption><svg width="420" '
            f'height="260" xmlns="http://www.w3.org/2000/svg"><rect x="40" y="40" width="340" '
            f'height="180" fill="none" stroke="#ccc"/>{"".join(lines)}'
            f'<text x="150" y="255" font-size="11">{html.escape(xlabel)} '
            f'[{x0:.3g}..{x1:.3g}]</text><text x="2" y="30" font-size="11">'
            f'{html.escape(ylabel)} [{y0:.3g}..{y1:.3g}]</text></svg></figure>')


def curve_html(ev: dict) -> str:
    r = ev["router"]
    figs = [_svg(f"Strong-model calls vs quality ({ev['strong']} / {ev['weak']}); APGR "
                 f"{r['apgr']}", {"router": r["curve"],
                                   "weak only": [[0, r["weak_quality"]], [1, r["weak_quality"]]],
                                   "strong only": [[0, r["strong_quality"]],
                                                   [1, r["strong_quality"]]]},
                 "share of strong calls", "mean quality"),
            _svg(f"Quality vs cost, area {ev['quality_cost']['area']}",
                 {"router": ev["quality_cost"]["curve"]}, "USD per query", "mean quality")]
    table = html.escape(json.dumps({k: v for k, v in ev.items() if k != "quality_cost"},
                                   indent=1, default=str))
    return ("<!doctype html><meta charset='utf-8'><title>loracle router eval</title>"
            "<body style='font-family:sans-serif'><h1>Router evaluation</h1>"
            + "".join(figs) + f"<pre>{table}</pre></body>")
