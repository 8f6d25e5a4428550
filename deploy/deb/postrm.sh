#!/bin/sh
# Debian postrm: remove the units; keep /var/lib/msp (the appliance's configuration) and the user.
set -e
if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then
  if [ -d /run/systemd/system ]; then
    systemctl disable osiris-kiosk.service osiris-provision-headless.service osiris-agent-handover.path >/dev/null 2>&1 || true
  fi
  rm -f /etc/systemd/system/osiris-kiosk.service /etc/systemd/system/osiris-provision-headless.service \
    /etc/systemd/system/osiris-agent-handover.service /etc/systemd/system/osiris-agent-handover.path
  rm -f /usr/bin/osiris-provision
  if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
fi
exit 0
