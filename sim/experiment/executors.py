"""Where replications run: this process, a pool of local processes, or a Dask cluster.

A unit of work is a chunk of replication indices; every executor returns the chunks' results
as they finish, and the runner merges them by index, so the results are the same whatever
runs them. The local pool needs nothing installed or started. Dask (`pip install
"sim[dask]"`) reaches a `distributed` scheduler at an address such as tcp://10.0.0.5:8786,
whose workers must have the same version of `sim` installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

EXECUTORS = ("local", "dask")
CONNECT_SECONDS = 5  # a reachable scheduler answers in well under a second


class ExecutorError(Exception):
    """An executor that cannot be used: unknown, not installed, or unreachable."""


def completed(
    work: Callable[..., Any], chunks: list[list[int]], args: tuple, workers: int, executor: str, scheduler: str | None
) -> Iterator[Any]:
    """Run work(*args, chunk) for every chunk; yield the results as they finish."""
    if executor == "local":
        if scheduler is not None:
            raise ExecutorError("--scheduler needs --executor dask")
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(work, *args, chunk) for chunk in chunks]
            for future in as_completed(futures):
                yield future.result()
    elif executor == "dask":
        yield from _dask(work, chunks, args, scheduler)
    else:
        raise ExecutorError(f"unknown executor '{executor}'; choose one of {', '.join(EXECUTORS)}")


def _dask(work: Callable[..., Any], chunks: list[list[int]], args: tuple, scheduler: str | None) -> Iterator[Any]:
    if not scheduler:
        raise ExecutorError("--executor dask needs --scheduler tcp://HOST:PORT (the Dask scheduler's address)")
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ExecutorError('the Dask executor needs the optional extra: pip install "sim[dask]"') from None
    try:
        client = Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExecutorError(
            f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_SECONDS} s ({exc})"
        ) from None
    try:
        futures = [client.submit(work, *args, chunk, pure=False) for chunk in chunks]
        for future in dask_completed(futures):
            yield future.result()
    finally:
        client.close()
