#!/bin/sh
# Boots a throw-away qemu VM (software emulation) with Debian's own kernel,
# the vivid virtual camera loaded, and this machine's root file system
# shared read-only, then runs a script in a chroot of it and reports.
# Nothing is installed on the host; the kernel package is only unpacked.
#
# Usage: tests/vm/run-vm.sh SCRIPT [OUTDIR]
#   SCRIPT runs inside the VM as /bin/sh SCRIPT with the host's root as /,
#   a fresh tmpfs on /tmp and OUTDIR (default: a new temporary dir) mounted
#   read-write on /tmp/out, the guest kernel's modules in /tmp/out/mods
#   (insmod /tmp/out/mods/vivid.ko after rmmod vivid: hot-plug).  Its output
#   is printed; the exit status is its.
# Environment: VM_TIMEOUT (seconds, default 240), VM_VIVID_ARGS (module
#   parameters for vivid), VM_KEEP=1 keeps the work dir, VM_SHARE=DIR
#   shares DIR read-only at the same path (needed when it lies under /tmp,
#   which the guest replaces by its own tmpfs — a build tree, say).
#   VM_V4L2LOOPBACK=1 also builds v4l2loopback for the guest's kernel into
#   /tmp/out/mods (needs linux-headers-amd64, v4l2loopback-source).
#   VM_SYSTEMD=1 boots this machine's systemd instead of a chroot: the host
#   root becomes the lower layer of an overlay in RAM (the guest may write
#   anywhere, the host stays untouched), OUTDIR is mounted on /vm-out, and
#   SCRIPT runs as the oneshot unit vm-test.service (the boot's only goal,
#   with dbus, logind and udev), then the VM powers off.
#
# Needs: qemu-system-x86 busybox-static kmod cpio (tools/install-deps).
set -eu

script=$1
out=${2:-$(mktemp -d /var/tmp/vm-out.XXXXXX)}
timeout=${VM_TIMEOUT:-240}
work=$(mktemp -d /var/tmp/vm-work.XXXXXX)
[ "${VM_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

for tool in qemu-system-x86_64 busybox depmod modprobe cpio; do
  command -v $tool >/dev/null 2>&1 || {
    echo "SKIP: $tool is missing (qemu-system-x86 busybox-static kmod cpio)"; exit 77; }
done


# the kernel: Debian's current linux-image, unpacked, never installed
abi=$(apt-cache depends linux-image-amd64 2>/dev/null |
  sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -n 1)
[ -n "$abi" ] || { echo "SKIP: no linux-image-amd64 in the apt lists"; exit 77; }
cache=/var/cache/vfilterd-vm/$abi
if [ ! -f "$cache/boot/vmlinuz-$abi" ]; then
  mkdir -p "$cache"
  (cd "$work" && apt-get download "linux-image-$abi" >/dev/null 2>&1) || {
    echo "SKIP: cannot download linux-image-$abi"; exit 77; }
  dpkg -x "$work"/linux-image-"$abi"_*.deb "$cache"
  depmod -b "$cache" "$abi"
fi

# the initramfs: busybox, the modules in load order, /init
mkdir -p "$work/initrd/bin" "$work/initrd/mods" "$work/initrd/mnt" \
  "$work/initrd/proc" "$work/initrd/sys" "$work/initrd/dev"
cp "$(command -v busybox)" "$work/initrd/bin/busybox"
for applet in sh mount umount insmod mkdir chroot poweroff cat echo sleep switch_root; do
  ln -s busybox "$work/initrd/bin/$applet"
done
modprobe -a -d "$cache" -S "$abi" --show-depends virtio_pci 9pnet_virtio 9p \
    videodev vivid ${VM_SYSTEMD:+overlay} 2>/dev/null | awk '/^insmod/ { print $2 }' |
  awk '!seen[$0]++' > "$work/modlist"
: > "$work/initrd/mods/order"
while read -r ko; do
  cp "$ko" "$work/initrd/mods/"
  basename "$ko" >> "$work/initrd/mods/order"
done < "$work/modlist"
# /init: the modules in order, then (per mode below) the root under /mnt
# and, with VM_SHARE, the shared directory at its own path under it
cat > "$work/initrd/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in \$(cat /mods/order); do
  case \$m in
    vivid.ko) insmod /mods/\$m ${VM_VIVID_ARGS:-} ;;
    *) insmod /mods/\$m ;;
  esac
done
share () {
  if [ -n "${VM_SHARE:-}" ]; then
    mkdir -p /mnt${VM_SHARE:-}
    mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 share /mnt${VM_SHARE:-}
  fi
}
EOF
if [ -n "${VM_SYSTEMD:-}" ]; then
cat >> "$work/initrd/init" <<EOF
mkdir -p /lower /up
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /lower
mount -t tmpfs -o size=1200M up /up
mkdir -p /up/u /up/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/up/u,workdir=/up/w /mnt
mkdir -p /mnt/vm-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /mnt/vm-out
share
# a clone (and its build tree) may lie under /tmp: the guest's systemd
# must neither empty it at boot (tmpfiles' D /tmp) nor mount over it
mkdir -p /mnt/etc/tmpfiles.d /mnt/etc/systemd/system
: > /mnt/etc/tmpfiles.d/tmp.conf
ln -sf /dev/null /mnt/etc/systemd/system/tmp.mount
cat > /mnt/etc/systemd/system/vm-test.service <<UNIT
[Unit]
Description=vfilterd VM test
Wants=dbus.service systemd-logind.service systemd-udevd.service systemd-udev-trigger.service
After=dbus.service systemd-logind.service systemd-udevd.service systemd-udev-trigger.service
[Service]
Type=oneshot
ExecStart=/bin/sh /vm-out/run.sh
ExecStartPost=/bin/systemctl poweroff --no-block
UNIT
umount /proc /sys /dev 2>/dev/null
exec switch_root /mnt /lib/systemd/systemd systemd.unit=vm-test.service
EOF
else
cat >> "$work/initrd/init" <<EOF
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /mnt
mount -t tmpfs tmp /mnt/tmp
mkdir -p /mnt/tmp/out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /mnt/tmp/out
share
mount -t proc proc /mnt/proc
mount -t sysfs sys /mnt/sys
mount -t devtmpfs dev /mnt/dev
mount -t tmpfs run /mnt/run
chroot /mnt /bin/sh /tmp/out/script.sh > /mnt/tmp/out/log 2>&1
echo \$? > /mnt/tmp/out/status
umount /mnt/tmp/out
poweroff -f
EOF
fi
chmod +x "$work/initrd/init"
(cd "$work/initrd" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$work/initrd.gz"

cp "$script" "$out/script.sh"
printf '%s\n' '/bin/sh /vm-out/script.sh > /vm-out/log 2>&1' \
  'echo $? > /vm-out/status' > "$out/run.sh"
# the guest's chroot sees the host's /lib/modules, not its own kernel's:
# give scripts the vivid module (and its dependencies, already loaded)
mkdir -p "$out/mods"
cp "$work"/initrd/mods/*.ko "$out/mods/"
# v4l2loopback (VM_V4L2LOOPBACK=1): Debian's v4l2loopback-source built for
# the guest's kernel against its headers (linux-headers-amd64), once
if [ "${VM_V4L2LOOPBACK:-0}" = 1 ]; then
  ko=$cache/extra/v4l2loopback.ko
  if [ ! -f "$ko" ]; then
    hdr=/usr/src/linux-headers-$abi
    src=/usr/src/v4l2loopback.tar.bz2
    [ -d "$hdr" ] || { echo "SKIP: no headers for the VM's kernel $abi" \
      "(tools/install-deps installs linux-headers-amd64)"; exit 77; }
    [ -f "$src" ] || { echo "SKIP: $src is missing (v4l2loopback-source)"; exit 77; }
    mkdir -p "$work/lb" "$cache/extra"
    tar -xjf "$src" -C "$work/lb"
    if ! make -C "$hdr" M="$work/lb/modules/v4l2loopback" modules \
        > "$work/lb.log" 2>&1; then
      echo "FAIL: v4l2loopback does not build for $abi:"
      tail -n 20 "$work/lb.log"
      exit 1
    fi
    cp "$work/lb/modules/v4l2loopback/v4l2loopback.ko" "$ko"
  fi
  cp "$ko" "$out/mods/"
fi
rm -f "$out/status" "$out/log"
start=$(date +%s)
timeout "$timeout" qemu-system-x86_64 -accel tcg,thread=multi -cpu max \
  -m 2048 -smp 2 -nographic -no-reboot \
  -kernel "$cache/boot/vmlinuz-$abi" -initrd "$work/initrd.gz" \
  -append "console=ttyS0 quiet panic=-1" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$out,mount_tag=out,security_model=none" \
  ${VM_SHARE:+-virtfs local,path=$VM_SHARE,mount_tag=share,security_model=none,readonly=on,multidevs=remap} \
  > "$work/console" 2>&1 || true
echo "# VM ran $(($(date +%s) - start)) s; output in $out"
[ -f "$out/log" ] && cat "$out/log"
if [ ! -f "$out/status" ]; then
  echo "FAIL: the VM did not finish (console below)"
  tail -n 30 "$work/console"
  exit 1
fi
exit "$(cat "$out/status")"
