#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# smoke.sh: minimal guest check -- the ckpt controller exists and can be
# enabled.  make run SCRIPT=scripts/smoke.sh
set -eux
uname -a
nproc
cat /proc/cgroups
cat /sys/fs/cgroup/cgroup.controllers
grep -qw ckpt /sys/fs/cgroup/cgroup.controllers
echo +ckpt > /sys/fs/cgroup/cgroup.subtree_control
cat /sys/fs/cgroup/cgroup.subtree_control
mkdir /sys/fs/cgroup/smoke
ls /sys/fs/cgroup/smoke | grep '^ckpt\.'
cat /sys/fs/cgroup/smoke/ckpt.state || true
rmdir /sys/fs/cgroup/smoke
