// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt info: the records of signals and timers: handlers, pending
 * signals, job control state, itimers, POSIX timers.
 */
#include <inttypes.h>
#include <stdio.h>

#include "img.h"

static int rec_sighand(struct dec *d, uint32_t len)
{
	const struct ckpt_sighand *s = (const void *)d->rec;
	char name[32];
	int i;

	if (need_task(d) || check_len(d, len, sizeof(*s)) || once(d, SEEN_SIGHAND))
		return -1;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "sighand");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_name(json_wtr, "actions");
		jsonw_start_array(json_wtr);
	}
	for (i = 0; i < CKPT_NSIG; i++) {
		const struct ckpt_sigaction *a = &s->action[i];
		uint64_t h = le64(a->handler);

		if (!h)
			continue;
		sig_name(name, sizeof(name), i + 1);
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "signal", i + 1);
			jsonw_string_field(json_wtr, "name", name);
			if (h == 1)
				jsonw_string_field(json_wtr, "handler", "SIG_IGN");
			else
				jsonw_hex_field(json_wtr, "handler", h);
			jsonw_hex_field(json_wtr, "flags", le64(a->flags));
			jsonw_hex_field(json_wtr, "restorer", le64(a->restorer));
			jsonw_hex_field(json_wtr, "mask", le64(a->mask));
			jsonw_end_object(json_wtr);
		} else if (h == 1) {
			printf("  signal %-11s SIG_IGN\n", name);
		} else {
			printf("  signal %-11s handler %#" PRIx64 " flags %#" PRIx64 " restorer %#"
			       PRIx64 " mask %#" PRIx64 "\n", name, h, (uint64_t)le64(a->flags),
			       (uint64_t)le64(a->restorer), (uint64_t)le64(a->mask));
		}
	}
	if (json_output) {
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
	}
	return 0;
}

/* Queued signals: the siginfo_t of x86-64, little-endian. */
static void print_siginfo(const struct ckpt_siginfo *e)
{
	const unsigned char *b = e->si;
	int32_t signo = (int32_t)le32(*(const uint32_t *)b);
	int32_t code = (int32_t)le32(*(const uint32_t *)(b + 8));
	uint32_t pid = le32(*(const uint32_t *)(b + 16));
	uint32_t uid = le32(*(const uint32_t *)(b + 20));
	uint64_t value = le64(*(const uint64_t *)(b + 24));
	char name[32];

	sig_name(name, sizeof(name), signo);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_name(json_wtr, "signo");
		jsonw_int(json_wtr, signo);
		jsonw_string_field(json_wtr, "name", name);
		jsonw_name(json_wtr, "code");
		jsonw_int(json_wtr, code);
		jsonw_uint_field(json_wtr, "pid", pid);
		jsonw_uint_field(json_wtr, "uid", uid);
		jsonw_uint_field(json_wtr, "value", value);
		jsonw_end_object(json_wtr);
		return;
	}
	printf("    %-11s code %d pid %u uid %u value %" PRIu64 "\n", name, code, pid,
	       uid, value);
}

static int sig_queue(struct dec *d, uint32_t len, size_t hdr, uint32_t nr,
		     uint64_t set, const struct ckpt_siginfo *info)
{
	uint32_t i;

	if (len != hdr + (uint64_t)nr * sizeof(struct ckpt_siginfo))
		return bad(d, "length %u does not fit %u signals", len, nr);
	for (i = 0; i < nr; i++) {
		int32_t signo = (int32_t)le32(*(const uint32_t *)info[i].si);

		if (signo < 1 || signo > CKPT_NSIG || !(set & (1ULL << (signo - 1))))
			return bad(d, "queued signal %d not in the pending set", signo);
	}
	if (json_output) {
		jsonw_hex_field(json_wtr, "set", set);
		jsonw_name(json_wtr, "queue");
		jsonw_start_array(json_wtr);
	}
	for (i = 0; i < nr; i++)
		print_siginfo(&info[i]);
	if (json_output)
		jsonw_end_array(json_wtr);
	return 0;
}

static int rec_sigpending(struct dec *d, uint32_t len)
{
	const struct ckpt_sigpending *p = (const void *)d->rec;
	uint32_t flags;

	if (need_task(d))
		return -1;
	if (len < sizeof(*p))
		return check_len(d, len, sizeof(*p));
	flags = le32(p->flags);
	if (flags & ~(uint32_t)CKPT_SIGPENDING_STOP)
		return bad(d, "unknown flags %#x", flags);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "sigpending");
		jsonw_uint_field(json_wtr, "tid", le32(p->tid));
		jsonw_uint_field(json_wtr, "stop_signo", le32(p->stop_signo));
	} else {
		printf("  sigpending: tid %u nr %u set %#" PRIx64, le32(p->tid), le32(p->nr),
		       (uint64_t)le64(p->signal));
		if (flags & CKPT_SIGPENDING_STOP)
			printf(", stopped by signal %u", le32(p->stop_signo));
		printf("\n");
	}
	if (sig_queue(d, len, sizeof(*p), le32(p->nr), le64(p->signal), p->info))
		return -1;
	if (json_output)
		jsonw_end_object(json_wtr);
	return 0;
}

static int rec_signal(struct dec *d, uint32_t len)
{
	const struct ckpt_signal *s = (const void *)d->rec;
	uint32_t flags;

	if (need_task(d) || once(d, SEEN_SIGNAL))
		return -1;
	if (len < sizeof(*s))
		return check_len(d, len, sizeof(*s));
	flags = le32(s->flags);
	if (flags & ~(uint32_t)(CKPT_SIGNAL_STOPPED | CKPT_SIGNAL_CONTINUED))
		return bad(d, "unknown flags %#x", flags);
	if (s->__reserved)
		return bad(d, "nonzero __reserved");
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "signal");
		jsonw_bool_field(json_wtr, "stopped", flags & CKPT_SIGNAL_STOPPED);
		jsonw_bool_field(json_wtr, "continued", flags & CKPT_SIGNAL_CONTINUED);
		jsonw_uint_field(json_wtr, "group_exit_code", le32(s->group_exit_code));
	} else {
		printf("  signal: shared nr %u set %#" PRIx64 "%s%s group_exit_code %u\n",
		       le32(s->nr), (uint64_t)le64(s->signal),
		       flags & CKPT_SIGNAL_STOPPED ? " stopped" : "",
		       flags & CKPT_SIGNAL_CONTINUED ? " continued" : "",
		       le32(s->group_exit_code));
	}
	if (sig_queue(d, len, sizeof(*s), le32(s->nr), le64(s->signal), s->info))
		return -1;
	if (json_output)
		jsonw_end_object(json_wtr);
	return 0;
}

static int rec_itimers(struct dec *d, uint32_t len)
{
	const struct ckpt_itimers *t = (const void *)d->rec;
	static const char *const names[CKPT_NR_ITIMERS] = { "real", "virtual", "prof" };
	uint32_t flags;
	int i;

	if (need_task(d) || check_len(d, len, sizeof(*t)) || once(d, SEEN_ITIMERS))
		return -1;
	flags = le32(t->flags);
	if (flags & ~(uint32_t)CKPT_ITIMER_REAL_EXPIRED)
		return bad(d, "unknown flags %#x", flags);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "itimers");
		for (i = 0; i < CKPT_NR_ITIMERS; i++) {
			jsonw_name(json_wtr, names[i]);
			jsonw_start_object(json_wtr);
			jsonw_name(json_wtr, "value_ns");
			jsonw_int(json_wtr, (int64_t)le64(t->it[i].value_ns));
			jsonw_uint_field(json_wtr, "interval_ns", le64(t->it[i].interval_ns));
			jsonw_end_object(json_wtr);
		}
		jsonw_bool_field(json_wtr, "real_expired", flags & CKPT_ITIMER_REAL_EXPIRED);
		jsonw_uint_field(json_wtr, "next_posix_timer_id", le32(t->next_posix_timer_id));
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  itimers:");
	for (i = 0; i < CKPT_NR_ITIMERS; i++)
		printf("%s %s %" PRId64 "/%" PRIu64 " ns", i ? "," : "", names[i],
		       (int64_t)le64(t->it[i].value_ns), (uint64_t)le64(t->it[i].interval_ns));
	printf("%s, next POSIX timer id %u\n",
	       flags & CKPT_ITIMER_REAL_EXPIRED ? " (real expired)" : "",
	       le32(t->next_posix_timer_id));
	return 0;
}

static int rec_posix_timer(struct dec *d, uint32_t len)
{
	const struct ckpt_posix_timer *t = (const void *)d->rec;
	uint32_t flags;

	if (need_task(d) || check_len(d, len, sizeof(*t)))
		return -1;
	flags = le32(t->flags);
	if (flags & ~(uint32_t)(CKPT_PTIMER_ARMED | CKPT_PTIMER_REQUEUE |
				CKPT_PTIMER_SIGPENDING))
		return bad(d, "unknown flags %#x", flags);
	if (t->__reserved)
		return bad(d, "nonzero __reserved");
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "posix_timer");
		jsonw_uint_field(json_wtr, "id", le32(t->id));
		jsonw_name(json_wtr, "clock");
		jsonw_int(json_wtr, (int32_t)le32(t->clockid));
		jsonw_uint_field(json_wtr, "notify", le32(t->notify));
		jsonw_uint_field(json_wtr, "signo", le32(t->signo));
		jsonw_uint_field(json_wtr, "tid", le32(t->tid));
		jsonw_uint_field(json_wtr, "sigev_value", le64(t->sigev_value));
		jsonw_hex_field(json_wtr, "flags", flags);
		jsonw_name(json_wtr, "value_ns");
		jsonw_int(json_wtr, (int64_t)le64(t->value_ns));
		jsonw_uint_field(json_wtr, "interval_ns", le64(t->interval_ns));
		jsonw_name(json_wtr, "overrun");
		jsonw_int(json_wtr, (int64_t)le64(t->overrun));
		jsonw_name(json_wtr, "overrun_last");
		jsonw_int(json_wtr, (int64_t)le64(t->overrun_last));
		jsonw_uint_field(json_wtr, "sig_overrun", le32(t->sig_overrun));
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  posix_timer: id %u clock %d notify %u signo %u value %" PRIu64 " tid %u\n",
	       le32(t->id), (int32_t)le32(t->clockid), le32(t->notify), le32(t->signo),
	       (uint64_t)le64(t->sigev_value), le32(t->tid));
	printf("    %s%s%s left %" PRId64 " ns interval %" PRIu64 " ns overrun %" PRId64
	       "/%" PRId64 "\n",
	       flags & CKPT_PTIMER_ARMED ? "armed" : "disarmed",
	       flags & CKPT_PTIMER_REQUEUE ? " requeue" : "",
	       flags & CKPT_PTIMER_SIGPENDING ? " signal-pending" : "",
	       (int64_t)le64(t->value_ns), (uint64_t)le64(t->interval_ns),
	       (int64_t)le64(t->overrun), (int64_t)le64(t->overrun_last));
	return 0;
}

const struct rec_handler img_signal_handlers[] = {
	{ CKPT_REC_SIGHAND,	rec_sighand },
	{ CKPT_REC_SIGPENDING,	rec_sigpending },
	{ CKPT_REC_SIGNAL,	rec_signal },
	{ CKPT_REC_ITIMERS,	rec_itimers },
	{ CKPT_REC_POSIX_TIMER,	rec_posix_timer },
	{ 0, NULL },
};
