"""An evaluation as the partnership reads it: terminal lines, CSV, and a printable HTML report.

The HTML is self-contained (charts as inline SVG drawn with matplotlib) and
prints well to PDF from a browser.
"""

from __future__ import annotations

import csv
import html
import io

from citysafe.schemes.evaluate import SchemeEvaluation, methods_text

ALL = "All crime"


def _pct(value) -> str:
    return "n/a" if value is None else f"{value:+.0f}%"


def _ratio_pct(ratio) -> str:
    return "n/a" if ratio is None else f"{(ratio - 1) * 100:+.0f}%"


def _interval(low, high) -> str:
    return f"{_ratio_pct(low)} to {_ratio_pct(high)}"


def headline_rows(report: SchemeEvaluation) -> list[dict]:
    """Per crime type in the inner ring: change and the effect against the control, with CIs."""
    data = report.as_dict()
    inner = data["rings"][0]
    rows = []
    for name, effect in sorted(inner["by_type"].items(), key=lambda kv: (kv[0] != ALL, kv[0])):
        relative = effect.get("relative") or {}
        rows.append(
            {
                "type": name,
                "before": effect["before"],
                "after": effect["after"],
                "change": _pct(effect.get("change_pct")),
                "change_ci": _interval(effect.get("ci_low"), effect.get("ci_high")),
                "relative": _ratio_pct(relative.get("ratio")),
                "relative_ci": _interval(relative.get("ci_low"), relative.get("ci_high")),
                "p": relative.get("p_value"),
            }
        )
    return rows


def csv_text(report: SchemeEvaluation) -> str:
    """One row per ring and crime type, with every figure of the contract."""
    buffer = io.StringIO()
    fields = [
        "inner_m",
        "outer_m",
        "crime_type",
        "before",
        "after",
        "change_pct",
        "rate_ratio",
        "ci_low",
        "ci_high",
        "p_value",
        "relative",
        "relative_ci_low",
        "relative_ci_high",
        "relative_p_value",
    ]
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for ring in report.as_dict()["rings"]:
        for name, effect in ring["by_type"].items():
            relative = effect.get("relative") or {}
            writer.writerow(
                {
                    "inner_m": ring["inner_m"],
                    "outer_m": ring["outer_m"],
                    "crime_type": name,
                    **{
                        k: effect.get(k)
                        for k in (
                            "before",
                            "after",
                            "change_pct",
                            "rate_ratio",
                            "ci_low",
                            "ci_high",
                            "p_value",
                        )
                    },
                    "relative": relative.get("ratio"),
                    "relative_ci_low": relative.get("ci_low"),
                    "relative_ci_high": relative.get("ci_high"),
                    "relative_p_value": relative.get("p_value"),
                }
            )
    return buffer.getvalue()


def _svg(figure) -> str:
    from matplotlib import pyplot as plt

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _series_chart(report: SchemeEvaluation) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    s = report.series
    figure, left = plt.subplots(figsize=(8, 3.2))
    left.plot(
        s.relative_months,
        s.inner,
        marker="o",
        color="#0b4f8a",
        label=f"within {report.settings.rings[0]:g} m of a site",
    )
    left.set_ylabel("crimes a month (inner ring)")
    right = left.twinx()
    right.plot(
        s.relative_months, s.control, color="#888888", linestyle="--", label="comparison area"
    )
    right.set_ylabel("crimes a month (comparison)")
    left.axvline(-0.5, color="#b00020", linewidth=2)
    left.text(-0.4, max(s.inner or [1]), " start", color="#b00020", va="top")
    left.set_xlabel("months relative to each site's start")
    left.set_title(f"{s.type_label}: monthly counts around the start")
    handles = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    labels = left.get_legend_handles_labels()[1] + right.get_legend_handles_labels()[1]
    left.legend(handles, labels, loc="lower left", fontsize=8)
    return _svg(figure)


def ring_chart(report: SchemeEvaluation) -> str:
    from matplotlib import pyplot as plt

    rings = report.as_dict()["rings"]
    labels, mid, low, high = [], [], [], []
    for ring in rings:
        relative = (ring["by_type"].get(ALL) or {}).get("relative") or {}
        if relative.get("ratio") is None:
            continue
        labels.append(f"{ring['inner_m']:g}-{ring['outer_m']:g} m")
        mid.append((relative["ratio"] - 1) * 100)
        low.append((relative["ratio"] - relative["ci_low"]) * 100)
        high.append((relative["ci_high"] - relative["ratio"]) * 100)
    figure, axes = plt.subplots(figsize=(8, 3))
    axes.errorbar(labels, mid, yerr=[low, high], fmt="o", color="#0b4f8a", capsize=4)
    axes.axhline(0, color="#444444", linewidth=1)
    axes.set_ylabel("change relative to comparison (%)")
    axes.set_title("All crime: effect by distance from the nearest site, with 95% CIs")
    return _svg(figure)


def _site_map(report: SchemeEvaluation) -> str:
    from matplotlib import pyplot as plt
    from matplotlib.patches import Circle

    from citysafe.geo import to_bng

    if not report.sites_lonlat:
        return "<p>An area scheme: see the areas' boundaries in the areas list.</p>"
    lon, lat = zip(*report.sites_lonlat, strict=True)
    x, y = to_bng(list(lon), list(lat))
    figure, axes = plt.subplots(figsize=(6, 6))
    for radius, shade in zip(
        reversed(report.settings.rings), ("#eef3f8", "#d6e4f0", "#b3cde3", "#8c96c6"), strict=False
    ):
        for cx, cy in zip(x, y, strict=True):
            axes.add_patch(Circle((cx, cy), radius, color=shade, alpha=0.5, linewidth=0))
    axes.scatter(x, y, s=14, color="#b00020", zorder=3, label="sites")
    pad = report.settings.rings[-1] * 1.5
    axes.set_xlim(min(x) - pad, max(x) + pad)
    axes.set_ylim(min(y) - pad, max(y) + pad)
    axes.set_aspect("equal")
    axes.set_xlabel("easting (m)")
    axes.set_ylabel("northing (m)")
    axes.set_title("Sites and their rings (British National Grid)")
    return _svg(figure)


def _table(rows: list[dict], columns: list[tuple[str, str]], caption: str) -> str:
    head = "".join(f"<th scope='col'>{html.escape(label)}</th>" for _, label in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(_fmt(row.get(key)))}</td>" for key, _ in columns)
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 0.01 else f"{value:,.2f}"
    return str(value)


def homes_line(homes: dict) -> str:
    """Seed 003's figures: burglary per 1,000 households, protected, unprotected, force."""

    def rate(part: dict | None) -> str:
        if not part:
            return "n/a"
        return f"{part['rate']:.1f} (95% CI {part['ci_low']:.1f} to {part['ci_high']:.1f})"

    ratio = homes["rate_ratio"]
    return (
        f"burglary per 1,000 households over the period: protected {rate(homes['protected'])}"
        f", unprotected {rate(homes['unprotected'])}, force area {rate(homes['force'])}; "
        f"protected vs unprotected {ratio['ratio']:.2f} (95% CI {ratio['ci_low']:.2f} to "
        f"{ratio['ci_high']:.2f}); {homes['share_protected'] * 100:.1f}% of programme "
        f"burglaries hit protected homes; {homes['link']}"
    )


def _homes_html(homes: dict | None) -> str:
    if not homes:
        return ""
    text = html.escape(homes_line(homes))
    return f"<section><h2>Protected and unprotected homes</h2><p>{text}</p></section>"


def _placebo_p(placebo: dict):
    return ((placebo.get("by_type") or {}).get(ALL) or {}).get("p_sim")


def html_report(report: SchemeEvaluation) -> str:
    data = report.as_dict()
    scheme = data["scheme"]
    placebo = data.get("placebo") or {}
    rows = headline_rows(report)
    columns = [
        ("type", "Crime type"),
        ("before", "Before"),
        ("after", "After"),
        ("change", "Change"),
        ("change_ci", "95% CI"),
        ("relative", "Against comparison"),
        ("relative_ci", "95% CI"),
        ("p", "p"),
    ]
    displacement = []
    for buffer in data.get("displacement") or []:
        effect = (buffer.get("by_type") or {}).get(ALL) or {}
        displacement.append(
            {
                "buffer": buffer.get("buffer"),
                "wdq": effect.get("wdq"),
                "reading": effect.get("reading"),
                "warning": effect.get("warning") or "",
            }
        )
    money = data.get("cost_benefit")
    money_html = "<p>No costs recorded for this scheme.</p>"
    if money:
        money_html = (
            f"<p>Net saving £{_fmt(money.get('net'))} (95% CI £{_fmt(money.get('saving_low'))} "
            f"to £{_fmt(money.get('saving_high'))} gross) against a cost of "
            f"£{_fmt(money.get('cost'))}; return per pound {_fmt(money.get('return_per_pound'))}; "
            f"break-even month {_fmt(money.get('break_even_month'))}.</p>"
            + (
                "<p class='warn'>Unverified unit costs: "
                f"{html.escape(', '.join(money['unverified']))}."
                "</p>"
                if money.get("unverified")
                else ""
            )
        )
    left_out = data.get("months_left_out") or []
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Evaluation: {html.escape(scheme["name"])}</title>
<style>
body {{ font-family: system-ui, Arial, sans-serif; max-width: 60rem; margin: 1rem auto;
  color: #1b1b1b; line-height: 1.45; padding: 0 1rem; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .9rem; }}
caption {{ text-align: left; font-weight: 700; }}
th, td {{ border-bottom: 1px solid #b1b4b6; padding: .3rem .4rem; text-align: left; }}
.methods {{ border: 2px solid #0b4f8a; padding: .5rem 1rem; }}
.warn {{ color: #b00020; }}
svg {{ max-width: 100%; height: auto; }}
@media print {{ body {{ margin: 0; }} section {{ break-inside: avoid; }} }}
</style></head><body>
<h1>{html.escape(scheme["name"])}: does it work?</h1>
<p>{html.escape(scheme["kind"])}; {scheme["sites"] or scheme["areas"]}
{"sites" if scheme["sites"] else "areas"}, starting {scheme["first_start"]}
{"" if scheme["last_start"] == scheme["first_start"] else "to " + scheme["last_start"]}.</p>
<section><h2>Before and after, within {report.settings.rings[0]:g} m</h2>
{_table(rows, columns, "Inner ring by crime type: change and effect against the comparison")}
<p>Placebo test (inner ring, all crime): pseudo p = {_fmt(_placebo_p(placebo))} from
{placebo.get("permutations")} placebo site sets. {html.escape(str(placebo.get("warning") or ""))}
</p></section>
<section><h2>Monthly series</h2>{_series_chart(report)}</section>
<section><h2>The halo: effect by distance</h2>{ring_chart(report)}</section>
<section><h2>Displacement or diffusion</h2>
{
        _table(
            displacement,
            [("buffer", "Buffer"), ("wdq", "WDQ"), ("reading", "Reading"), ("warning", "Warning")],
            "Weighted Displacement Quotient (Bowers and Johnson 2003), all crime",
        )
    }
</section>
{_homes_html(data.get("homes"))}
<section><h2>Costs and savings</h2>{money_html}</section>
<section><h2>Where</h2>{_site_map(report)}</section>
<section class="methods"><h2>Methods</h2><ul>
{"".join(f"<li>{html.escape(line)}</li>" for line in methods_text(report))}
{"".join(f"<li>Left out: {html.escape(str(m))}</li>" for m in left_out)}
</ul></section>
</body></html>"""
