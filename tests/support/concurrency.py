"""Run jobs at once from threads that start together (a barrier), collecting results or errors."""

from __future__ import annotations

import threading

from domain.errors import UserError


def run_all(jobs):
    """Run the jobs in threads released together; each result is its value or the UserError it raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except UserError as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results
