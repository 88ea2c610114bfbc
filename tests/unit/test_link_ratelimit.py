"""Requests per IP address on the link pages: a sliding one-minute window per address."""

from __future__ import annotations

from services.links.ratelimit import RateLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_limit_per_address_within_the_window_then_free_again():
    clock = Clock()
    limiter = RateLimiter(3, window=60, clock=clock)
    assert [limiter.allow("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("10.0.0.2")  # another address has its own count
    clock.now += 30
    assert not limiter.allow("10.0.0.1")  # refused requests do not count, the window still holds three
    clock.now += 31
    assert limiter.allow("10.0.0.1")


def test_unknown_addresses_share_one_count():
    limiter = RateLimiter(2, clock=Clock())
    assert [limiter.allow(None), limiter.allow(""), limiter.allow(None)] == [True, True, False]
