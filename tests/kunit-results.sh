#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit-results.sh: checks the results of the ckpt KUnit suites that the
# test kernel ran at boot (CONFIG_CKPT_KUNIT_TEST), from a kernel log
# (dmesg, or the console log of a guest run) on stdin.
#
#   dmesg | tests/kunit-results.sh [SUITE...]
#   tests/kunit-results.sh < build/guest/run.*/console.log
#
# SUITE defaults to every ckpt suite: ckpt_stream ckpt_tree ckpt_objtab
# ckpt_exclude ckpt_resource.  Prints one line per suite; for a suite that failed, its
# failing cases (and parameters) and KUnit's messages about them.  Exits 1
# if a case failed, a suite did not run at all or did not finish.

set -u -o pipefail

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(ckpt_stream ckpt_tree ckpt_objtab ckpt_exclude ckpt_resource)

# KTAP as KUnit 6.1 prints it (lines may carry a printk time stamp):
#     # Subtest: SUITE		a suite starts
#     ok N [- ]CASE		a case (not ok: failed; "# SKIP": skipped)
#         # Subtest: CASE		the parameters of a case...
#         not ok N DESC		...each with its result
# ok N [- ]SUITE			the suite ends (column 0)
awk -v want="${suites[*]}" '
BEGIN {
	n = split(want, w, " ")
	for (i = 1; i <= n; i++)
		wanted[w[i]] = 1
	cur = ""
}
{
	sub(/\r$/, "")
	sub(/^\[ *[0-9]+\.[0-9]+\] ?/, "")
}
/^    # Subtest: / {
	name = $3
	if (name in wanted) {
		cur = name
		seen[cur] = 1
		cases[cur] = 0; failed[cur] = 0; skipped[cur] = 0
		bad[cur] = ""; msgs[cur] = ""; param = ""
	} else {
		cur = ""
	}
	next
}
cur == "" { next }
/^(not )?ok [0-9]+ (- )?[A-Za-z0-9_]+/ {
	name = $0
	sub(/^(not )?ok [0-9]+ (- )?/, "", name)
	sub(/[ #].*/, "", name)
	if (name == cur) {
		done[cur] = 1
		suite_ok[cur] = ($1 == "ok")
		cur = ""
	}
	next
}
/^        # Subtest: / { param = $3; next }
/^        not ok [0-9]+ / {
	d = $0
	sub(/^        not ok [0-9]+ /, "", d)
	bad[cur] = bad[cur] "  not ok: " param " [" d "]\n"
	next
}
/^    ok [0-9]+ / {
	cases[cur]++
	if ($0 ~ /# SKIP/)
		skipped[cur]++
	next
}
/^    not ok [0-9]+ / {
	cases[cur]++
	failed[cur]++
	d = $0
	sub(/^    not ok [0-9]+ (- )?/, "", d)
	bad[cur] = bad[cur] "  not ok: " d "\n"
	next
}
/^ *# .*(EXPECTATION|ASSERTION) FAILED/ || /^ +(Expected|[a-z_>.\[\]()-]+ ==) / ||
/^ *# [a-z_0-9]+: / {
	if ($0 !~ /# [a-z_0-9]+: pass:[0-9]+ fail:/)
		msgs[cur] = msgs[cur] "  | " $0 "\n"
}
END {
	rc = 0
	for (i = 1; i <= n; i++) {
		s = w[i]
		if (!(s in seen)) {
			printf "kunit: %s: FAIL: the suite did not run (CONFIG_CKPT_KUNIT_TEST, kunit.enable?)\n", s
			rc = 1
			continue
		}
		if (!(s in done)) {
			printf "kunit: %s: FAIL: the suite did not finish (%d cases seen)\n", s, cases[s]
			printf "%s%s", bad[s], msgs[s]
			rc = 1
			continue
		}
		if (failed[s] || !suite_ok[s]) {
			printf "kunit: %s: FAIL: %d of %d cases failed\n", s, failed[s], cases[s]
			printf "%s%s", bad[s], msgs[s]
			rc = 1
			continue
		}
		printf "kunit: %s: ok, %d cases passed", s, cases[s] - skipped[s]
		if (skipped[s])
			printf ", %d skipped", skipped[s]
		printf "\n"
	}
	exit rc
}'
