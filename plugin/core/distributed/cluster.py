"""Connecting to a Dask cluster, and one thread budget per worker so that N workers share the cores instead of
each starting one thread per core (torch, onnxruntime, OpenMP and BLAS would otherwise oversubscribe the machine)."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator

import distributed

from ..engine.errors import DeepMapperError
from ..engine.messages import _

THREADS_ENV = "DEEPMAPPER_WORKER_THREADS"  # what a worker's tasks pass as THREADS to onnxruntime and LightGBM
LIMITED = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def limit_threads(threads: int) -> None:
    """Limit this process's math libraries to `threads` threads (called on each worker by ThreadLimits)."""
    for name in LIMITED + (THREADS_ENV,):
        os.environ[name] = str(threads)
    if "torch" in sys.modules:  # imported already: its pool is sized; resize it
        sys.modules["torch"].set_num_threads(threads)


def worker_threads() -> int:
    """This worker's thread budget (0 outside a limited worker: the libraries' own default)."""
    return int(os.environ.get(THREADS_ENV, "0") or 0)


class ThreadLimits(distributed.WorkerPlugin):
    """Each worker limits its threads at start (also workers that join or restart later: `default`)."""

    name = "deepmapper-thread-limits"

    def __init__(self, per_worker: dict[str, int], default: int = 1) -> None:
        self.per_worker, self.default = per_worker, default

    def setup(self, worker) -> None:
        limit_threads(self.per_worker.get(worker.address, self.default))


def thread_budget(client, fixed: int | None = None) -> dict[str, int]:
    """Worker address -> threads for each task: the host's cores over the Dask threads on that host (a LocalCluster
    of N one-thread workers on C cores: C // N each), or `fixed` for every worker."""
    workers = client.scheduler_info()["workers"]
    if fixed:
        return {addr: fixed for addr in workers}
    cores = client.run(lambda: len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    per_host: dict[str, int] = {}
    for info in workers.values():
        per_host[info["host"]] = per_host.get(info["host"], 0) + info["nthreads"]
    return {addr: max(1, cores.get(addr, 1) // per_host[info["host"]]) for addr, info in workers.items()}


@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None, threads: int | None = None,
            client=None) -> Iterator:
    """A Dask client with ThreadLimits registered: on `client` as given, on the scheduler at `scheduler`
    (tcp://host:8786), or on a LocalCluster of `workers` processes with one Dask thread each (scheduler None or
    "local"; default: one worker per core). The LocalCluster is closed at the end. Raises DeepMapperError when the
    scheduler cannot be reached."""
    own_cluster = own_client = None
    try:
        if client is None:
            if scheduler and scheduler != "local":
                try:
                    client = own_client = distributed.Client(scheduler, timeout="20s")
                except OSError as exc:
                    raise DeepMapperError(_("No Dask scheduler answers at {scheduler} ({exc}); start one "
                                          "(`dask scheduler`) or give --workers N for a local cluster.").format(
                        scheduler=scheduler, exc=exc)) from None
            else:
                n = workers or os.cpu_count() or 1
                own_cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                       dashboard_address=":0")
                client = own_client = distributed.Client(own_cluster)
        budget = thread_budget(client, threads)
        plugin = ThreadLimits(budget, default=threads or min(budget.values(), default=1))
        client.register_plugin(plugin)
        yield client
    finally:
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()


def dask_threads(client) -> int:
    """Tasks the cluster runs at once (the sum of its workers' Dask threads)."""
    return sum(info["nthreads"] for info in client.scheduler_info()["workers"].values()) or 1
