"""A throwaway `powerdeck serve` on 127.0.0.1: its own state folder, keys and a free port.

The server must not run as root. When the tests run as root (CI does), the server runs as a
throwaway system user made with useradd, if that user can run this checkout's Python (a Python
under /root, e.g. pyenv's, cannot be run by anyone else); otherwise, and only then, the server gets
the documented test-only POWERDECK_SERVE_TESTS_ALLOW_ROOT=1. `as_user` says which one was used.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sshd_harness import OWN_ENV, free_port

SERVE_USER = "pdserve-test"
ALLOW_ROOT = "POWERDECK_SERVE_TESTS_ALLOW_ROOT"


def _python() -> str:
    """The interpreter running the tests: the one that has this checkout installed."""
    return sys.executable


def throwaway_user() -> pwd.struct_passwd | None:
    """A non-root user able to run our Python, when we are root; None when there is none."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        return None
    try:
        entry = pwd.getpwnam(SERVE_USER)
    except KeyError:
        made = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVE_USER],
                              capture_output=True)
        if made.returncode not in (0, 9):  # 9: made meanwhile
            return None
        entry = pwd.getpwnam(SERVE_USER)
    try:
        probe = subprocess.run([_python(), "-c", "import powerdeck.serve.server"], user=entry.pw_uid,
                               group=entry.pw_gid, extra_groups=[], capture_output=True, cwd="/", env=_env())
    except PermissionError:  # the interpreter lives where only root may go
        return None
    return entry if probe.returncode == 0 else None


def _env(**extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": "/nonexistent"}
    # The session's own XDG folders (conftest.own_home_for_the_session): the server's deck cache
    # lands there, not in the real ~/.cache of whoever runs the tests.
    env.update({name: os.environ[name] for name in OWN_ENV if name.startswith("XDG_") and os.environ.get(name)})
    env.update(extra)
    return env


def make_key(directory: Path, name: str) -> Path:
    path = directory / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
                   check=True, stdin=subprocess.DEVNULL)
    return path


class ServeServer:
    """`with ServeServer(tmp, "--max-sessions", "3") as server:` a running `powerdeck serve`."""

    def __init__(self, keys_dir: Path, *options: str) -> None:
        self.keys_dir = keys_dir
        self.options = list(options)
        self.user = throwaway_user()
        self.as_user = self.user is not None
        # Under /tmp, not tmp_path: the throwaway user must be able to reach its own folder.
        self.base = Path(tempfile.mkdtemp(prefix="pdserve-"))
        self.base.chmod(0o755)
        self.state = self.base / "state"
        self.state.mkdir(mode=0o700)
        if self.user is not None:
            os.chown(self.state, self.user.pw_uid, self.user.pw_gid)
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.output = self.base / "server.out"

    # -- running things as the server's user ------------------------------------------------

    def _run_kwargs(self) -> dict[str, object]:
        env = _env() if self.user is not None else _env(**{ALLOW_ROOT: "1"})
        kwargs: dict[str, object] = {"env": env, "cwd": "/"}
        if self.user is not None:
            kwargs.update(user=self.user.pw_uid, group=self.user.pw_gid, extra_groups=[])
        return kwargs

    def powerdeck(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([_python(), "-m", "powerdeck", *args], capture_output=True, text=True, timeout=60,
                              **self._run_kwargs())  # type: ignore[call-overload]
        if check and done.returncode != 0:
            raise AssertionError(f"powerdeck {' '.join(args)} failed: {done.stderr}")
        return done

    def users(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.powerdeck("serve", "users", *args, "--state", str(self.state), check=check)

    def add(self, name: str, key: Path) -> None:
        pub = Path(str(key) + ".pub")
        self.users("add", name, "--key", pub.read_text().strip())

    # -- the server -----------------------------------------------------------------------------

    def start(self) -> ServeServer:
        argv = [_python(), "-m", "powerdeck", "serve", "--state", str(self.state), "--port", str(self.port),
                "--keepalive", "1", *self.options]
        with open(self.output, "wb") as out:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True, **self._run_kwargs())  # type: ignore[call-overload]
        deadline = time.monotonic() + 60
        while "listening on" not in self.log_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("powerdeck serve did not start:\n" + self.log_text())
            time.sleep(0.05)
        return self

    def log_text(self) -> str:
        try:
            return self.output.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def wait_log(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.log_text():
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared in the server log:\n{self.log_text()[-3000:]}")
            time.sleep(0.05)
        return self.log_text()

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        return self.proc.returncode

    def __enter__(self) -> ServeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    # -- clients ----------------------------------------------------------------------------

    def folder(self, name: str) -> Path:
        return self.state / "people" / name

    def ssh_argv(self, key: Path, *extra: str, command: str | None = None, tty: bool = True) -> list[str]:
        argv = ["ssh", "-tt" if tty else "-T", "-p", str(self.port), "-i", str(key), "-F", "/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", *extra, "127.0.0.1"]
        if command is not None:
            argv.append(command)
        return argv
