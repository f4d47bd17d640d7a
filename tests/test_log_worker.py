"""The log worker: writes in order, off the UI thread, and never deadlocks with the UI thread."""

from __future__ import annotations

import faulthandler
import sys
import threading
from pathlib import Path

from powerdeck.deck.model import Deck
from powerdeck.store.log import Log
from powerdeck.store.log_worker import LogWorker
from powerdeck.tui.app import PowerDeckApp
from powerdeck.tui.options import AppOptions


def test_writes_land_in_the_order_they_were_asked(data_dir: Path) -> None:
    done: list[object] = []
    worker = LogWorker(Log.open(data_dir), lambda callback, value: callback(value))
    worker.queue_write(lambda log: log.save_draft("4.2", "first", "", ""))
    worker.queue_write(lambda log: log.clear_draft("4.2"))
    worker.queue_write(lambda log: log.save_draft("4.2", "third", "", ""), on_done=done.append)
    worker.wait_for_writes()
    assert worker.read(lambda log: log.draft("4.2")).action == "third"
    assert len(done) == 1 and done[0].action == "third"
    worker.close()
    assert Log.open(data_dir).draft("4.2").action == "third"


def test_write_runs_off_the_calling_thread(data_dir: Path) -> None:
    threads: list[str] = []
    worker = LogWorker(Log.open(data_dir), lambda callback, value: callback(value))
    worker.queue_write(lambda log: threads.append(threading.current_thread().name))
    worker.close()
    assert threads and threads[0] != threading.current_thread().name


async def test_flush_from_the_ui_thread_while_a_result_waits_does_not_deadlock(
    deck: Deck, data_dir: Path
) -> None:
    # Regression: results were handed back with App.call_from_thread, which waits for the UI
    # thread; the UI thread waiting in wait_for_writes() (quit, hang-up) then waited for ever.
    app = PowerDeckApp(deck, Log.open(data_dir), AppOptions(animation="none"))
    results: list[object] = []
    async with app.run_test() as pilot:
        faulthandler.dump_traceback_later(20, exit=True, file=sys.__stderr__)
        try:
            app.store.queue_write(lambda log: log.set_state("probe", 1), on_done=results.append)
            app.store.write_and_wait(lambda log: log.set_state("probe", 2))
        finally:
            faulthandler.cancel_dump_traceback_later()
        await pilot.pause()
        await pilot.pause()
    assert results == [None]
    assert Log.open(data_dir).get_state("probe") == 2


def test_busy_and_after_writes(data_dir: Path) -> None:
    delivered: list[str] = []
    worker = LogWorker(Log.open(data_dir), lambda callback, value: callback(value))
    called: list[str] = []
    worker.after_writes(lambda: called.append("idle"))
    assert called == ["idle"]  # nothing queued: at once, on the caller's thread
    gate = threading.Event()
    worker.queue_write(lambda log: gate.wait(10), on_done=lambda _: delivered.append("write"))
    assert worker.busy
    worker.after_writes(lambda: called.append("after"))
    assert called == ["idle"]  # not before the queued write has landed
    gate.set()
    worker.wait_for_writes()
    assert not worker.busy
    assert delivered == ["write"] and called == ["idle", "after"]
    worker.queue_write(lambda log: 1 / 0, on_error=lambda error: delivered.append("failed"))
    worker.wait_for_writes()
    assert not worker.busy and delivered[-1] == "failed"  # a failed write is not under way either
    worker.close()
    worker.after_writes(lambda: called.append("closed"))
    assert called[-1] == "closed"  # a closed store queues nothing: at once
    worker.log.close()


def test_each_write_that_changes_the_log_is_announced_with_its_writer(data_dir: Path) -> None:
    from powerdeck.store.log_worker import StoreChange

    heard: list[StoreChange] = []
    order: list[str] = []
    worker = LogWorker(Log.open(data_dir), lambda callback, value: callback(value),
                       on_change=lambda change: (heard.append(change), order.append("announced")))
    me = object()
    worker.queue_write(lambda log: log.add("1.1", "an entry"), on_done=lambda _: order.append("done"), by=me)
    worker.queue_write(lambda log: log.set_state("theme", "x"))
    worker.queue_write(lambda log: log.set_state("theme", "x"))  # the same value: nothing written
    worker.queue_write(lambda log: None)  # a job that writes nothing
    worker.close()
    assert [change.by for change in heard] == [me, None]
    assert heard[0].version < heard[1].version
    assert order[:2] == ["done", "announced"]  # the writer's own callback first


def test_a_failed_write_without_its_own_on_error_is_still_reported(data_dir: Path) -> None:
    # Regression: a queued write with no on_error (the card to reopen, the theme) failed in
    # silence; and a module beside the worker was needed for failures other than an
    # Exception. The worker itself reports every failure now.
    from powerdeck.core.errors import PowerdeckError

    reported: list[PowerdeckError] = []
    worker = LogWorker(Log.open(data_dir), lambda callback, value: callback(value), report=reported.append)

    def broken(log: Log) -> None:
        raise OSError(5, "Input/output error")

    class Stop(BaseException):
        pass

    def stopped(log: Log) -> None:
        raise Stop("not an Exception")

    own: list[PowerdeckError] = []
    worker.queue_write(broken)
    worker.queue_write(stopped)
    worker.queue_write(broken, on_error=own.append)
    worker.close()
    assert len(reported) == 2 and len(own) == 1
    assert "Input/output error" in str(reported[0]) and "Stop" in str(reported[1])
