"""Crash safety of ``citykg build`` (issue 8): a build killed with SIGKILL at any point leaves the
previous graph served intact and the next build succeeds; a rebuild while clients query gives
them no failed and no wrong answer.

The build is the real command (``python -m citykg.cli build``) in a subprocess over a private
copy of the real store; it prints each step on a line of its own when stderr is not a terminal,
and is killed when the chosen step starts. The swap itself lasts microseconds, so its points are
reached by fault injection (``publish_with_fault.py`` SIGKILLs itself inside the real
``EmbeddedStore.publish``), and the loading step is also killed at random delays.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx

from citykg.config import Settings
from citykg.store import EmbeddedStore
from tests.helpers import citykg_server
from tests.reliability.conftest import PYTHON, ROOT, Expected, check_complete, check_serves, cli_env, snapshot

#: Steps of ``citykg build`` at which it is killed, from early to late.
CLI_STEPS = ("ontology", "knowledge base", "documents", "validation", "writing", "loading")
#: Points inside the swap (see ``publish_with_fault.py``) and whether the new build is served after.
SWAP_POINTS = {"before-swap": False, "before-replace": False, "before-prune": True}
RANDOM_LOAD_KILLS = 6
#: Publishes after the full build in the rebuild-under-load test.
PUBLISHES = 3


def kill_build_at(settings: Settings, step: str, delay: float = 0.0) -> tuple[int, list[str]]:
    """Run ``citykg build``, SIGKILL it ``delay`` s after ``step`` starts; its return code and
    the steps it printed."""
    process = subprocess.Popen(
        [PYTHON, "-m", "citykg.cli", "build"], cwd=ROOT, env=cli_env(settings),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    seen = []
    try:
        for line in process.stderr:
            if line.startswith("step: "):
                seen.append(line.removeprefix("step: ").strip())
                if seen[-1] == step:
                    time.sleep(delay)
                    process.send_signal(signal.SIGKILL)
                    break
    finally:
        process.wait(timeout=120)
        process.stderr.close()
    return process.returncode, seen


def publish(settings: Settings, nquads: Path, point: str, delay: float | None = None) -> int:
    """Publish ``nquads`` with a fault at ``point``, or SIGKILL it ``delay`` s after it starts."""
    process = subprocess.Popen(
        [PYTHON, "-m", "tests.reliability.publish_with_fault", str(settings.store), str(nquads), point],
        cwd=ROOT, env=cli_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    if delay is not None:
        assert process.stdout.readline().strip() == "publishing"
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    process.communicate(timeout=120)
    return process.returncode


def served(settings: Settings) -> Path | None:
    return EmbeddedStore(settings.store).current_build()


def test_build_killed_at_each_step_leaves_the_previous_graph(private_store: Settings, expected: Expected, capsys):
    previous = served(private_store)
    results = []
    for step in CLI_STEPS:
        code, seen = kill_build_at(private_store, step)
        assert seen[-1] == step, f"the build ended before the step {step!r}: {seen}"
        assert code == -signal.SIGKILL
        assert served(private_store) == previous, f"killed at {step!r}, the build served changed"
        check_serves(private_store.store, expected)
        results.append(step)
    final = subprocess.run([PYTHON, "-m", "citykg.cli", "build"], cwd=ROOT, env=cli_env(private_store),
                           capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    assert served(private_store) != previous
    check_complete(private_store.store)
    with capsys.disabled():
        print(f"\nkill tests: citykg build SIGKILLed at {', '.join(results)}: the previous graph "
              "served intact after each; the next build succeeded")


def test_publish_killed_inside_the_swap(private_store: Settings, expected: Expected, graph_nquads: Path, capsys):
    for point, switched in SWAP_POINTS.items():
        before = served(private_store)
        assert publish(private_store, graph_nquads, point) == -signal.SIGKILL
        after = served(private_store)
        assert (after != before) is switched, f"killed {point}: served {after}, before {before}"
        assert after.is_dir()
        check_serves(private_store.store, expected)
    assert publish(private_store, graph_nquads, "none") == 0
    check_serves(private_store.store, expected)
    with capsys.disabled():
        print(f"\nkill tests: publish SIGKILLed at {', '.join(SWAP_POINTS)}: a complete graph served "
              "after each (the previous one until os.replace); the next publish succeeded")


def test_loading_killed_at_random_delays(private_store: Settings, expected: Expected, graph_nquads: Path, capsys):
    rng = random.Random(int(os.environ.get("CITYKG_KILL_SEED", "8")))
    started = time.monotonic()
    assert publish(private_store, graph_nquads, "none") == 0
    duration = time.monotonic() - started
    outcomes = []
    for _ in range(RANDOM_LOAD_KILLS):
        before = served(private_store)
        delay = rng.uniform(0, duration)
        code = publish(private_store, graph_nquads, "none", delay=delay)
        after = served(private_store)
        # The previous build, or (finished, or killed after the swap) a whole new one: never
        # anything in between.
        if code == 0:
            assert after != before
        assert after.is_dir() and after.parent == before.parent
        check_serves(private_store.store, expected)
        state = "finished" if code == 0 else "killed, new build served" if after != before else "killed"
        outcomes.append(f"{delay:.2f} s: {state}")
    with capsys.disabled():
        print(f"\nkill tests: loading killed at random delays (publish takes {duration:.2f} s): "
              f"{', '.join(outcomes)}; a complete graph served after each")


def test_rebuild_while_clients_query(private_store: Settings, expected: Expected, graph_nquads: Path, capsys):
    """A real server over the store; four clients query a named query and /sparql in a loop while
    a full `citykg build` and a few publishes swap the graph under them. Every answer must be
    complete and equal to what one of the builds served answers (they are all the same unless
    the extraction code changed while the test ran)."""
    env = {k: v for k, v in cli_env(private_store).items() if k.startswith("CITYKG_")}
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

    def ask_named(client: httpx.Client):
        response = client.get(f"{base}/queries/class_counts", params={"format": "json"})
        rows = response.json()["results"]["bindings"] if response.status_code == 200 else None
        return response, rows and {r["class"]["value"].split("#")[-1]: int(r["entities"]["value"]) for r in rows}

    def ask_sparql(client: httpx.Client):
        response = client.get(f"{base}/sparql", params={"query": count})
        return response, response.status_code == 200 and int(response.json()["results"]["bindings"][0]["n"]["value"])

    with citykg_server(env) as base:
        with httpx.Client(timeout=60) as client:
            assert ask_named(client)[1] == expected.class_counts
            assert ask_sparql(client)[1] == expected.quads
        stop = threading.Event()
        answers, failures = [], []

        def client_loop(ask):
            with httpx.Client(timeout=60) as client:
                while not stop.is_set():
                    try:
                        response, value = ask(client)
                        if response.status_code == 200:
                            answers.append((ask.__name__, value))
                        else:
                            failures.append((ask.__name__, response.status_code, response.text[:300]))
                    except (httpx.HTTPError, ValueError, KeyError) as error:
                        failures.append((ask.__name__, type(error).__name__, str(error)))
                    time.sleep(0.05)

        threads = [threading.Thread(target=client_loop, args=(ask,)) for ask in (ask_named, ask_named, ask_sparql, ask_sparql)]
        for thread in threads:
            thread.start()
        builds, snapshots = [served(private_store)], [expected]
        try:
            time.sleep(1)
            build = subprocess.run([PYTHON, "-m", "citykg.cli", "build"], cwd=ROOT, env=cli_env(private_store),
                                   capture_output=True, text=True, timeout=300)
            assert build.returncode == 0, build.stderr
            builds.append(served(private_store))
            snapshots.append(snapshot(private_store.store))
            for _ in range(PUBLISHES):
                assert publish(private_store, graph_nquads, "none") == 0
                builds.append(served(private_store))
                snapshots.append(snapshot(private_store.store))
                time.sleep(0.5)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    assert len(set(builds)) == len(builds), "each build was swapped in"
    assert failures == [], failures[:5]
    valid = {"ask_named": [s.class_counts for s in snapshots], "ask_sparql": [s.quads for s in snapshots]}
    wrong = [(name, value) for name, value in answers if value not in valid[name]]
    assert wrong == [], wrong[:3]
    assert len(answers) > 50
    with capsys.disabled():
        print(f"\nrebuild under load: {len(answers)} answers, {len(failures)} failed, {len(wrong)} wrong, "
              f"across {len(builds) - 1} swaps (one full citykg build, {PUBLISHES} publishes)")


def test_publish_after_a_killed_build_keeps_the_build_served_before(private_store: Settings, graph_nquads: Path):
    """Regression test: after a build killed before its swap, the next publish removed the build
    that readers were using and kept the dead directory instead."""
    served_before = served(private_store)
    assert publish(private_store, graph_nquads, "before-swap") == -signal.SIGKILL
    assert publish(private_store, graph_nquads, "none") == 0
    kept = sorted((private_store.store / "builds").iterdir())
    assert served_before in kept, f"the build served before was removed; kept {kept}"
