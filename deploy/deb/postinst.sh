#!/bin/sh
# Debian postinst for the kiosk package: the unprivileged kiosk user, the state directory, the units.
set -e

if ! getent passwd osiris-kiosk >/dev/null; then
  adduser --system --group --home /nonexistent --no-create-home --shell /usr/sbin/nologin osiris-kiosk
fi
# Camera (video), GPU (render) and touch/keyboard (input) for the kiosk session; nothing else.
for group in video render input; do
  if getent group "$group" >/dev/null; then adduser osiris-kiosk "$group" >/dev/null; fi
done

# config.yaml is written here by the kiosk (0600); the compliance agent, as root, reads it.
install -d -m 0700 -o osiris-kiosk -g osiris-kiosk /var/lib/msp
install -d -m 0755 /etc/osiris

# The CLI (--check, --mac, --diagnose, --install-ssh-keys…) through the packaged app's binary.
install -m 0755 "/opt/OsirisCare Provisioning/resources/bin/osiris-provision" /usr/bin/osiris-provision

units="/opt/OsirisCare Provisioning/resources/systemd"
for unit in osiris-kiosk.service osiris-provision-headless.service osiris-agent-handover.service osiris-agent-handover.path; do
  install -m 0644 "$units/$unit" "/etc/systemd/system/$unit"
done
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable osiris-kiosk.service osiris-provision-headless.service osiris-agent-handover.path >/dev/null
fi
exit 0
