"""PNG copies of the charts, from kaleido when a Chromium is at hand; the HTML stands
without them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import plotly.graph_objects as go


BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser() -> str | None:
    """The Chromium kaleido would use: BROWSER_PATH if set, else one on PATH; None if none."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return next((path for name in BROWSER_NAMES if (path := shutil.which(name))), None)


def render_pngs(figures: dict[str, tuple[go.Figure, dict]], browser: str,
                timeout: float = 180) -> dict[str, bytes]:
    """PNG bytes of each figure, from one browser for the whole batch.

    A cold kaleido call starts a browser for each image (2–7 s); one Kaleido session
    renders later images in a fraction of a second. MathJax is off, so nothing is
    fetched from the web.
    """
    import kaleido  # only when images are made: it starts a browser

    async def render() -> dict[str, bytes]:
        async with kaleido.Kaleido(n=1, mathjax=False, path=browser) as k:
            return {name: await k.calc_fig(fig, opts={"format": "png", **opts})
                    for name, (fig, opts) in figures.items()}

    async def bounded() -> dict[str, bytes]:
        return await asyncio.wait_for(render(), timeout)

    # A thread of its own, so that a caller already inside an event loop is no obstacle.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, bounded()).result()
