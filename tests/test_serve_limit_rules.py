"""The rules `powerdeck serve` holds connections to, without a network: places for connections
still logging in, terminal sizes, job turns, and a name that is already a person."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

asyncssh = pytest.importorskip("asyncssh")

from powerdeck.serve.channel import MAX_SIZE, terminal_size  # noqa: E402
from powerdeck.serve.jobs import JobTurns  # noqa: E402
from powerdeck.serve.limits import Limits, LoginSlots  # noqa: E402
from powerdeck.serve.users import UsersFile, UsersFileError, normalise_key  # noqa: E402

KEYS = [normalise_key(asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()) for _ in range(3)]


def defaults() -> LoginSlots[int]:
    limits = Limits()
    return LoginSlots(limits.max_unauthenticated, limits.max_logins_per_address, chance=lambda: 0.0)


def test_a_burst_of_thirty_from_one_office_all_get_in_with_the_defaults() -> None:
    slots = defaults()  # chance 0.0: a random drop, were one due, would refuse
    assert all(slots.admit(n, "10.0.0.1", now=0.0).admitted for n in range(30))


def test_an_idle_flood_from_one_address_leaves_room_for_others_and_goes_stale() -> None:
    slots = defaults()
    flood = [slots.admit(n, "10.6.6.6", now=0.0) for n in range(60)]
    assert sum(a.admitted for a in flood) == 40, "one address gets its share, no more"
    assert slots.admit("alice", "10.0.0.1", now=0.1).admitted, "another address still gets in"
    # someone behind the flooding address itself: refused while the flood is fresh...
    assert not slots.admit("bob", "10.6.6.6", now=1.0).admitted
    # ...but a connection idle past a login's time gives its place to a new one
    late = slots.admit("bob", "10.6.6.6", now=6.0)
    assert late.admitted and late.evicted == 0


def test_full_everywhere_takes_from_the_address_holding_the_most() -> None:
    slots: LoginSlots[str] = LoginSlots(10, 8, chance=lambda: 1.0)
    for n in range(8):
        assert slots.admit(f"a{n}", "10.6.6.6", now=0.0).admitted
    slots2 = [slots.admit(f"b{n}", "10.0.0.2", now=0.0) for n in range(2)]
    assert all(a.admitted for a in slots2)
    late = slots.admit("carol", "10.0.0.3", now=10.0)
    assert late.admitted and str(late.evicted).startswith("a")


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.floats(0, 20), st.booleans(),
                          st.floats(0, 1)), max_size=120),
       st.integers(1, 30), st.integers(1, 30))
def test_the_caps_always_hold(events: list[tuple[str, float, bool, float]], total: int, per_address: int) -> None:
    chances = iter([chance for *_, chance in events])
    slots: LoginSlots[int] = LoginSlots(total, per_address, stale_after=2.0, chance=lambda: next(chances, 0.5))
    now = 0.0
    held: dict[int, str] = {}
    for n, (address, step, release, _chance) in enumerate(events):
        now += step
        if release and held:
            gone = next(iter(held))
            slots.release(gone)
            del held[gone]
        admission = slots.admit(n, address, now=now)
        if admission.evicted is not None:
            assert admission.evicted in held
            del held[admission.evicted]
        if admission.admitted:
            held[n] = address
        else:
            assert admission.reason and admission.evicted is None
        assert len(slots) == len(held) <= total
        for place in "abcd":
            assert slots.from_address(place) <= per_address


@settings(derandomize=True, max_examples=300)
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_any_size_a_client_asks_for_becomes_one_a_terminal_can_be(width: int, height: int) -> None:
    columns, rows = terminal_size(width, height)
    assert 1 <= columns <= MAX_SIZE and 1 <= rows <= MAX_SIZE
    if 0 < width <= MAX_SIZE:
        assert columns == width


async def test_jobs_take_turns_one_per_person_and_few_in_all() -> None:
    turns = JobTurns(at_once=2)
    running: list[str] = []
    most: dict[str, int] = {}
    most_in_all = 0

    async def job(person: str) -> None:
        nonlocal most_in_all
        async with turns.turn(person):
            running.append(person)
            most[person] = max(most.get(person, 0), running.count(person))
            most_in_all = max(most_in_all, len(running))
            await asyncio.sleep(0.01)
            running.remove(person)

    await asyncio.gather(*(job(person) for person in ["alice"] * 6 + ["bob", "carol", "dave"]))
    assert most == {"alice": 1, "bob": 1, "carol": 1, "dave": 1}
    assert most_in_all == 2


# ------------------------------------------------------------------------ a name is a person


@pytest.fixture
def users(tmp_path: Path) -> UsersFile:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    return UsersFile(state)


def test_a_removed_name_given_again_is_refused_unless_said_how(users: UsersFile) -> None:
    users.add("bob", KEYS[0])
    (users.folder_of("bob")).mkdir(parents=True)
    (users.folder_of("bob") / "log.json").write_text("bob's")
    users.remove("bob")
    with pytest.raises(UsersFileError, match=r"has a log here from before.*--replace-key.*--new-person"):
        users.add("bob", KEYS[1])
    with pytest.raises(UsersFileError, match="has a log here from before"):
        users.invite("bob")
    assert users.current().owner_of(KEYS[1]) is None
    archived = users.add("bob", KEYS[1], "new-person")
    assert archived is not None and (archived / "log.json").read_text() == "bob's"
    assert not users.folder_of("bob").exists(), "the old log is not handed over"
    assert users.current().people["bob"] == [KEYS[1]]


def test_an_existing_person_keeps_their_log_with_a_replaced_key(users: UsersFile) -> None:
    users.add("alice", KEYS[0])
    with pytest.raises(UsersFileError, match="alice is registered"):
        users.add("alice", KEYS[1])
    with pytest.raises(UsersFileError, match="alice is registered"):
        users.invite("alice")
    users.add("alice", KEYS[1], "add-key")
    assert users.current().people["alice"] == [KEYS[0], KEYS[1]]
    code, _ = users.invite("alice", mode="replace-key")
    assert users.redeem(code, KEYS[2]) == "alice"
    assert users.current().people["alice"] == [KEYS[2]], "the old keys stop working"
    with pytest.raises(UsersFileError, match="nobody called 'zed'"):
        users.add("zed", KEYS[0], "replace-key")


# ------------------------------------------------------------------- the keeper's socket


async def test_the_keeper_takes_only_well_formed_rescues_and_never_a_path(tmp_path: Path) -> None:
    import os
    import random
    import socket

    from powerdeck.serve.keeper import FRAME, RescueKeeper

    people = tmp_path / "people"
    folder = people / "alice"
    folder.mkdir(parents=True)
    keeper = RescueKeeper(tmp_path, None, tmp_path / "archive")
    told: list[str] = []
    fd = keeper.socket_for("alice", folder, told.append)
    app_side = socket.socket(fileno=fd)

    def frame(name: bytes, payload: bytes) -> bytes:
        return FRAME.pack(len(name), len(payload)) + name + payload

    noise = random.Random(0)
    app_side.sendall(frame(b"../../bob/powerdeck-unsaved-20260101-000000-1-1.json", b"x"))
    app_side.sendall(frame(b"/etc/cron.d/x", b"x"))
    app_side.sendall(bytes(noise.getrandbits(8) for _ in range(64)))  # and then garbage: dropped
    await asyncio.sleep(0.1)
    app_side.close()
    await asyncio.sleep(0.1)
    assert not (people / "bob").exists() and os.listdir(folder) == []
    fd = keeper.socket_for("alice", folder, told.append)
    app_side = socket.socket(fileno=fd)
    app_side.sendall(frame(b"powerdeck-unsaved-20260101-000000-1-1.json", b'{"drafts": []}'))
    await asyncio.sleep(0.1)
    app_side.close()
    assert (folder / "powerdeck-unsaved-20260101-000000-1-1.json").read_bytes() == b'{"drafts": []}'
    assert told == ["powerdeck: your unsaved text is in your folder as powerdeck-unsaved-20260101-000000-1-1.json"]
    keeper.stop()
