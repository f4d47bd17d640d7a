"""The prepared process lets sessions start a few at a time, in order (serve/start_gate.py):
with real pipes and real forked processes saying they have painted."""

from __future__ import annotations

import os
import time

import pytest

from powerdeck.serve.start_gate import StartGate, say_painted


def request(number: int) -> tuple[dict[str, int], list[int]]:
    return {"id": number}, []


def admit_all(gate: StartGate, pids: dict[int, int], children: list[int]) -> list[int]:
    """Start what the gate lets in (a real child each, waiting to be told to paint)."""
    admitted = []
    for waiting, _fds in gate.admitted():
        pid = os.fork()
        if pid == 0:  # a session: paint when its parent says so, then idle until killed
            try:
                os.read(pids[waiting["id"]], 1)
                say_painted(gate.close_in_child())
                time.sleep(30)
            finally:
                os._exit(0)
        gate.started(pid)
        children.append(pid)
        admitted.append(waiting["id"])
    return admitted


def test_sessions_start_in_order_as_places_free() -> None:
    gate = StartGate(at_once=2, limit=30.0)
    go = {number: os.pipe() for number in range(4)}
    children: list[int] = []
    try:
        for number in range(4):
            gate.wait(*request(number))
        first = admit_all(gate, {n: r for n, (r, _w) in go.items()}, children)
        assert first == [0, 1]  # two places: the others wait
        assert gate.next_deadline() is not None
        assert admit_all(gate, {n: r for n, (r, _w) in go.items()}, children) == []
        os.write(go[1][1], b"x")  # the second session paints: its place is free
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            gate.read_painted()
            later = admit_all(gate, {n: r for n, (r, _w) in go.items()}, children)
            if later:
                break
            time.sleep(0.01)
        assert later == [2]  # the next in line, not the last
    finally:
        for pid in children:
            os.kill(pid, 9)
            os.waitpid(pid, 0)


def test_a_session_that_ends_or_hangs_frees_its_place() -> None:
    gate = StartGate(at_once=1, limit=0.2)
    pids = iter(range(1000001, 1000010))

    def start_admitted() -> list[int]:
        started = []
        for waiting, _fds in gate.admitted():  # as the prepared process's loop does
            gate.started(next(pids))
            started.append(waiting["id"])
        return started

    for number in range(3):
        gate.wait(*request(number))
    assert start_admitted() == [0]
    assert start_admitted() == []
    gate.ended(1000001)  # it exited before its first frame (a damaged log, a dropped link)
    assert start_admitted() == [1]  # this one never paints
    assert 0 < (gate.next_deadline() or 0) <= 0.2
    time.sleep(0.25)
    assert start_admitted() == [2]
    assert gate.next_deadline() is None  # nobody waits


def test_the_waiting_terminals_are_closed_when_the_server_goes() -> None:
    gate = StartGate(at_once=1)
    read, write = os.pipe()
    gate.wait({"id": 0}, [read])
    gate.drop_waiting()
    try:
        os.fstat(read)
        raise AssertionError("the waiting terminal was left open")
    except OSError:
        pass
    os.close(write)


def test_a_child_holds_no_other_persons_terminal() -> None:
    gate = StartGate(at_once=1)
    theirs, other_end = os.pipe()
    gate.wait({"id": 7}, [theirs])
    pid = os.fork()
    if pid == 0:
        try:
            painted = gate.close_in_child()
            try:
                os.fstat(theirs)
                os._exit(3)  # still open in the child
            except OSError:
                pass
            os._exit(0 if painted == gate.painted_write else 4)
        finally:
            os._exit(5)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    gate.drop_waiting()
    os.close(other_end)


def test_a_fork_that_fails_is_told_to_that_person_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # Out of processes: the person asking gets one line; the prepared process goes on serving.
    import errno
    import socket

    from powerdeck.serve import session

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    terminal, other_end = os.pipe()

    def no_fork() -> int:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(session.os, "fork", no_fork)
    assert session._fork_session(ours, (-1, -1), {"id": 5}, [terminal], None, StartGate()) is None
    message, _ = session.receive_message(theirs)
    assert message is not None and message["op"] == "failed" and message["id"] == 5
    assert "could not start your session" in message["error"]
    with pytest.raises(OSError):
        os.fstat(terminal)  # the terminal was closed, not leaked
    os.close(other_end)
    ours.close()
    theirs.close()
