"""Results in the formats analysts use: CSV, GeoJSON (cells as WGS84 squares), PNG maps."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from citysafe.analysis.hotspots import CLASS_LABELS, Hotspots
from citysafe.geo import to_wgs84

CELL_FIELDS = (
    "row",
    "col",
    "x",
    "y",
    "count",
    "z",
    "p_sim",
    "p_value",
    "q_value",
    "class",
    "label",
)


def cells_csv(result: Hotspots) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CELL_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(result.to_dict()["cells"])
    return buffer.getvalue()


def cells_geojson(result: Hotspots) -> dict:
    """Each cell of the study area as a square polygon (WGS84) with its figures."""
    half = result.grid.cell / 2
    cells = result.to_dict()["cells"]
    features = []
    if cells:
        cx = np.array([c["x"] for c in cells])
        cy = np.array([c["y"] for c in cells])
        corners_x = np.stack([cx - half, cx + half, cx + half, cx - half, cx - half], axis=1)
        corners_y = np.stack([cy - half, cy - half, cy + half, cy + half, cy - half], axis=1)
        lon, lat = to_wgs84(corners_x.ravel(), corners_y.ravel())
        lon, lat = lon.reshape(corners_x.shape), lat.reshape(corners_y.shape)
        for i, cell in enumerate(cells):
            ring = [
                [round(float(a), 6), round(float(b), 6)]
                for a, b in zip(lon[i], lat[i], strict=True)
            ]
            features.append(
                {
                    "type": "Feature",
                    "properties": cell,
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def png_map(result: Hotspots, path: Path, *, title: str) -> None:
    """A map of the cells by hot/cold class, with a legend; British National Grid axes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.colors import BoundaryNorm, ListedColormap

    colours = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]
    classes = np.where(result.gi.mask, result.gi.classes, np.nan)
    x0, y0, x1, y1 = result.grid.bounds
    figure, axes = plt.subplots(figsize=(8, 8 * (y1 - y0) / max(x1 - x0, 1)), dpi=120)
    axes.imshow(
        classes,
        origin="lower",
        extent=(x0, x1, y0, y1),
        cmap=ListedColormap(colours),
        norm=BoundaryNorm(np.arange(-3.5, 4.5), 7),
        interpolation="nearest",
    )
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[k + 3]) for k in range(3, -4, -1)]
    axes.legend(
        handles,
        [CLASS_LABELS[k] for k in range(3, -4, -1)],
        loc="upper left",
        fontsize=7,
        framealpha=0.9,
    )
    axes.set_title(title, fontsize=10)
    axes.set_xlabel("easting (m)")
    axes.set_ylabel("northing (m)")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
