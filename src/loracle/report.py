"""`loracle report RUN --out report.html`: one self-contained page (no external assets).

Plots are inline SVG drawn here (no plotting dependency): confusion matrix
(when val carried labels), confidence histogram, cost by role, latency
histogram. The per-item table filters by text, source and correctness in a few
lines of inline JavaScript. All user text is HTML-escaped.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

from .errors import LoracleError
from .io import atomic_write_text


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _hist_svg(values: list[float], bins: int, lo: float, hi: float, title: str,
              unit: str = "") -> str:
    if not values:
        return f"<p>{_e(title)}: no data</p>"
    counts = [0] * bins
    for v in values:
        i = min(bins - 1, max(0, int((v - lo) / (hi - lo or 1) * bins)))
        counts[i] += 1
    w, h, pad = 360, 160, 24
    top = max(counts) or 1
    bw = (w - 2 * pad) / bins
    bars = "".join(
        f'<rect x="{pad + i * bw:.1f}" y="{h - pad - c / top * (h - 2 * pad):.1f}" '
        f'width="{bw - 1:.1f}" height="{c / top * (h - 2 * pad):.1f}" fill="#4a7bd0">'
        f"<title>{lo + i * (hi - lo) / bins:.3g}–{lo + (i + 1) * (hi - lo) / bins:.3g}{unit}: {c}</title></rect>"
        for i, c in enumerate(counts))
    return (f'<figure><figcaption>{_e(title)}</figcaption><svg width="{w}" height="{h}" '
            f'role="img" aria-label="{_e(title)}">{bars}'
            f'<text x="{pad}" y="{h - 6}" font-size="10">{lo:.3g}{unit}</text>'
            f'<text x="{w - pad}" y="{h - 6}" font-size="10" text-anchor="end">{hi:.3g}{unit}</text>'
            f"</svg></figure>")


def _bar_svg(data: dict[str, float], title: str, fmt: str = "{:.6f}") -> str:
    if not data:
        return f"<p>{_e(title)}: none (fully local run)</p>"
    w, rowh = 360, 22
    top = max(data.values()) or 1
    rows = "".join(
        f'<text x="0" y="{i * rowh + 15}" font-size="11">{_e(k)}</text>'
        f'<rect x="90" y="{i * rowh + 4}" width="{max(1, v / top * 200):.1f}" height="14" '
        f'fill="#d07a4a"/><text x="{95 + v / top * 200:.1f}" y="{i * rowh + 15}" '
        f'font-size="11">{_e(fmt.format(v))}</text>'
        for i, (k, v) in enumerate(sorted(data.items())))
    return (f'<figure><figcaption>{_e(title)}</figcaption><svg width="{w}" '
            f'height="{len(data) * rowh + 8}" role="img" aria-label="{_e(title)}">{rows}'
            f"</svg></figure>")


def _confusion_svg(pairs: list[tuple[str, str]], title: str) -> str:
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs})
    if not pairs or len(labels) > 80:
        return f"<p>{_e(title)}: {'no labelled items' if not pairs else 'too many labels'}</p>"
    idx = {l: i for i, l in enumerate(labels)}
    n = len(labels)
    m = [[0] * n for _ in range(n)]
    for g, p in pairs:
        m[idx[g]][idx[p]] += 1
    cell = max(6, min(24, 480 // n))
    off = 150
    top = max(max(r) for r in m) or 1
    cells = []
    for i in range(n):
        for j in range(n):
            if m[i][j]:
                a = 0.15 + 0.85 * m[i][j] / top
                color = "40,140,60" if i == j else "200,50,50"
                cells.append(f'<rect x="{off + j * cell}" y="{4 + i * cell}" width="{cell}" '
                             f'height="{cell}" fill="rgba({color},{a:.2f})"><title>gold '
                             f'{_e(labels[i])} → pred {_e(labels[j])}: {m[i][j]}</title></rect>')
    names = "".join(f'<text x="{off - 4}" y="{4 + i * cell + cell * 0.7}" font-size="9" '
                    f'text-anchor="end">{_e(l[:24])}</text>' for i, l in enumerate(labels))
    return (f'<figure><figcaption>{_e(title)} (rows: gold, columns: predicted, same '
            f'order)</figcaption><svg width="{off + n * cell + 4}" height="{n * cell + 8}" '
            f'role="img" aria-label="{_e(title)}">'
            f'<rect x="{off}" y="4" width="{n * cell}" height="{n * cell}" fill="#f4f4f4"/>'
            f'{"".join(cells)}{names}</svg></figure>')


SCRIPT = """
function filt(){const q=document.getElementById('q').value.toLowerCase();
const s=document.getElementById('src').value, c=document.getElementById('ok').value;
let n=0;for(const r of document.querySelectorAll('#items tbody tr')){
const show=(!q||r.textContent.toLowerCase().includes(q))&&(!s||r.dataset.source===s)
&&(!c||r.dataset.correct===c);r.style.display=show?'':'none';if(show)n++;}
document.getElementById('shown').textContent=n;}
"""


def build_html(store, run_id: str) -> str:
    from .runs_view import show_run

    info = show_run(store, run_id)
    items = store.items(info["id"])
    calls = store.calls(info["id"])
    preds = [i["output"] for i in items]
    pairs = [((i.get("metrics") or {})["gold"], i["output"]["predicted_intent"]) for i in items
             if (i.get("metrics") or {}).get("gold")]
    conf = [p["confidence"] for p in preds if "confidence" in p]
    lat = [p["latency_ms"] for p in preds if "latency_ms" in p]
    cost = {k: v["usd"] for k, v in info["cost_by_role"].items()}
    metrics = "".join(f"<tr><th>{_e(k)}</th><td>{_e(json.dumps(v))}</td></tr>"
                      for k, v in (info["metrics"] or {}).items())
    timings = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>"
                      for k, v in (info["timings"] or {}).items())
    rows = []
    for i in items:
        p, m = i["output"], i.get("metrics") or {}
        correct = "" if m.get("correct") is None else ("yes" if m["correct"] else "no")
        rows.append(
            f'<tr data-source="{_e(p.get("source", ""))}" data-correct="{correct}">'
            f'<td>{_e(i["item_id"])}</td><td>{_e((i["input"] or {}).get("ticket", ""))[:400]}</td>'
            f'<td>{_e(p.get("predicted_intent", ""))}</td><td>{_e(p.get("prediction", ""))}</td>'
            f'<td>{p.get("confidence", 0):.3f}</td><td>{_e(p.get("source", ""))}</td>'
            f"<td>{correct}</td><td>{p.get('latency_ms', 0):.0f}</td></tr>")
    lat_hi = max(lat) if lat else 1.0
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>loracle run {_e(info['id'])}</title>
<style>body{{font:14px system-ui,sans-serif;margin:24px;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}}
#items td:nth-child(2),#items td:nth-child(4){{max-width:420px}}
.plots{{display:flex;flex-wrap:wrap;gap:24px}}figcaption{{font-weight:600;margin-bottom:4px}}</style>
</head><body>
<h1>Run {_e(info['id'])}</h1>
<p>job <b>{_e(info['job'])}</b> · status <b>{_e(info['status'])}</b> · seed {_e(info['seed'])}
 · config {_e(info['config_hash'][:12])} · {len(items)} items · {len(calls)} provider calls
 ({sum(c['cache_hit'] for c in calls)} from cache) · total ${sum(cost.values()):.6f}</p>
<h2>Metrics</h2><table id="metrics">{metrics}{timings}</table>
<h2>Plots</h2><div class="plots">
{_confusion_svg(pairs, "Confusion matrix")}
{_hist_svg(conf, 10, 0.0, 1.0, "Confidence")}
{_bar_svg(cost, "Cost by role (USD)")}
{_hist_svg(lat, 12, 0.0, lat_hi, "Latency per item", " ms")}
</div>
<h2>Items (<span id="shown">{len(items)}</span> shown)</h2>
<p><input id="q" placeholder="search" oninput="filt()">
<select id="src" onchange="filt()"><option value="">any source</option><option>local</option><option>fallback</option></select>
<select id="ok" onchange="filt()"><option value="">any</option><option value="yes">correct</option><option value="no">wrong</option></select></p>
<table id="items"><thead><tr><th>id</th><th>input</th><th>intent</th><th>prediction</th>
<th>conf</th><th>source</th><th>correct</th><th>ms</th></tr></thead><tbody>
{''.join(rows)}</tbody></table>
<script>{SCRIPT}</script></body></html>
"""


def write_report(store, run_id: str, out: str | Path) -> None:
    if store.run(run_id) is None:
        raise LoracleError(f"no run '{run_id}' in {store.path}")
    atomic_write_text(out, build_html(store, run_id))
