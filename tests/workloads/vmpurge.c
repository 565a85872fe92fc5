// SPDX-License-Identifier: GPL-2.0
/*
 * vmpurge
 *
 * Makes the kernel free the vmalloc areas it has freed lazily (vfree()
 * unmaps an area only when enough of them have piled up: 64 MiB with 2
 * CPUs, hundreds of task stacks).  Until then each one keeps a vmap_area
 * object, which a slab leak check would count.  It loads an allow-all
 * seccomp filter: the kernel makes a classic BPF program read-only with
 * set_memory_ro(), which on x86 calls vm_unmap_aliases(), which purges
 * every lazily freed area.  The filter goes away with the process.
 * Exits 0, or 1 if the filter cannot be loaded.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>

int main(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("vmpurge: seccomp filter");
		return 1;
	}
	return 0;
}
