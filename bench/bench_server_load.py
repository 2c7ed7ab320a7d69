"""Server-only load test: the load loop of bench_load.py, driven through Streamlit's own websocket protocol, no browser.

bench_load.py runs six headless Chromium clients on the same two cores as the server; in that run most of the CPU goes
to the browsers (it prints the split), so its latencies say more about Chromium than about the server. Here each client
speaks the protocol a browser speaks (``/_stcore/stream``: BackMsg rerun requests in, ForwardMsg deltas out) without
rendering anything: a page's answer counts when the script run that carries its marker text has finished. What a
deployment's visitors see, where the browsers run on their own machines.

Each client loops: a new session on the answer page, Frontiers, Lag overview, Trend fit, then Trend fit opened by a
shared link with a prior of its own (``--varied``: a slope prior mean no other client or loop asks for, so every refit
is real, not shared), timing each until its answer is in.

Each process is warmed first (one client's loop on its own port, not timed). ``--processes 2`` serves the app from two
processes behind nginx (deploy/nginx.conf, as tests/serving/test_proxy.py
runs it); ``--compare`` runs one process, then two, with the same clients, and prints the p95 ratio (one run: this
machine is noisy, so a ratio measured in one run is the figure to quote).

``--pooled-clients N`` adds N clients that each open the Pooled page by a link with a population prior of their own
(a fit in the worker pool every loop); ``--host-fit-slots S`` sets the host's fit slots (model/serving/host_slots.py)
for the app processes: with two processes, 1 (the default on two cores) against 2 (as if each process had its own
pool) shows what sharing them does to the other readers' pages and to the pooled fits.

    .venv/bin/python bench/bench_server_load.py [--clients 6] [--seconds 120] [--varied] [--processes 2 | --compare]
                                                [--pooled-clients 4] [--host-fit-slots 1]
"""

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.bench_load import cpu_seconds, machine_busy_seconds, peak_rss_mb, print_load  # noqa: E402
from tests.chromium import served_app  # noqa: E402

#: (url path of the page, text its answer carries), as in bench_load.py.
STEPS = [("", "by the end of 2027"), ("frontiers", "Show the lag at"), ("lag_overview", "Every benchmark"),
         ("trend_fit", "probability it never closes")]
SLIDER = "Slope prior mean (months of lag per year)"
POOLED_MARKER = "Population and a new benchmark"


def element_texts(msg, texts: list, sliders: dict) -> None:
    """Collect the text a delta shows (markdown, headings, captions, alerts, labels) and the sliders it declares."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return
    el = msg.delta.new_element
    kind = el.WhichOneof("type")
    if kind is None:
        return
    part = getattr(el, kind)
    for field in ("body", "label"):
        value = getattr(part, field, None)
        if isinstance(value, str) and value:
            texts.append(value)
    if kind == "slider":
        sliders[part.label] = part


class Session:
    """One browser tab's worth of protocol: a websocket, the pages the app offers, the widgets last seen."""

    def __init__(self, ws) -> None:
        self.ws, self.pages, self.sliders = ws, {}, {}

    async def run(self, page: str = "", widgets=None, timeout: float = 300, query: str = "") -> list[str]:
        """Ask for a script run of ``page`` with ``widgets`` (a WidgetStates, or None) and return the texts it showed.
        ``query``: a shared link's query string, opening ``page`` by its address (links apply on a session's first run)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        back = BackMsg()
        back.rerun_script.query_string = query
        if query:
            back.rerun_script.page_name = page  # the address's path, as a browser opening the link sends it
        elif page and page in self.pages:
            back.rerun_script.page_script_hash = self.pages[page]
        if widgets is not None:
            back.rerun_script.widget_states.CopyFrom(widgets)
        await self.ws.send(back.SerializeToString())
        return await self.until_finished(timeout)

    async def until_finished(self, timeout: float = 300) -> list[str]:
        """The texts of the next script run the server finishes (a page's own rerun included: a fit in the queue
        reruns its page when it is done)."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        texts: list[str] = []
        deadline = time.perf_counter() + timeout
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=max(deadline - time.perf_counter(), 0.1))
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "new_session":
                self.pages = self.pages or {p.url_pathname: p.page_script_hash for p in msg.new_session.app_pages}
            elif kind == "script_finished":
                return texts
            element_texts(msg, texts, self.sliders)

    def nudged(self, label: str):
        """Widget states with the slider ``label`` one step up (the keyboard's ArrowRight)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        slider = self.sliders[label]
        states = WidgetStates()
        state = states.widgets.add()
        state.id = slider.id
        current = slider.value[0] if slider.value else slider.default[0]  # ``value`` is set only when the app set it
        state.double_array_value.data.extend([min(current + slider.step, slider.max)])
        return states


async def answer_by_link(session: Session, page: str, query: str, marker: str, deadline: float) -> bool:
    """Open ``page`` by a shared link; has its answer (``marker``) arrived? A fit in the queue reruns its page when done."""
    texts = await session.run(page, query=query)
    for _ in range(40):
        if any(marker in t for t in texts):
            return True
        texts = await session.until_finished(timeout=max(deadline - time.perf_counter(), 30))
    return any(marker in t for t in texts)


def pooled_query() -> str:
    """The Pooled page's link to the pooled answer's settings (its population prior added by each client)."""
    from urllib.parse import urlencode

    from model.analysis import FitSettings
    from model.data.embedded import load_embedded
    from model.presentation.links import link_params
    from model.robustness.windows import pooled_answer_settings

    return urlencode(link_params(pooled_answer_settings(load_embedded("aa")), page="pooled", base=FitSettings()))


async def client(url: str, deadline: float, latencies: list, errors: list, *, prior: float | None = None,
                 by_step: dict | None = None, pooled: bool = False) -> None:
    """One reader's loop until ``deadline``; ``pooled``: the Pooled page by a link with a population prior of its own
    (``prior``) instead."""
    import websockets

    by_step = {} if by_step is None else by_step

    def took(step: str, t0: float) -> None:
        latencies.append(time.perf_counter() - t0)
        by_step.setdefault(step, []).append(latencies[-1])

    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    loop = 0
    while time.perf_counter() < deadline:
        loop += 1
        try:
            async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None) as ws:
                session = Session(ws)
                if pooled:  # the Pooled page by a link with a population prior of its own: a worker fit every loop
                    t0 = time.perf_counter()
                    query = f"{pooled_query()}&pp_pop_slope_mean={prior - 0.01 * loop:.3f}"
                    if not await answer_by_link(session, "pooled", query, POOLED_MARKER, deadline):
                        errors.append("no answer on Pooled for a varied prior")
                    took("new session: pooled by a link with its own population prior", t0)
                    continue
                if prior is not None:  # a link with a prior of its own: a real fit every loop
                    t0 = time.perf_counter()
                    query = f"benchmark=intelligence_index_2026_10_10&p_slope_mean={prior - 0.01 * loop:.3f}&draws=300&chains=2"
                    if not await answer_by_link(session, "trend_fit", query, STEPS[-1][1], deadline):
                        errors.append("no answer for a varied prior")
                    took("new session: trend_fit by a link with its own prior", t0)
                for page, marker in STEPS:
                    t0 = time.perf_counter()
                    texts = await session.run(page)
                    if not any(marker in t for t in texts):
                        errors.append(f"no answer on {page or 'the answer page'}")
                    took(page or "answer page", t0)
                if prior is None:
                    t0 = time.perf_counter()
                    texts = await session.run("trend_fit", session.nudged(SLIDER))
                    if not any(STEPS[-1][1] in t for t in texts):
                        errors.append("no answer after the prior change")
                    took("trend_fit after a prior change", t0)
        except Exception as exc:  # a timeout or a dropped connection counts as an error, the load goes on
            errors.append(f"{exc.__class__.__name__}: {str(exc)[:80]}")


@contextlib.contextmanager
def served(processes: int):
    """(URL, server pids, each process's own URL): one app process, or ``processes`` behind nginx sharing one cache and
    secret."""
    if processes == 1:
        info: dict = {}
        with served_app(info=info) as (url, _):
            yield url, [info["pid"]], [url]
        return
    from tests.chromium import free_port
    from tests.serving.test_proxy import nginx, render

    root = Path(tempfile.mkdtemp(prefix="frontier-lag-proxy-"))
    env = {"FRONTIER_LAG_CACHE": str(root / "cache"), "FRONTIER_LAG_SECRET_FILE": str(root / "secret" / "s"),
           "FRONTIER_LAG_TRUSTED_PROXIES": "127.0.0.1"}  # as deploy/frontier-lag@.service sets it
    with contextlib.ExitStack() as stack:
        infos = [{} for _ in range(processes)]
        urls = [stack.enter_context(served_app(info=i, env=env))[0] for i in infos]
        listen, prefix = free_port(), root / "nginx"
        prefix.mkdir()
        (prefix / "nginx.conf").write_text(render(listen, [int(u.rsplit(":", 1)[1]) for u in urls], prefix))
        url = f"http://127.0.0.1:{listen}"
        stack.enter_context(nginx(prefix / "nginx.conf", prefix, url))
        yield url, [i["pid"] for i in infos], urls


async def run_server_load(clients: int, seconds: float, *, processes: int = 1,
                          varied: bool = False, by_step: dict | None = None, pooled_clients: int = 0
                          ) -> tuple[list[float], list[str], float, dict]:
    """(latencies, errors, the largest server peak RSS in MB, CPU use) of ``clients`` protocol sessions looping for
    ``seconds`` against ``processes`` app processes; ``by_step`` collects the latencies by step as well."""
    with served(processes) as (url, pids, own_urls):
        # Each process warmed first, straight to its own port (data loaded, fit worker started, first fits made): a
        # deployment serves readers warm; the cold start is bench_first_page.py's business, not the load's.
        await asyncio.gather(*(client(u, time.perf_counter() + 1, [], [], prior=-9.9 if varied else None) for u in own_urls),
                             *(client(u, time.perf_counter() + 1, [], [], prior=-9.9, pooled=True)  # its fit worker too
                               for u in (own_urls if pooled_clients else [])))
        latencies, errors = [], []
        t0, server0, busy0 = time.perf_counter(), sum(cpu_seconds(p) for p in pids), machine_busy_seconds()
        await asyncio.gather(*(client(url, t0 + seconds, latencies, errors, prior=(-4.0 + 0.37 * i) if varied else None,
                                      by_step=by_step) for i in range(clients)),
                             *(client(url, t0 + seconds, latencies, errors, prior=-2.0 + 0.29 * i, by_step=by_step, pooled=True)
                               for i in range(pooled_clients)))
        cpu = {"wall": time.perf_counter() - t0, "server": sum(cpu_seconds(p) for p in pids) - server0,
               "machine": machine_busy_seconds() - busy0}
        rss = max(peak_rss_mb(p) for p in pids)
    return latencies, errors, rss, cpu


def main():
    from bench.bench_load import p95

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--varied", action="store_true", help="each client's own prior: every refit is real")
    parser.add_argument("--compare", action="store_true", help="one process, then two behind nginx; the p95 ratio")
    parser.add_argument("--pooled-clients", type=int, default=0,
                        help="more clients, each opening the Pooled page by a link with its own population prior")
    parser.add_argument("--host-fit-slots", type=int, default=0, help="FRONTIER_LAG_HOST_FIT_SLOTS for the app processes")
    args = parser.parse_args()
    if args.host_fit_slots:
        os.environ["FRONTIER_LAG_HOST_FIT_SLOTS"] = str(args.host_fit_slots)
    runs = (1, 2) if args.compare else (args.processes,)
    p95s = {}
    for n in runs:
        print(f"--- {n} process(es){' behind nginx' if n > 1 else ''}")
        by_step: dict = {}
        result = asyncio.run(run_server_load(args.clients, args.seconds, processes=n, varied=args.varied, by_step=by_step,
                                             pooled_clients=args.pooled_clients))
        if not result[0]:
            print(f"no page answered; errors: {sorted(set(result[1]))[:10]}")
            return
        print_load(args.clients, args.seconds, *result)
        for step, values in by_step.items():
            print(f"  {step}: {len(values)} answered, p50 {np.median(values):.2f} s, p95 {np.quantile(values, 0.95):.2f} s, "
                  f"max {max(values):.2f} s")
        p95s[n] = p95(result[0])
    if args.compare:
        print(f"p95 with two processes / p95 with one: {p95s[2] / p95s[1]:.2f} (target <= 0.6)")


if __name__ == "__main__":
    main()
