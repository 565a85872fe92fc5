// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: checkpoint and restart the processes of a cgroup through the ckpt
 * cgroup controller (ckpt.exclude, ckpt.image_fd, ckpt.trigger,
 * ckpt.state), and decode checkpoint images.
 *
 * Shaped like bpftool: a table of commands, each with its usage line and
 * a paragraph of help; one error printer; "help" is a command too.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ckpt_cgroup.h>

#include "ckpt.h"

bool json_output;
json_writer_t *json_wtr;
bool quiet;
const char *prog = "ckpt";

/* The classes of ckpt.exclude: the one table to extend. */
const struct excl_class excl_classes[] = {
	{ "anon", CKPT_EXCL_ANON, "private anonymous memory (the stack is always kept)" },
	{ "shmem", CKPT_EXCL_SHMEM, "shared memory contents (MAP_SHARED anonymous, memfd, SysV shm)" },
	{ "net", CKPT_EXCL_NET, "network sockets (all but unix sockets), replaced by reset ones" },
	{ "ipc", CKPT_EXCL_IPC, "SysV semaphore values, messages of SysV and POSIX queues" },
	{ "files", CKPT_EXCL_FILES, "contents of open regular files (in the default set)" },
	{ "dev", CKPT_EXCL_DEV, "devices and terminals, replaced by /dev/null" },
	{ NULL, 0, NULL },
};

void p_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Progress and summaries: stderr, so that stdout can carry an image. */
void p_info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct cmd {
	const char	*name;
	int		(*func)(int argc, char **argv);
	const char	*usage;
	const char	*help;
};

static int do_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "checkpoint", do_checkpoint,
	  "checkpoint CGROUP -o FILE|- [--frozen|--kill|--no-snapshot] [--exclude +CLASS,-CLASS] [--progress] [-q]",
	  "Freeze every task of CGROUP, write their state to FILE (\"-\": standard\n"
	  "output, for a pipe) and thaw them again.  The tasks are frozen only while\n"
	  "their state is recorded and their memory snapshotted copy-on-write (as\n"
	  "fork() does); the pages are written while they run, and the image is the\n"
	  "state of the freeze instant.  --no-snapshot keeps them frozen until the\n"
	  "image is complete (no copy-on-write, more downtime).  With --frozen leave\n"
	  "them frozen, with --kill kill them once the image is complete; their TCP\n"
	  "connections are then held (the peers see silence, not a reset) until a\n"
	  "restart takes them over or \"echo release > CGROUP/ckpt.trigger\".  --exclude changes\n"
	  "ckpt.exclude for this checkpoint only (e.g. +anon: leave out private\n"
	  "anonymous memory).  A partial FILE is removed when the checkpoint fails.\n"
	  "--progress shows the bytes written so far on standard error while the\n"
	  "checkpoint runs (a bar on a terminal, else a line when the count changes,\n"
	  "at most one a second), against an estimate of the total: the resident\n"
	  "anonymous and shared memory of the group.  Prints a summary (tasks,\n"
	  "bytes, time, time frozen) on standard error unless -q." },
	{ "restart", do_restart,
	  "restart CGROUP -i FILE|- [--frozen] [--new-pidns|--new-userns] [--wait]\n"
	  "        [--skip-file-check] [-q]",
	  "Recreate the tasks of the image FILE (\"-\": standard input) inside CGROUP,\n"
	  "which is created if missing (enabling +ckpt in its parent) and must be\n"
	  "empty otherwise.  Without CAP_SYS_ADMIN only images of your own tasks,\n"
	  "with --new-userns, into a group delegated to you.  With --frozen the tasks stay\n"
	  "frozen (thaw with: echo 0 > CGROUP/cgroup.freeze).  Prints the restored\n"
	  "pids on standard output.  The restored tasks are children of ckpt: with\n"
	  "--wait it waits for them and exits with the status of the first one\n"
	  "(128+N if killed by signal N); without it they are reparented when\n"
	  "ckpt exits.  With --new-pidns the tasks get the pids of the image in a\n"
	  "new pid namespace, whose init (\"ckpt-init\", a child of ckpt) is their\n"
	  "parent and reaper: an image can then be restarted while its original\n"
	  "runs, or twice.  The namespace ends when its last task does.\n"
	  "--new-userns does the same in a new user namespace that maps only your\n"
	  "uid and gid: how a user without CAP_SYS_ADMIN restarts.  pids\n"
	  "printed and in cgroup.procs are as seen from outside.  A regular file\n"
	  "reopened by path must have the size and modification time it had at\n"
	  "the checkpoint (ESTALE otherwise, naming it); --skip-file-check accepts\n"
	  "files that changed." },
	{ "check", do_check,
	  "check CGROUP [--json] [-q]",
	  "Ask whether CGROUP can be checkpointed now, without writing an image (a\n"
	  "dry run: the \"check\" trigger).  The tasks are frozen only while they\n"
	  "are looked at, not while memory would be copied.  Prints every blocker\n"
	  "found on standard output, one a line, as the kernel words it (\"pid 212\n"
	  "fd 4: ... UDP socket; ...\"): the pid, the resource and the reason, and\n"
	  "exits 1; exits 0 if nothing blocks.  The tasks themselves are checked\n"
	  "first (permissions, tracing...): a blocker there ends the check before\n"
	  "their resources are looked at." },
	{ "state", do_state,
	  "state CGROUP [--json]",
	  "Show ckpt.state: what the controller is doing, and the result, size and\n"
	  "duration of the last operation, with the kernel's reason if it failed." },
	{ "exclude", do_exclude,
	  "exclude CGROUP [+CLASS|-CLASS ...]",
	  "Without tokens, print the classes excluded from checkpoints of CGROUP;\n"
	  "with tokens, change them (all or nothing).  Classes: see below." },
	{ "info", do_info,
	  "info FILE|- [--json] [--pages]",
	  "Decode and verify an image read sequentially from FILE (\"-\": standard\n"
	  "input): header, task table, and for every task its credentials, threads\n"
	  "(system call state, registers), memory areas, open files, cwd, umask\n"
	  "and signal handlers; then the trailer's record count and CRC-32.  With\n"
	  "--pages also list every block of stored pages.  Exit status 1 and a\n"
	  "precise message if the image is invalid." },
	{ "format", do_format,
	  "format [--json]",
	  "Print the layout of the image format this tool reads: the version and\n"
	  "magic, the record types (name, number, least and greatest length,\n"
	  "header included), and the size and field offsets of the structures\n"
	  "that scripts patch (file header, trailer, memory records).  For scripts\n"
	  "that build or change images, so that they keep no copy of their own.\n"
	  "Without --json, one item a line: \"record NAME NUMBER MIN MAX\",\n"
	  "\"struct NAME SIZE\", \"field STRUCT.FIELD OFFSET SIZE\", \"NAME VALUE\"." },
	{ "help", do_help,
	  "help [COMMAND]",
	  "Show this help, or the help of one command." },
	{ NULL, NULL, NULL, NULL },
};

static const struct cmd *cmd_find(const char *name)
{
	const struct cmd *c;

	for (c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void print_grammar(FILE *f)
{
	const struct cmd *c;

	fprintf(f, "Usage: %s [-q] [--json] COMMAND ARGS...\n", prog);
	for (c = cmds; c->name; c++)
		fprintf(f, "       %s %s\n", prog, c->usage);
	fprintf(f, "       %s --help | COMMAND --help | --version\n", prog);
}

static void print_common(void)
{
	const struct excl_class *e;

	printf("\nCGROUP is a path relative to the cgroup2 mount (\"app\", \"/app\"), or a\n"
	       "full path under it (\"/sys/fs/cgroup/app\").  The cgroup's parent must have\n"
	       "+ckpt in its cgroup.subtree_control.\n"
	       "\nExclusion classes:\n");
	for (e = excl_classes; e->name; e++)
		printf("  %-8s %s\n", e->name, e->what);
	printf("\nExit status:\n"
	       "  0  success\n"
	       "  1  the operation failed (the kernel refused, or the image is invalid);\n"
	       "     the reason is printed\n"
	       "  2  usage error\n"
	       "  3  environment error: no cgroup2 mount, no such cgroup, ckpt not enabled\n"
	       "     on the cgroup, a file cannot be opened\n"
	       "\nEnvironment:\n"
	       "  CKPT_CGROUP_ROOT  use this directory instead of the cgroup2 mount\n"
	       "                    (a testing aid: a directory of plain files)\n");
}

static void print_cmd_help(const struct cmd *c)
{
	printf("Usage: %s %s\n\n%s\n", prog, c->usage, c->help);
}

static int do_help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc > 2)
		return usage_error("help", "too many arguments");
	if (argc == 2) {
		c = cmd_find(argv[1]);
		if (!c)
			return usage_error("help", "unknown command '%s'", argv[1]);
		print_cmd_help(c);
		if (c->func != do_help)
			print_common();
		return EXIT_OK;
	}

	printf("%s: checkpoint and restart the processes of a cgroup\n\n", prog);
	print_grammar(stdout);
	printf("\nCommands:\n");
	for (c = cmds; c->name; c++) {
		const char *p = c->help;

		printf("\n  %s\n    ", c->name);
		for (; *p; p++) {
			putchar(*p);
			if (*p == '\n')
				fputs("    ", stdout);
		}
		putchar('\n');
	}
	printf("\nExamples:\n"
	       "  %1$s checkpoint app -o app.img --kill    # save app and end it\n"
	       "  %1$s restart app2 -i app.img             # bring it back in app2\n"
	       "  %1$s info app.img                        # look inside\n"
	       "  %1$s checkpoint a -o - | ssh host %1$s restart b -i -\n"
	       "  %1$s exclude app -anon                   # keep anonymous memory again\n",
	       prog);
	print_common();
	return EXIT_OK;
}

/* The one way to report a usage error: message, grammar, exit code 2. */
int usage_error(const char *cmd, const char *fmt, ...)
{
	const struct cmd *c = cmd ? cmd_find(cmd) : NULL;
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		fprintf(stderr, "Usage: %s %s\n", prog, c->usage);
	else
		print_grammar(stderr);
	fprintf(stderr, "Try '%s help%s%s'.\n", prog, c ? " " : "", c ? c->name : "");
	return EXIT_USAGE;
}

const struct excl_class *excl_class_find(const char *name, size_t len)
{
	const struct excl_class *e;

	for (e = excl_classes; e->name; e++)
		if (strlen(e->name) == len && !strncmp(e->name, name, len))
			return e;
	return NULL;
}

/*
 * Turn tokens like "+anon,-anon" or "+anon" "-anon" into the space
 * separated line ckpt.exclude takes, checking every class name here so
 * that a typo is a usage error rather than a kernel EINVAL.
 */
int excl_tokens(const char *cmd, char *out, size_t size, char **tok, int ntok)
{
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < ntok; i++) {
		const char *p = tok[i];

		while (*p) {
			size_t n = strcspn(p, ", \t");

			if (n) {
				if ((p[0] != '+' && p[0] != '-') || n < 2)
					return usage_error(cmd, "bad exclusion '%.*s': expected +CLASS or -CLASS",
							   (int)n, p);
				if (!excl_class_find(p + 1, n - 1))
					return usage_error(cmd, "unknown exclusion class '%.*s'",
							   (int)n - 1, p + 1);
				if (used + n + 2 > size)
					return usage_error(cmd, "too many exclusion tokens");
				used += sprintf(out + used, "%s%.*s", used ? " " : "", (int)n, p);
			}
			p += n;
			if (*p)
				p++;
		}
	}
	if (!used)
		return usage_error(cmd, "no exclusion class given");
	return EXIT_OK;
}

void excl_names(char *out, size_t size, uint64_t bits)
{
	const struct excl_class *e;
	size_t used = 0;

	out[0] = '\0';
	for (e = excl_classes; e->name; e++) {
		if (!(bits & e->bit))
			continue;
		used += snprintf(out + used, size - used, "%s%s", used ? " " : "", e->name);
		bits &= ~e->bit;
		if (used >= size)
			return;
	}
	if (bits)
		snprintf(out + used, size - used, "%s0x%llx", used ? " " : "",
			 (unsigned long long)bits);
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int i, ret;

	/* Options before the command. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return do_help(1, argv);
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("%s %s (image format version %d)\n", prog,
			       CKPT_TOOL_VERSION, CKPT_VERSION);
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json_output = true;
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			quiet = true;
		else
			return usage_error(NULL, "unknown option '%s'", argv[i]);
	}
	if (i == argc)
		return usage_error(NULL, "no command given");

	c = cmd_find(argv[i]);
	if (!c)
		return usage_error(NULL, "unknown command '%s'", argv[i]);

	argc -= i;
	argv += i;
	if (c->func != do_help) {
		for (i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "--"))
				break;
			if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
				print_cmd_help(c);
				print_common();
				return EXIT_OK;
			}
		}
	}
	/* Commands write JSON through it, and may end it themselves. */
	json_wtr = jsonw_new(stdout);
	if (!json_wtr) {
		p_err("out of memory");
		return EXIT_ENV;
	}
	jsonw_pretty(json_wtr, true);
	ret = c->func(argc, argv);
	jsonw_destroy(&json_wtr);
	return ret;
}
