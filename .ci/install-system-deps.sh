#!/usr/bin/env bash
# System packages the SSH, terminal and browser tests need (tests/test_ssh.py runs a throwaway sshd on
# 127.0.0.1). Idempotent: installs only what is missing; safe to run on every CI run.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
# A real non-UTF-8 locale (built with localedef into a temp LOCPATH) for tests/test_terminals.py.
[ -d /usr/share/i18n/locales ] && [ -d /usr/share/i18n/charmaps ] || need+=(locales)
# A real browser for the web tests and the word cloud's SVG (Playwright drives Debian's Chromium).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The font the word cloud's picture is measured in (workbook/font_widths.json), for the browser to draw it.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)

if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi

# sshd refuses to start without its privilege-separation directory; no init system makes it here.
# (The tests create it too when they run as root.)
if [ "$(id -u)" -eq 0 ]; then
  mkdir -p /run/sshd && chmod 755 /run/sshd
fi
echo "system deps ok: $(/usr/sbin/sshd -V 2>&1 | head -1 || true)"
