"""The query workers: answers come back whole, requests take turns, errors keep their kind, and a
worker lives as long as the server, not as long as the thread or event loop that first used it."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from citykg.errors import QueryError
from citykg.store import MemoryStore
from citykg.workers import QueryJob, QueryWorkers


@pytest.fixture()
def workers():
    store = MemoryStore()
    store.update("INSERT DATA { GRAPH <http://g> { <http://a> <http://b> 1 , 2 , 3 } }")
    pool = QueryWorkers(store, timeout=30, size=1)
    yield pool
    pool.close()


def select(sparql: str) -> QueryJob:
    return QueryJob(sparql, result_format="json", graph_format="ttl")


def values(body: bytes) -> list[str]:
    return sorted(row["o"]["value"] for row in json.loads(body)["results"]["bindings"])


def in_a_thread(coroutine_function) -> object:
    """Run on a fresh event loop in a thread that ends afterwards (as a thread of a pool may)."""
    outcome = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine_function())
        except Exception as error:  # noqa: BLE001 - raised again in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_requests_take_turns_on_one_worker(workers):
    async def many():
        return await asyncio.gather(*(workers.run(select("SELECT ?o { ?s ?p ?o }")) for _ in range(6)))

    answers = in_a_thread(many)
    assert [values(answer.body) for answer in answers] == [["1", "2", "3"]] * 6
    assert {answer.form for answer in answers} == {"solutions"}


def test_a_worker_outlives_the_thread_that_started_it(workers):
    first = in_a_thread(lambda: workers.run(select("SELECT ?o { ?s ?p ?o }")))
    pids = {worker.process.pid for worker in workers._workers}
    second = in_a_thread(lambda: workers.run(select("SELECT ?o { ?s ?p ?o }")))
    assert values(first.body) == values(second.body) == ["1", "2", "3"]
    assert {worker.process.pid for worker in workers._workers} == pids
    assert all(worker.alive for worker in workers._workers)


def test_an_error_in_the_worker_comes_back_as_its_kind(workers):
    with pytest.raises(QueryError, match="malformed SPARQL"):
        in_a_thread(lambda: workers.run(select("SELECT ?o WHERE { ?s ?p")))
    after = in_a_thread(lambda: workers.run(QueryJob("ASK { ?s ?p 2 }", "json", "ttl")))
    assert json.loads(after.body)["boolean"] is True


def test_an_update_reaches_the_workers_copy(workers):
    in_a_thread(lambda: workers.run(select("SELECT ?o { ?s ?p ?o }")))
    workers.store.update("INSERT DATA { GRAPH <http://g> { <http://a> <http://b> 4 } }")
    answer = in_a_thread(lambda: workers.run(select("SELECT ?o { ?s ?p ?o }")))
    assert values(answer.body) == ["1", "2", "3", "4"]
