#!/bin/sh
# Build libguestfs' "fixed" appliance into $1 and shrink its 4 GiB sparse root to what it holds
# plus 256 MiB of headroom (the appliance needs free space on /), so image layers stay small.
# Run at image build time; also runnable on any Debian host with libguestfs-tools to check it.
set -eu
dest="$1"
# No KVM inside `docker build`: software emulation builds the same appliance.
LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg \
  libguestfs-make-fixed-appliance "$dest"
root="$dest/root"
e2fsck -fy "$root" >/dev/null 2>&1 || true
resize2fs -M "$root" >/dev/null 2>&1
bytes=$(dumpe2fs -h "$root" 2>/dev/null | awk -F: '/^Block count/{c=$2} /^Block size/{s=$2} END{printf "%d", c*s + 268435456}')
resize2fs "$root" "$((bytes / 1024))K" >/dev/null 2>&1
truncate -s "$bytes" "$root"
chmod -R a+rX "$dest"
echo "fixed appliance in $dest: $(du -sh --apparent-size "$dest" | cut -f1)"
