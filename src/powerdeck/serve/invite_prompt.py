"""The invite prompt: a key not registered yet types the invite code it was given (not shown),
and is bound to that person; a few wrong codes end the connection.

A part of AppSession (channel.py), which inherits it."""

from __future__ import annotations

import asyncio

from powerdeck.serve.session_part import SessionPart
from powerdeck.serve.state import log


class InvitePrompt(SessionPart):
    """Redeeming an invite code (AppSession's part)."""

    async def _redeem_invite(self) -> bool:
        server = self.server
        assert self.chan is not None and server.key is not None
        self.prompt = asyncio.Queue()
        self.chan.write(b"\r\nWelcome to powerdeck. Your key is not registered yet.\r\n")
        try:
            while True:
                self.chan.write(b"Type the invite code you were given (it is not shown), then Enter: ")
                try:
                    # wait_for, not asyncio.timeout (Python 3.11+): powerdeck runs on 3.10, where
                    # asyncio.TimeoutError is not yet the builtin TimeoutError.
                    code = await asyncio.wait_for(self._read_invite_code(self.prompt),
                                                  self.state.limits.login_timeout * 2)
                except asyncio.TimeoutError:
                    self._say("\r\npowerdeck: no code typed in time")
                    return False
                if code is None:
                    return False
                self.chan.write(b"\r\n")
                name = await asyncio.to_thread(self.state.users.redeem, code.decode("ascii"), server.key)
                if name is not None:
                    break
                log.info("refused an invite code from %s (wrong, used or expired)", server.address)
                if not server.wrong_code():
                    self._say("powerdeck: that invite code is not right, or it was used or has expired: "
                              "ask for a new one")
                    return False
                self._say("powerdeck: that invite code is not right: check it and type it again")
        finally:
            self.prompt = None
        server.registered(name)
        log.info("%s redeemed an invite from %s: key bound", name, server.address)
        self.chan.write(f"Your key is now registered as {name}.\r\n".encode())
        return True

    @staticmethod
    async def _read_invite_code(prompt: asyncio.Queue[bytes]) -> bytearray | None:
        """The code typed up to Enter (printable ASCII, at most 64, backspace honoured); None on
        ctrl+c, ctrl+d or a closed channel."""
        code = bytearray()
        while True:
            data = await prompt.get()
            if not data or b"\x03" in data or b"\x04" in data:
                return None
            for byte in data:
                if byte in (0x0D, 0x0A):
                    return code
                if byte in (0x08, 0x7F):
                    del code[-1:]
                elif 0x20 <= byte < 0x7F and len(code) < 64:
                    code.append(byte)
