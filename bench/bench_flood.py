"""A served app under a 40-session flood from one address still serves another visitor's fit promptly (issue 26).

The server runs with one fit worker process (``FRONTIER_LAG_FIT_WORKERS=1``) and an empty result store, so every NUTS
fit goes through the fair queue (model/serving/fit_queue.py). Clients speak Streamlit's websocket protocol (as
bench_server_load.py does) from distinct loopback addresses (127.0.0.2 for the flood, 127.0.0.3 for the visitor:
Streamlit reports no address for 127.0.0.1 itself, so the queue could not tell the clients apart there).

1. One fit compiles the worker's model (not timed); one more, alone, is the visitor's own fit time.
2. 40 sessions from 127.0.0.2 each ask for a different NUTS fit at once.
3. While they wait, a visitor from 127.0.0.3 asks for its own fit; its time is compared with its own fit time plus
   one queue slot (one fit of the flood, which may be running when it arrives).

    .venv/bin/python bench/bench_flood.py [--flood 40]
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_server_load import Session  # noqa: E402
from tests.chromium import served_app  # noqa: E402

MARKER = "probability it never closes"
BUSY = "The server is busy"


def fit_query(seed: int) -> str:
    return f"benchmark=intelligence_index_2026_10_10&engine=nuts&draws=300&chains=2&seed={seed}"


async def fit_from(url: str, address: str, seed: int) -> tuple[float, list[str]]:
    """(seconds, texts) of one session from ``address`` opening Trend fit with its own NUTS fit."""
    import websockets

    async with websockets.connect(url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, local_addr=(address, 0)) as ws:
        session = Session(ws)
        t0 = time.perf_counter()
        texts = await session.run("trend_fit", timeout=900, query=fit_query(seed))
        return time.perf_counter() - t0, texts


async def flood_run(flood: int) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        env = {"FRONTIER_LAG_FIT_WORKERS": "1", "FRONTIER_LAG_CACHE": cache, "FRONTIER_LAG_NO_WARMUP": "1"}
        with served_app(env=env) as (url, _):
            await fit_from(url, "127.0.0.4", 997)  # compiles the worker's model
            solo, texts = await fit_from(url, "127.0.0.4", 998)
            assert any(MARKER in t for t in texts), texts[-5:]
            flood_tasks = [asyncio.create_task(fit_from(url, "127.0.0.2", seed)) for seed in range(flood)]
            await asyncio.sleep(5)  # the flood is in: its first fit runs, two wait, the rest were refused
            visitor, texts = await fit_from(url, "127.0.0.3", 999)
            served = any(MARKER in t for t in texts)
            results = await asyncio.gather(*flood_tasks)
    busy = sum(any(BUSY in t for t in texts) for _, texts in results)
    fitted = [s for s, texts in results if any(MARKER in t for t in texts)]
    return {"solo": solo, "visitor": visitor, "visitor_served": served, "busy": busy, "flood_fitted": len(fitted),
            "flood_slot": min(fitted) if fitted else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=40)
    args = parser.parse_args()
    r = asyncio.run(flood_run(args.flood))
    bound = r["solo"] + r["flood_slot"]
    print(f"flood of {args.flood} sessions from one address: {r['busy']} refused as busy, {r['flood_fitted']} fitted")
    print(f"the visitor's own fit alone: {r['solo']:.1f} s; one queue slot (the flood's fastest fit): "
          f"{r['flood_slot']:.1f} s")
    print(f"the visitor under the flood: {r['visitor']:.1f} s, served: {r['visitor_served']} "
          f"(target <= own fit + one slot = {bound:.1f} s: {'PASS' if r['visitor'] <= bound else 'MISS'}); "
          f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
