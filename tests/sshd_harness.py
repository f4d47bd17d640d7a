"""A throwaway OpenSSH server on 127.0.0.1, for running powerdeck the way its users do.

After shared/tools/ssh-recipe.md: own host key and client key in a temp folder, key-only login as
the current user on a free port, `StrictModes no` (the keys live under a world-writable /tmp,
and with StrictModes sshd refuses them while the client only says "Permission denied"), and
/run/sshd created first (sshd will not start without it). The server is stopped by its pid.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

SSHD = "/usr/sbin/sshd"
OWN_ENV = ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR")
"""The test's own folders, passed to the remote command (see ssh_argv)."""
HOST_ALIAS = "powerdeck-loop"


def missing_tools() -> list[str]:
    """What is not installed for a real SSH test (empty when everything is there)."""
    missing = [name for name in ("ssh", "ssh-keygen") if shutil.which(name) is None]
    if not os.access(SSHD, os.X_OK):
        missing.append(SSHD)
    return missing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SshServer:
    """`with SshServer(tmp) as server: server.ssh_argv("cmd")` -> argv of `ssh -tt ... cmd`."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)
        self.port = 0
        self.pid: int | None = None
        self.user = getpass.getuser()

    @property
    def config(self) -> Path:
        return self.dir / "ssh_config"

    def start(self) -> SshServer:
        d = self.dir
        d.mkdir(parents=True, exist_ok=True)
        d.chmod(0o700)
        for name, comment in (("host_ed25519", "powerdeck-test-host"), ("client_ed25519", "powerdeck-test-client")):
            if not (d / name).exists():
                subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(d / name)],
                               check=True, stdin=subprocess.DEVNULL)
        shutil.copy(d / "client_ed25519.pub", d / "authorized_keys")
        (d / "authorized_keys").chmod(0o600)
        if not Path("/run/sshd").is_dir():
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # needs root; CI runs as root
        self.port = free_port()
        (d / "sshd_config").write_text(
            f"Port {self.port}\n"
            "ListenAddress 127.0.0.1\n"
            f"HostKey {d / 'host_ed25519'}\n"
            f"PidFile {d / 'sshd.pid'}\n"
            f"AuthorizedKeysFile {d / 'authorized_keys'}\n"
            "PubkeyAuthentication yes\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "PermitRootLogin prohibit-password\n"
            "UsePAM no\n"
            "StrictModes no\n"
            "PrintMotd no\n"
            "PrintLastLog no\n"
            "AcceptEnv LANG LC_* COLORTERM NO_COLOR\n"
        )
        self.config.write_text(
            f"Host {HOST_ALIAS}\n"
            "  HostName 127.0.0.1\n"
            f"  Port {self.port}\n"
            f"  User {self.user}\n"
            f"  IdentityFile {d / 'client_ed25519'}\n"
            "  IdentitiesOnly yes\n"
            f"  UserKnownHostsFile {d / 'known_hosts'}\n"
            "  StrictHostKeyChecking accept-new\n"
            "  BatchMode yes\n"
            "  LogLevel ERROR\n"
        )
        subprocess.run([SSHD, "-t", "-f", str(d / "sshd_config")], check=True, capture_output=True)
        # Not daemonized (-D), so we hold its pid from the start; -e logs to our file via stderr.
        self._log = open(d / "sshd.log", "ab")  # noqa: SIM115  # sshd writes to it for its whole life; closed in stop()
        self._proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(d / "sshd_config")],
                                      stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        self.pid = self._proc.pid
        deadline = time.monotonic() + 10
        while True:
            probe = subprocess.run(self.ssh_argv("echo ssh-ok", tty=False), capture_output=True, text=True,
                                   stdin=subprocess.DEVNULL, timeout=10)
            if probe.stdout.strip() == "ssh-ok":
                return self
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"sshd did not accept a login: {probe.stderr.strip()}; log:\n{self.log()}")
            time.sleep(0.1)

    def ssh_argv(self, remote_command: str | list[str], *, tty: bool = True) -> list[str]:
        if not isinstance(remote_command, str):
            remote_command = " ".join(shlex.quote(part) for part in remote_command)
        # sshd gives a login the HOME of the password file: the test's own HOME and XDG folders
        # go with the command (conftest.own_home_for_the_session), so nothing lands in the real ones.
        own = [f"{name}={shlex.quote(os.environ[name])}" for name in OWN_ENV if os.environ.get(name)]
        if own:
            remote_command = f"env {' '.join(own)} {remote_command}"
        return ["ssh", *(["-tt"] if tty else []), "-F", str(self.config), HOST_ALIAS, remote_command]

    def log(self) -> str:
        try:
            return (self.dir / "sshd.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the listener we started (by pid); sessions end with their clients."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(self.pid, signal.SIGKILL)
            self._proc.wait(timeout=5)
        self._log.close()
        self.pid = None

    def __enter__(self) -> SshServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def processes_with_arg(needle: str) -> list[int]:
    """Pids whose command line contains `needle` (to find the app sshd started for us)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if needle in cmdline:
            found.append(int(entry))
    return found
