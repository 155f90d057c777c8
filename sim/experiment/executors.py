"""Where replications run: this process, a pool of local processes, or a Dask cluster.

A unit of work is a chunk of replication indices; every executor returns the chunks' results
as they finish, and the runner merges them by index, so the results are the same whatever
runs them. The local pool needs nothing installed or started. Dask (`pip install
"sim[dask]"`) reaches a `distributed` scheduler at an address such as tcp://10.0.0.5:8786,
whose workers must have the same version of `sim` installed.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

EXECUTORS = ("local", "dask")
CONNECT_SECONDS = 5  # a reachable scheduler answers in well under a second
POLL_SECONDS = 0.5  # how often a Dask run checks that its cluster still has workers


def worker_wait_seconds() -> float:
    """How long a Dask run waits with no worker in the cluster before it gives up ($SIM_DASK_WAIT)."""
    try:
        return max(0.0, float(os.environ.get("SIM_DASK_WAIT", "60")))
    except ValueError:
        return 60.0


class ExecutorError(Exception):
    """An executor that cannot be used: unknown, not installed, or unreachable."""


class ClusterLost(Exception):
    """The cluster went away during a run (no worker left for too long, or its scheduler gone)."""


def completed(
    work: Callable[..., Any], chunks: list[list[int]], args: tuple, workers: int, executor: str, scheduler: str | None
) -> Iterator[Any]:
    """Run work(*args, chunk) for every chunk; yield the results as they finish."""
    if executor == "local":
        if scheduler is not None:
            raise ExecutorError("--scheduler needs --executor dask")
        yield from _local(work, chunks, args, workers)
    elif executor == "dask":
        yield from _dask(work, chunks, args, scheduler)
    else:
        raise ExecutorError(f"unknown executor '{executor}'; choose one of {', '.join(EXECUTORS)}")


def _local(work: Callable[..., Any], chunks: list[list[int]], args: tuple, workers: int) -> Iterator[Any]:
    """A pool of local processes that ignore Ctrl-C and die with this process.

    Ctrl-C reaches the whole process group; only this process handles it: it drops the queued
    chunks and ends the workers at once (what finished is already with the caller), instead of
    waiting for everything queued to be computed and thrown away.
    """
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start)
    try:
        pending = {pool.submit(work, *args, chunk) for chunk in chunks}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        # Also on an interrupt, an error or a caller that stops reading: nothing more to run.
        # (The pool offers no way to end busy workers before Python 3.14: reach its processes.)
        processes, results = list((pool._processes or {}).values()), pool._result_queue
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=1)
        # A worker ended while sending a result leaves the pool's manager thread waiting for the
        # rest of it, and Python's exit waits for that thread: the pipe's writing end this
        # process holds (it never writes there) is closed, so that the wait ends at once.
        if results is not None:
            results._writer.close()


def _worker_start() -> None:
    """In each worker: leave Ctrl-C to the parent, and exit when the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The process that started this worker (this process's parent, or a fork server that ends
    # with it): when it is gone this worker is adopted by another, and nobody reads its results.
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _dask(work: Callable[..., Any], chunks: list[list[int]], args: tuple, scheduler: str | None) -> Iterator[Any]:
    if not scheduler:
        raise ExecutorError("--executor dask needs --scheduler tcp://HOST:PORT (the Dask scheduler's address)")
    try:
        from distributed import Client
    except ImportError:
        raise ExecutorError('the Dask executor needs the optional extra: pip install "sim[dask]"') from None
    try:
        client = Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExecutorError(
            f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_SECONDS} s ({exc})"
        ) from None
    try:
        yield from _watched(client, [client.submit(work, *args, chunk, pure=False) for chunk in chunks], scheduler)
    finally:
        client.close()


def _watched(client: Any, futures: list, scheduler: str) -> Iterator[Any]:
    """The futures' results as they finish, while the cluster has workers and a scheduler."""
    from distributed import wait as dask_wait

    patience = worker_wait_seconds()
    pending, idle_since = set(futures), None
    while pending:
        try:
            done, pending = dask_wait(pending, timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done = set()
        except Exception as exc:  # the scheduler gone: distributed raises its comm errors
            raise ClusterLost(f"lost the Dask scheduler at {scheduler} ({type(exc).__name__})") from None
        for future in done:
            try:
                result = future.result()
            except Exception as exc:
                if future.status == "error":
                    raise  # the work itself failed: the caller says which replication
                raise ClusterLost(f"lost the Dask scheduler at {scheduler} ({type(exc).__name__})") from None
            yield result
        if done:
            continue
        try:
            workers = client.scheduler_info().get("workers", {})
        except Exception as exc:
            raise ClusterLost(f"lost the Dask scheduler at {scheduler} ({type(exc).__name__})") from None
        if workers:
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= patience:
            raise ClusterLost(
                f"no Dask worker at {scheduler} for {patience:g} s (set SIM_DASK_WAIT to wait longer); giving up"
            )
