# SPDX-License-Identifier: GPL-2.0-only
#
# ckpt: build the test kernel (Debian's linux-source-6.1 + our controller),
# the userspace tools, and run things in a QEMU guest.
#
#   make            deps + kernel + tools
#   make test       ... then run tests/run-tests.sh in the guest
#   make demo       ... then run scripts/demo.sh in the guest
#   make run SCRIPT=path [ARGS="..."]
#   make check      checkpatch, W=1, sparse and the shape checks on kernel/cgroup_ckpt/
#   make stress     N=1000 checkpoint/restart cycles, leaks checked (N=50: CI)
#   make fuzz       mutated images against restart (N per workload, WL=...)
#   make bench      ckpt against CRIU in the guest (BENCH_QUICK=1, BENCH_RUNS=N)
#   make compat OLD_KERNEL=bzImage  images of an earlier kernel restart here
#   make KCONFIG=kasan   the same with the KASAN fragment, in build/obj-kasan
#   make KCONFIG=kmemleak  ... with kmemleak (fuzz and stress then fail on a
#                        leak it reports), in build/obj-kmemleak
#   make KCONFIG=nodebug   ... without lockdep, for make bench, in build/obj-nodebug

SHELL		:= /bin/bash
.SHELLFLAGS	:= -eu -o pipefail -c

KVER		:= 6.1
TARBALL		:= /usr/src/linux-source-$(KVER).tar.xz
BUILD		:= build
SRC		:= $(BUILD)/linux-source-$(KVER)
KCONFIG		?= ckpt
ifeq ($(KCONFIG),ckpt)
OBJ		:= $(BUILD)/obj
FRAGMENTS	:= config/ckpt.config
else
OBJ		:= $(BUILD)/obj-$(KCONFIG)
FRAGMENTS	:= config/ckpt.config config/$(KCONFIG).config
endif
BZIMAGE		:= $(OBJ)/arch/x86/boot/bzImage
JOBS		?= $(shell nproc)
KCC		?= ccache gcc

# ccache: paths under the repo are hashed relative to it, so a fresh clone
# elsewhere reuses the same cache.
export CCACHE_BASEDIR := $(CURDIR)

KMAKE		= $(MAKE) -C $(SRC) O=$(CURDIR)/$(OBJ) CC="$(KCC)" -j$(JOBS)

EXTRACT_STAMP	:= $(SRC)/.ckpt-extracted
HOOKS_STAMP	:= $(SRC)/.ckpt-hooks.applied
CONFIG_STAMP	:= $(OBJ)/.ckpt-config.stamp

PACKAGES := linux-source-6.1 qemu-system-x86 ccache flex bison libelf-dev \
	libssl-dev bc cpio rsync bats criu cgroup-tools busybox-static \
	python3-docutils sparse codespell gcc make xz-utils patch perl \
	iproute2 util-linux keyutils zlib1g-dev redis-server redis-tools \
	nginx postgresql

CKPT_SRCS := $(wildcard kernel/cgroup_ckpt/*.[ch]) include/uapi/ckpt_cgroup.h

.PHONY: compat fuzz stress all deps config kernel sync-src tools run test demo bench check clean distclean \
	hook-size headers

all: deps kernel tools

# ---- packages ---------------------------------------------------------------
# apt-get runs only when a package is missing.
deps:
	@missing=$$(for p in $(PACKAGES) $(EXTRA_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing:" $$missing; \
		if [ "$$(id -u)" != 0 ]; then \
			echo "deps: run as root (apt-get install needs it)" >&2; exit 1; fi; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q; \
		apt-get install -y -q --no-install-recommends $$missing; \
	fi

# ---- kernel source tree -------------------------------------------------------
$(EXTRACT_STAMP):
	@mkdir -p $(BUILD)
	@if [ -f $(SRC)/Makefile ]; then \
		echo "kernel: using the already extracted $(SRC)"; \
	else \
		echo "kernel: extracting $(TARBALL)"; \
		rm -rf $(BUILD)/.extract $(SRC); mkdir -p $(BUILD)/.extract; \
		tar -C $(BUILD)/.extract -xf $(TARBALL); \
		mv $(BUILD)/.extract/linux-source-$(KVER) $(SRC); \
		rmdir $(BUILD)/.extract; \
	fi
	@touch $@

# Applies patches/hooks.patch once.  A copy of what was applied is kept in
# the stamp, so that a changed patch is first reverted, then the new one applied.
$(HOOKS_STAMP): patches/hooks.patch $(EXTRACT_STAMP)
	@if [ -f $@ ] && ! cmp -s $@ $<; then \
		echo "kernel: hooks.patch changed, reverting the old one"; \
		patch -d $(SRC) -p1 -R --forward -s < $@; \
		rm -f $@; \
	fi
	@if patch -d $(SRC) -p1 -R --dry-run -f -s < $< >/dev/null 2>&1; then \
		echo "kernel: hooks.patch is already applied"; \
	else \
		echo "kernel: applying hooks.patch"; \
		patch -d $(SRC) -p1 --forward -s < $<; \
	fi
	@cp $< $@
	@$(MAKE) -s --no-print-directory hook-size

hook-size:
	@awk '/^\+\+\+ /{files++; next} /^--- /{next} /^[-+]/{n++} \
		END{printf "hook patch: %d lines changed in %d files\n", n, files}' \
		patches/hooks.patch

# Copies our sources into the tree; only files whose content changed are
# written (rsync -c), files deleted here are deleted there.
sync-src: $(HOOKS_STAMP)
	@mkdir -p $(SRC)/kernel/cgroup_ckpt
	@rsync -rci --delete --exclude='*.o' --exclude='.*' --exclude='*.cmd' \
		kernel/cgroup_ckpt/ $(SRC)/kernel/cgroup_ckpt/ | sed 's/^/sync: /'
	@rsync -ci include/uapi/ckpt_cgroup.h \
		$(SRC)/include/uapi/linux/ckpt_cgroup.h | sed 's/^/sync: /'
	@if [ -f Documentation/cgroup-ckpt.rst ]; then \
		rsync -ci Documentation/cgroup-ckpt.rst \
			$(SRC)/Documentation/admin-guide/cgroup-ckpt.rst | sed 's/^/sync: /'; \
	fi

# .config is regenerated only when a fragment changes.  Every =y line of
# the fragments must survive olddefconfig (catches typos, unmet dependencies),
# unless a later fragment turns it off ("# CONFIG_X is not set").
$(CONFIG_STAMP): $(FRAGMENTS) | sync-src
	@mkdir -p $(OBJ)
	@echo "kernel: generating $(OBJ)/.config from tinyconfig + $(FRAGMENTS)"
	@$(KMAKE) -s tinyconfig >/dev/null
	@cd $(SRC) && ./scripts/kconfig/merge_config.sh -m -O $(CURDIR)/$(OBJ) \
		$(CURDIR)/$(OBJ)/.config $(addprefix $(CURDIR)/,$(FRAGMENTS)) >/dev/null
	@$(KMAKE) -s olddefconfig
	@missing=$$(grep -h '^CONFIG_[A-Za-z0-9_]*=y$$' $(FRAGMENTS) | sort -u | \
		while read -r l; do \
			grep -qx "# $${l%=y} is not set" $(FRAGMENTS) || \
			grep -qx "$$l" $(OBJ)/.config || echo "$$l"; done); \
	if [ -n "$$missing" ]; then \
		echo "kernel: these options of $(FRAGMENTS) did not survive olddefconfig" \
			"(typo or unmet dependency):" >&2; \
		echo "$$missing" | sed 's/^/  /' >&2; \
		exit 1; \
	fi
	@touch $@

config: $(CONFIG_STAMP)

kernel: $(CONFIG_STAMP) sync-src
	@echo "kernel: building $(BZIMAGE)"
	@$(KMAKE) bzImage
	@$(MAKE) -s --no-print-directory hook-size
	@ls -l $(BZIMAGE)

# Exported UAPI headers (usable with -I$(OBJ)/usr/include).
headers: $(CONFIG_STAMP) sync-src
	@$(KMAKE) -s headers_install

# ---- userspace -----------------------------------------------------------------
tools:
	@if [ -f tools/ckptfs-util/Makefile ]; then \
		$(MAKE) -C tools/ckptfs-util; \
	else echo "tools: no tools/ckptfs-util/Makefile yet"; fi
	@if [ -f tests/workloads/Makefile ]; then \
		$(MAKE) -C tests/workloads; \
	else echo "tools: no tests/workloads/Makefile yet"; fi

# ---- running in the guest --------------------------------------------------------
GUEST_RUN = scripts/guest-run --kernel $(BZIMAGE)

run: kernel tools
	@[ -n "$(SCRIPT)" ] || { echo "usage: make run SCRIPT=path [ARGS=...]" >&2; exit 2; }
	$(GUEST_RUN) $(SCRIPT) $(ARGS)

# The whole suite under TCG takes minutes; stay inside CI's 90 minutes.
TEST_TIMEOUT	?= 4800

test: deps kernel tools
	$(GUEST_RUN) --timeout $(TEST_TIMEOUT) tests/run-tests.sh $(ARGS)

demo: deps kernel tools
	$(GUEST_RUN) scripts/demo.sh

# Mutated images against restart (tests/fuzz/restart-fuzz.sh): N images
# (default 120) of each workload of WL (default all 18: 2160 images); with
# KCONFIG=kasan on the KASAN kernel.  The bats suite runs a short mode
# (tests/bats/45-fuzz.bats).
FUZZ_TIMEOUT	?= 9000

fuzz: deps kernel tools
	CKPT_FUZZ_N=$(or $(N),120) CKPT_FUZZ_WL="$(or $(WL),all)" \
		$(GUEST_RUN) --timeout $(FUZZ_TIMEOUT) \
		tests/workloads/bin/reaper tests/fuzz/restart-fuzz.sh

# Images of an earlier kernel restart on this one (tests/compat/): each
# workload of restart-fuzz.sh checkpointed on OLD_KERNEL (a bzImage built
# from an earlier commit, e.g. in a git worktree), then restarted on this
# kernel and made to check its own state.  Output in build/compat/.
COMPAT_OUT	:= $(BUILD)/compat

compat: deps kernel tools
	@[ -n "$(OLD_KERNEL)" ] || { echo "usage: make compat OLD_KERNEL=path/to/bzImage" >&2; exit 2; }
	@mkdir -p $(COMPAT_OUT)
	scripts/guest-run --kernel $(OLD_KERNEL) tests/workloads/bin/reaper \
		tests/compat/image-compat.sh write > $(COMPAT_OUT)/write.log
	@grep -E '^compat:' $(COMPAT_OUT)/write.log
	@sed -n 's/^COMPAT-TAR //p' $(COMPAT_OUT)/write.log | tr -d '\r' | base64 -d > $(COMPAT_OUT)/images.tgz
	$(GUEST_RUN) tests/workloads/bin/reaper tests/compat/image-compat.sh read \
		$(CURDIR)/$(COMPAT_OUT)/images.tgz | tee $(COMPAT_OUT)/read.log | grep -E '^(compat|guest-run):'

# N "checkpoint kill" + restart cycles of a mixed workload; fails on a
# failed cycle or a slab/MemAvailable leak beyond the tolerances of
# tests/stress/ckpt-stress.sh.  N=50 for CI.  With KCONFIG=kasan on the
# KASAN kernel.
STRESS_TIMEOUT	?= 5400

stress: deps kernel tools
	CKPT_STRESS_N=$(or $(N),1000) $(GUEST_RUN) --timeout $(STRESS_TIMEOUT) \
		tests/workloads/bin/reaper tests/stress/ckpt-stress.sh

# ckpt against CRIU in one boot (bench/README.md).  BENCH_QUICK=1: small
# sizes and one run, for development and CI smoke tests.  Output in
# build/bench/: results.md, results.json, chart.png, console.log.
BENCH_QUICK	?= 0
BENCH_RUNS	?= $(if $(filter 1,$(BENCH_QUICK)),1,3)
BENCH_MEM	?= $(if $(filter 1,$(BENCH_QUICK)),2048,4096)
BENCH_TIMEOUT	?= $(if $(filter 1,$(BENCH_QUICK)),1800,7200)
BENCH_OUT	:= $(BUILD)/bench$(if $(filter-out ckpt,$(KCONFIG)),-$(KCONFIG))

bench: EXTRA_PACKAGES := gnuplot-nox iptables
bench: deps kernel tools
	@$(MAKE) -C bench/workloads
	@mkdir -p $(BENCH_OUT)
	@set +e; CKPT_BENCH_RUNS=$(BENCH_RUNS) CKPT_BENCH_QUICK=$(BENCH_QUICK) \
		$(GUEST_RUN) --mem $(BENCH_MEM) --timeout $(BENCH_TIMEOUT) \
		tests/workloads/bin/reaper bench/run.sh 2>&1 | tee $(BENCH_OUT)/console.log | \
		grep --line-buffered -E '^(bench:|BENCH-|guest-run:)'; rc=$${PIPESTATUS[0]}; \
	python3 bench/report.py $(BENCH_OUT)/console.log $(BENCH_OUT) || rc=1; \
	exit $$rc

# ---- static checks ---------------------------------------------------------------
# C=2: sparse runs on every file of the directory, even if up to date.
check: $(CONFIG_STAMP) sync-src
	@rc=0; \
	echo "check: checkpatch"; \
	perl $(SRC)/scripts/checkpatch.pl --no-tree --strict --terse -f $(CKPT_SRCS) || rc=1; \
	echo "check: W=1 C=2 kernel/cgroup_ckpt/"; \
	$(KMAKE) W=1 C=2 kernel/cgroup_ckpt/ 2>&1 | tee $(BUILD)/check.log || rc=1; \
	n=$$(grep -cE '(warning|error):' $(BUILD)/check.log || true); \
	if [ "$$n" != 0 ]; then echo "check: $$n compiler/sparse warnings"; rc=1; fi; \
	echo "check: the shape of the code (scripts/ckpt-deps, ckpt-funclen)"; \
	scripts/ckpt-deps $(OBJ)/kernel/cgroup_ckpt || rc=1; \
	scripts/ckpt-funclen || rc=1; \
	if [ $$rc = 0 ]; then echo "check: clean"; fi; \
	exit $$rc

# ---- cleaning ----------------------------------------------------------------------
clean:
	rm -rf $(BUILD)/obj $(BUILD)/obj-* $(BUILD)/guest
	@for d in tools/ckptfs-util tests/workloads bench/workloads; do \
		[ -f $$d/Makefile ] && $(MAKE) -C $$d clean || true; done

distclean:
	rm -rf $(BUILD)
