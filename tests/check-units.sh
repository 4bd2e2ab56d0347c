#!/bin/sh
# systemd units and D-Bus XML: systemd-analyze verify, xmllint, and the
# exposure figure of systemd-analyze security (printed, must be <= 2.5).
# Usage: check-units.sh BUILT_VFILTERD SYSTEM_UNIT TEMPLATE_UNIT USER_UNIT POLICY INTERFACE_XML
set -u
vfilterd=$1 unit=$2 template=$3 user_unit=$4 policy=$5 iface=$6
fail=0 pass=0
ok () { echo "ok - $*"; pass=$((pass + 1)); }
ko () { echo "FAIL - $*"; fail=$((fail + 1)); }
skip () { echo "skip - $*"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# verify wants the ExecStart binary to exist: point it at the build
for u in "$unit" "$template" "$user_unit"; do
  sed "s|^ExecStart=[^ ]*vfilterd|ExecStart=$vfilterd|" "$u" > "$tmp/$(basename "$u")"
done
cp "$tmp/vfilterd-user.service" "$tmp/vfilterd-session.service"

if command -v xmllint >/dev/null 2>&1; then
  if xmllint --noout "$iface"; then ok "xmllint interface XML"; else ko "xmllint interface XML"; fi
  # (Debian's busconfig.dtd predates own_prefix, send_destination_prefix and
  # even send_interface, so validity is checked by dbus-daemon below)
  if xmllint --noout "$policy"; then ok "xmllint bus policy"; else ko "xmllint bus policy"; fi
else
  skip "xmllint is not installed (package libxml2-utils)"
fi

if command -v dbus-daemon >/dev/null 2>&1; then
  # a private bus whose configuration includes the policy: dbus-daemon
  # refuses to start on an element or attribute it does not know
  cat > "$tmp/bus.conf" <<EOC
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:dir=$tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow user="*"/></policy>
  <include>$(readlink -f "$policy")</include>
</busconfig>
EOC
  # (the vfilterd user and group need not exist here: that is a warning)
  timeout 2 dbus-daemon --config-file="$tmp/bus.conf" --print-address=1 \
    --nofork >"$tmp/addr" 2>"$tmp/err"
  if grep -q '^unix:' "$tmp/addr"; then
    ok "dbus-daemon accepts the bus policy"
  else ko "dbus-daemon refuses the bus policy: $(cat "$tmp/err")"; fi
else
  skip "dbus-daemon is not installed (package dbus-daemon)"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
  if out=$(systemd-analyze verify --man=no "$tmp/vfilterd.service" 2>&1) && [ -z "$out" ]; then
    ok "systemd-analyze verify vfilterd.service"
  else ko "systemd-analyze verify vfilterd.service: $out"; fi
  cp "$tmp/vfilterd@.service" "$tmp/vfilterd@cam1.service"
  if out=$(systemd-analyze verify --man=no "$tmp/vfilterd@cam1.service" 2>&1) && [ -z "$out" ]; then
    ok "systemd-analyze verify vfilterd@.service (as vfilterd@cam1)"
  else ko "systemd-analyze verify vfilterd@.service: $out"; fi
  mkdir -p "$tmp/run"
  if out=$(XDG_RUNTIME_DIR="$tmp/run" systemd-analyze verify --user --man=no "$tmp/vfilterd-session.service" 2>&1) && [ -z "$out" ]; then
    ok "systemd-analyze verify --user (user unit)"
  else ko "systemd-analyze verify --user: $out"; fi
  line=$(systemd-analyze security --offline=yes "$tmp/vfilterd.service" 2>/dev/null | grep "Overall exposure")
  level=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')
  if [ -n "$level" ] && awk "BEGIN { exit !($level <= 2.5) }"; then
    ok "systemd-analyze security exposure $level (<= 2.5)"
  else ko "systemd-analyze security: '$line'"; fi
else
  skip "systemd-analyze is not installed (package systemd)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
