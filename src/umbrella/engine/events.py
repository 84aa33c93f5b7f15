"""Pending events of a replication: intercepts, channels freed and reloads, in a binary heap.

An event is one int64 (kind 2 bits, unit 16, threat 24, slot 16, rounds 5), so the heap moves
two numbers per entry. The widths match what :func:`umbrella.engine.simulate` accepts: fewer
than 2**24 threats, 2**16 fire units and 2**16 magazine slots, and salvos of at most 8 rounds
(the doctrine's limit; 5 bits hold up to 31).

Every helper here is inlined into the phase that calls it (see :mod:`umbrella.engine.jit`).
"""

from __future__ import annotations

from umbrella.engine.jit import inline

INTERCEPT, CHANNEL, RELOAD = 0, 1, 2

UNIT_BITS, THREAT_BITS, SLOT_BITS, ROUNDS_BITS = 16, 24, 16, 5
_SLOT_SHIFT = ROUNDS_BITS
_THREAT_SHIFT = _SLOT_SHIFT + SLOT_BITS
_UNIT_SHIFT = _THREAT_SHIFT + THREAT_BITS
_KIND_SHIFT = _UNIT_SHIFT + UNIT_BITS


@inline
def pack(kind, unit, threat, slot, rounds):  # type: ignore[no-untyped-def]
    """One int64 holding an event's kind, unit, threat, slot and rounds."""
    return (
        (kind << _KIND_SHIFT)
        | (unit << _UNIT_SHIFT)
        | (threat << _THREAT_SHIFT)
        | (slot << _SLOT_SHIFT)
        | rounds
    )


@inline
def unpack(event):  # type: ignore[no-untyped-def]
    """(kind, unit, threat, slot, rounds) of a packed event."""
    return (
        event >> _KIND_SHIFT,
        (event >> _UNIT_SHIFT) & ((1 << UNIT_BITS) - 1),
        (event >> _THREAT_SHIFT) & ((1 << THREAT_BITS) - 1),
        (event >> _SLOT_SHIFT) & ((1 << SLOT_BITS) - 1),
        event & ((1 << ROUNDS_BITS) - 1),
    )


@inline
def push(heap_t, heap_ev, n, t, event):  # type: ignore[no-untyped-def]
    """Add ``event`` at time ``t`` to the heap of size ``n``; returns the new size."""
    k = n
    while k > 0:
        p = (k - 1) >> 1
        if heap_t[p] <= t:
            break
        heap_t[k], heap_ev[k] = heap_t[p], heap_ev[p]
        k = p
    heap_t[k], heap_ev[k] = t, event
    return n + 1


@inline
def pop(heap_t, heap_ev, n):  # type: ignore[no-untyped-def]
    """Remove the earliest event; returns (time, event, new size)."""
    t, top = heap_t[0], heap_ev[0]
    n -= 1
    last_t, last_ev = heap_t[n], heap_ev[n]
    k = 0
    while True:
        m = 2 * k + 1
        if m >= n:
            break
        if m + 1 < n and heap_t[m + 1] < heap_t[m]:
            m += 1
        if last_t <= heap_t[m]:
            break
        heap_t[k], heap_ev[k] = heap_t[m], heap_ev[m]
        k = m
    if n > 0:
        heap_t[k], heap_ev[k] = last_t, last_ev
    return t, top, n
