# SPDX-License-Identifier: GPL-2.0
# kmemleak.sh: sourced by tests/fuzz/restart-fuzz.sh and
# tests/stress/ckpt-stress.sh.  On a kernel with kmemleak (make
# KCONFIG=kmemleak), kml_start forgets what kmemleak suspects so far (boot
# noise) and kml_check scans twice (an object must stay unreferenced for
# 5 s) and prints each leak kmemleak reports, with the stack that
# allocated it.  Elsewhere both do nothing and kml_check succeeds.
KML=/sys/kernel/debug/kmemleak

kml_start() {
	[ -d /sys/kernel/debug/slab ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	[ -w $KML ] || return 0
	echo scan > $KML && echo clear > $KML
}

# kml_check PREFIX: 0 if kmemleak is absent or reports nothing.
kml_check() {
	local n

	[ -w $KML ] || return 0
	sleep 6
	echo scan > $KML
	sleep 6
	echo scan > $KML
	n=$(grep -c '^unreferenced object' $KML)
	echo "$1 kmemleak: $n unreferenced objects"
	[ "$n" = 0 ] && return 0
	head -n 200 $KML | sed "s/^/$1 /"
	return 1
}
