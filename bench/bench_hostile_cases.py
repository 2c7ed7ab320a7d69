"""Every hostile case of the third security pass that is not an upload (bench_uploads.py --all has those): planted and
swapped cache files, a cache folder others can write, the AA client's endless and dripping answers, the fit queue's
floods and stuck workers, the fit's one time limit, the benchmark cap, formulas in shown tables, look-alike names and
the CLI's argument checks. Each case runs in a process of its own; the table gives what the user sees (the case's
own words, computed now), the time of the hostile step, the process's peak memory (VmHWM) and what data are lost. The
tests assert the messages and that no planted code ran; the times live here.

    python bench/bench_hostile_cases.py [CASE ...]
"""

from __future__ import annotations

import json
import os
import pickle
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.planted import Planted  # noqa: E402

NOTHING = "none: nothing is written over, the data in use stay"



def _private_cache(tmp: Path) -> None:
    os.environ["FRONTIER_LAG_CACHE"] = str(tmp / "cache")
    os.environ["FRONTIER_LAG_SECRET_FILE"] = str(tmp / "config" / "cache-secret")


def _marker_line(marker: Path) -> str:
    return "planted code ran" if marker.exists() else "no planted code ran"


# --- caches -------------------------------------------------------------------------------------------------------
def planted_result_pickle(tmp: Path):
    from model.analysis import FitSettings
    from model.core import sealed_files
    from model.serving.stored_results import load_result, result_path

    settings, marker = FitSettings(draws=200, chains=2), tmp / "marker"
    path = result_path("0123456789abcdef", settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    seen = []
    for planted in (pickle.dumps(Planted(str(marker))), sealed_files.MAGIC + b"\0" * 32 + pickle.dumps(Planted(str(marker)))):
        path.write_bytes(planted)
        got = load_result("0123456789abcdef", settings)
        seen.append(f"{'refitted' if got is None else 'LOADED'}, file {'dropped' if not path.exists() else 'KEPT'}")
    return f"bare and forged-seal pickles: {'; '.join(seen)}; {_marker_line(marker)}", "none: the fit is recomputed"


def wrong_object_at_the_default_key(tmp: Path):
    from model.analysis import FitSettings
    from model.core.sealed_files import seal
    from model.serving.stored_results import load_result, result_path

    settings = FitSettings(draws=200, chains=2)
    path = result_path("0123456789abcdef", settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(seal(path.name, pickle.dumps({"not": "a result"})))
    got = load_result("0123456789abcdef", settings)
    return (f"{'nothing shown; the fit runs as if not stored' if got is None else 'LOADED'}, file "
            f"{'dropped' if not path.exists() else 'KEPT'} (before: 'Something went wrong' for every visitor)",
            "none: the fit is recomputed")


def cache_folder_others_can_write(tmp: Path):
    import contextlib
    import io

    from model.core.paths import cache_dir

    shared = tmp / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    os.environ["FRONTIER_LAG_CACHE"] = str(shared)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        folder = cache_dir("results")
    where = "a private temporary folder" if not folder.is_relative_to(shared) else "THE SHARED FOLDER"
    return f"{err.getvalue().strip()} (caches then go to {where})", "none: only the cache is moved"


def planted_and_swapped_callback_files(tmp: Path):
    """Compile once (not timed), then swap one sealed callback file over the other and plant a pickle over that one;
    the timed step is a fresh process's NUTS fit."""
    probe = ("import json; from model.bayes.compiled_callbacks import STATS; from model.bayes.sampling import "
             "SamplerSettings; from model.bayes.fitting import FitSpec, fit_trend; from tests.sim import simulate_series; "
             "fit_trend(simulate_series(5, -2, seed=1), FitSpec(model='constant', sampler=SamplerSettings(draws=30, "
             "tune=30, chains=1, engine='nuts'))); print(json.dumps(STATS))")
    env = dict(os.environ)
    subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, check=True, capture_output=True)
    a, b = sorted((tmp / "cache" / "nutpie_callbacks").glob("*.nbc"))
    a.write_bytes(b.read_bytes())
    marker = tmp / "marker"
    b.write_bytes(pickle.dumps(Planted(str(marker))))
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    TIMED["seconds"] = time.perf_counter() - t0
    stats = json.loads(r.stdout.strip().splitlines()[-1])
    return (f"the fit runs as usual; both callbacks compiled afresh (hits {stats['hit']}, misses {stats['miss']}); "
            f"{_marker_line(marker)}", "none: the two files are rewritten, sealed")


# --- the AA client -------------------------------------------------------------------------------------------------
def _fetch(path: str, **kw) -> str:
    from model.core.errors import DataError
    from model.data.aa_api import fetch_aa_api
    from tests.aa_stand_in import serve_aa_stand_in

    with serve_aa_stand_in() as (base, _):
        t0 = time.perf_counter()
        try:
            fetch_aa_api("bench-key-not-a-secret-0123456789", url=base + path, retries=0, **kw)
            seen = "LOADED"
        except DataError as exc:
            seen = str(exc)
        TIMED["seconds"] = time.perf_counter() - t0
    return seen


def aa_body_that_never_ends(tmp: Path):
    return _fetch("/endless", timeout=600), "none: the data in use stay"


def aa_headers_a_byte_at_a_time(tmp: Path):
    return _fetch("/drip-headers", timeout=5), "none: the data in use stay"


def aa_body_a_byte_at_a_time(tmp: Path):
    return _fetch("/drip-body", timeout=5), "none: the data in use stay"


def aa_cancel_while_dripping(tmp: Path):
    import threading

    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    return _fetch("/drip-body", timeout=600, cancel=cancel), "none: the data in use stay"


# --- the fit queue (the job is a stand-in that sleeps: the queue's rules, not a fit, are measured) -------------------
def _queue(**kw):
    from model.serving.fit_queue import FitQueue
    from tests.serving.queue_runners import pause_then_echo

    return FitQueue(workers=1, runner=pause_then_echo, **kw)


def flood_of_40_sessions_from_one_client(tmp: Path):
    from model.serving.fit_queue import QueueBusy

    q = _queue(start=False)
    try:
        t0 = time.perf_counter()
        refused = []
        for i in range(40):
            try:
                q.submit(f"flood-{i}", f"f{i}", 0.2, f"f{i}", persist=False, client="203.0.113.9")
            except QueueBusy as exc:
                refused.append(str(exc))
        visitor = q.submit("visitor", "v", 0.2, "v", persist=False, client="198.51.100.7")
        TIMED["seconds"] = time.perf_counter() - t0
        return (f"{len(refused)} of 40 refused: {refused[0]} Another visitor's fit waits "
                f"{q.status(visitor).ahead} slot.", "none: a refused fit changes nothing")
    finally:
        q.shutdown()


def five_thousand_sessions(tmp: Path):
    from model.serving.fit_queue import QueueBusy

    q = _queue(start=False)
    try:
        t0 = time.perf_counter()
        refused, last = 0, ""
        for i in range(5000):
            try:
                q.submit(f"s{i}", f"k{i}", 0, "x", persist=False, client=f"10.{i // 65536}.{i // 256 % 256}.{i % 256}")
            except QueueBusy as exc:
                refused, last = refused + 1, str(exc)
        TIMED["seconds"] = time.perf_counter() - t0
        return f"{5000 - refused} waiting, {refused} refused: {last}", "none: a refused fit changes nothing"
    finally:
        q.shutdown()


def _stuck(runner_name: str, limit: float, tmp: Path, **kw):
    from model.core.errors import DataError
    from tests.serving import queue_runners

    q = _queue(**kw)
    try:
        q.submit("a", "warm", 0, "warm", persist=False).future.result(timeout=600)
        q.runner = getattr(queue_runners, runner_name)
        t0 = time.perf_counter()
        stuck = q.submit("a", "stuck", str(tmp / "pid"), "x", persist=False, limit=limit)
        try:
            stuck.future.result(timeout=600)
            seen = "ANSWERED"
        except DataError as exc:
            seen = str(exc)
        TIMED["seconds"] = time.perf_counter() - t0
        q.runner = queue_runners.pause_then_echo
        after = q.submit("a", "after", 0, "fresh", persist=False).future.result(timeout=600)
        return f"{seen} (the next fit: {'served' if after == 'fresh' else 'NOT SERVED'})", "none: that one fit is lost"
    finally:
        q.shutdown()


def worker_stopped_with_sigstop(tmp: Path):
    return _stuck("stop_self", 3600, tmp)


def worker_that_never_answers(tmp: Path):
    return _stuck("sleep_forever", 5, tmp, watchdog_margin=2)


# --- fits -----------------------------------------------------------------------------------------------------------
def _cli(argv: str) -> tuple[str, int]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "model", *shlex.split(argv)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=900)
    TIMED["seconds"] = time.perf_counter() - t0
    last = (err.strip().splitlines() or out.strip().splitlines() or [""])[-1]
    return last, proc.returncode


def stacked_nuts_fit_with_max_seconds_5(tmp: Path):
    line, code = _cli("fit --benchmark gpqa --model stacked --engine nuts --max-seconds 5 --draws 500")
    return f"{line} (exit {code})", "none: nothing is written"


def all_benchmarks_of_a_70_benchmark_upload(tmp: Path):
    from model.analysis import FitSettings, run_analysis
    from model.core.errors import DataError
    from model.core.limits import MAX_BENCHMARKS_PER_FIT
    from model.data.csv_upload import load_user_csv

    rows = [f"m{i},2024-0{1 + i % 2}-01,{'true' if i % 2 else 'false'},b{j},{0.1 * (i + 1)}"
            for j in range(MAX_BENCHMARKS_PER_FIT + 6) for i in range(4)]
    ds = load_user_csv(("model_name,release_date,open_weights,benchmark,score\n" + "\n".join(rows) + "\n").encode(),
                       name="wide.csv")
    t0 = time.perf_counter()
    try:
        run_analysis(ds, FitSettings(source="csv", benchmarks=["all"], pooling="partial"))
        seen = "FITTED"
    except DataError as exc:
        seen = str(exc)
    TIMED["seconds"] = time.perf_counter() - t0
    return seen, "none: the last fit stays on the page"


# --- what is shown --------------------------------------------------------------------------------------------------
def formula_in_a_shown_table(tmp: Path):
    import pandas as pd

    from model.outputs.exports import neutralise_formulas

    frame = pd.DataFrame({"model_name": ['=HYPERLINK("http://x.invalid","open me")', "@SUM(A1)"], "lag": [-3.0, 4.0]})
    t0 = time.perf_counter()
    shown = neutralise_formulas(frame)
    TIMED["seconds"] = time.perf_counter() - t0
    return (f"cells shown (and in the toolbar's CSV) as {shown['model_name'].tolist()}; numbers kept "
            f"{shown['lag'].tolist()}", "none: the upload is never modified")


def _names(rows: list[str]) -> str:
    from model.data.csv_upload import load_user_csv

    t0 = time.perf_counter()
    ds = load_user_csv(("model_name,release_date,open_weights,benchmark,score\n" + "\n".join(rows) + "\n").encode(),
                       name="names.csv")
    TIMED["seconds"] = time.perf_counter() - t0
    notes = [i.message for i in ds.report.issues if "invisible" in i.message or "read the same" in i.message]
    return " / ".join(notes) + f" (names kept: {sorted(ds.scores['model_name'].unique())!r})"


def right_to_left_override_in_a_name(tmp: Path):
    return _names(["Llama-3 \u202e)desolc(,2024-01-01,true,b,0.5", "Other,2024-06-01,false,b,0.6"]), \
        "none: the upload is never modified; the invisible characters are removed from the loaded copy, with a note"


def cyrillic_and_zero_width_look_alikes(tmp: Path):
    return _names(["Cl\u0430ude X,2024-01-01,false,b,0.5", "Claude X,2024-02-01,false,b,0.6",
                   "Claude\u200b X,2024-03-01,false,b,0.62", "Gemma,2024-06-01,true,b,0.45"]), \
        "none: kept as given, with a warning"


CASES = {f.__name__: f for f in (
    planted_result_pickle, wrong_object_at_the_default_key, cache_folder_others_can_write,
    planted_and_swapped_callback_files, aa_body_that_never_ends, aa_headers_a_byte_at_a_time, aa_body_a_byte_at_a_time,
    aa_cancel_while_dripping, flood_of_40_sessions_from_one_client, five_thousand_sessions, worker_stopped_with_sigstop,
    worker_that_never_answers, stacked_nuts_fit_with_max_seconds_5, all_benchmarks_of_a_70_benchmark_upload,
    formula_in_a_shown_table, right_to_left_override_in_a_name, cyrillic_and_zero_width_look_alikes)}
#: The CLI's argument cases: tests/cli/test_argument_checks.py's, and those the issue named.
CLI_CASES = ["multiverse --definitions ,", "multiverse --models foo,linear", "backtest --cutoffs 9999-12-31",
             "fit --draws -5", "fit --seed -1", "fit --benchmark ,", "multiverse --models linear,linear --max-specs 1"]
TIMED: dict[str, float] = {}


def _peak_mb() -> float:
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024


def _child_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_case(name: str) -> dict:
    """In the probe process: one case, timed (the hostile step only, where the case says so; else the whole case)."""
    with tempfile.TemporaryDirectory() as tmp:
        _private_cache(Path(tmp))
        if name.startswith("cli: "):
            line, code = _cli(name[5:])
            seen = f"{line} (exit {code})"
            lost = ("none: nothing is read or written before the check" if code == 2 else
                    "none: a repeated name is used once, with a note, and the run goes on")
        else:
            t0 = time.perf_counter()
            seen, lost = CASES[name](Path(tmp))
            TIMED.setdefault("seconds", time.perf_counter() - t0)
    peak = max(_peak_mb(), _child_peak_mb())  # this process, or the largest process it ran (the CLI, a fresh fit)
    return {"seen": seen, "lost": lost, "seconds": TIMED["seconds"], "peak_mb": peak}


def probe(name: str) -> dict:
    code = f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from bench.bench_hostile_cases import run_case; " \
           f"print(json.dumps(run_case({name!r})))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=1800, cwd=ROOT)
    if r.returncode:
        return {"seen": "BENCH FAILED: " + (r.stderr.strip().splitlines() or ["?"])[-1], "lost": "?", "seconds": 0,
                "peak_mb": 0}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> int:
    names = sys.argv[1:] or [*CASES, *(f"cli: {argv}" for argv in CLI_CASES)]
    print("| case | what the user sees | time (s) | peak memory (MB) | data lost |\n| --- | --- | --- | --- | --- |")
    for name in names:
        r = probe(name)
        seen = r["seen"].replace("|", "/").replace("\n", " ")
        print(f"| {name} | {seen} | {r['seconds']:.2f} | {r['peak_mb']:.0f} | {r['lost']} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
