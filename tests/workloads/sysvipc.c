// SPDX-License-Identifier: GPL-2.0
/*
 * sysvipc -d DIR
 *
 * SysV semaphores and message queues used by a parent and its child:
 *	S1	key 0x7c5b0000 + pid, 3 semaphores, mode 0640, set to 5 0 100;
 *		the parent takes 1 from sem 0 with SEM_UNDO, the child 2 from
 *		sem 0 and adds 3 to sem 2 with SEM_UNDO: 2 0 103
 *	S2	IPC_PRIVATE, 1 semaphore, mode 0600, SETVAL 7 by the parent
 *	Q	key 0x7c5c0000 + pid, mode 0620, qbytes 4000, four messages
 *		sent by the parent: type 1 "hello", type 5 1000 bytes, type 2
 *		empty, type 1 "world"
 *	Q2	IPC_PRIVATE, mode 0600, one message of type 9 sent by the child
 * DIR/info gets "child PID", "S1 ID KEY", "S2 ID", "Q ID KEY", "Q2 ID".
 *
 * On SIGUSR1 the parent checks values, queue attributes and messages
 * (read with MSG_COPY, left queued), then takes and puts back a message
 * and a semaphore, and writes "OK sysvipc" or FAIL lines to DIR/result.
 */
#include "wl.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>

#ifndef MSG_COPY
#define MSG_COPY	040000
#endif

static int s1, s2, q, q2;

struct msg {
	long type;
	char text[2048];
};

static char pat(int i)
{
	return (char)('A' + i % 23);
}

static void semop1(int id, int num, int op, int flg)
{
	struct sembuf b = { .sem_num = num, .sem_op = op, .sem_flg = flg };

	if (semop(id, &b, 1))
		wl_die("semop: %m");
}

static void send(int id, long type, const char *text, size_t len)
{
	struct msg m = { .type = type };

	memcpy(m.text, text, len);
	if (msgsnd(id, &m, len, IPC_NOWAIT))
		wl_die("msgsnd: %m");
}

static void check_msg(int id, int idx, long type, const char *text, size_t len)
{
	struct msg m;
	ssize_t n;

	n = msgrcv(id, &m, sizeof(m.text), idx, IPC_NOWAIT | MSG_COPY);
	if (n < 0)
		wl_fail("queue %d message %d: %m", id, idx);
	else if (m.type != type || (size_t)n != len || memcmp(m.text, text, len))
		wl_fail("queue %d message %d: type %ld, %zd bytes, want type %ld, %zu bytes",
			id, idx, m.type, n, type, len);
}

static void check_sems(int id, int n, const unsigned short *want)
{
	unsigned short v[8];
	int i;

	if (semctl(id, 0, GETALL, v))
		wl_fail("GETALL %d: %m", id);
	for (i = 0; i < n; i++)
		if (v[i] != want[i])
			wl_fail("set %d sem %d: %u, want %u", id, i, v[i], want[i]);
}

static char big[1000];

static void verify(void)
{
	static const unsigned short v1[] = { 2, 0, 103 }, v2[] = { 7 };
	struct msqid_ds ds;
	struct semid_ds sds;
	struct msg m;

	check_sems(s1, 3, v1);
	check_sems(s2, 1, v2);
	if (semctl(s1, 0, IPC_STAT, &sds) || sds.sem_nsems != 3 ||
	    (sds.sem_perm.mode & 0777) != 0640)
		wl_fail("S1 attributes");
	if (msgctl(q, IPC_STAT, &ds) || ds.msg_qbytes != 4000 || ds.msg_qnum != 4 ||
	    (ds.msg_perm.mode & 0777) != 0620)
		wl_fail("Q attributes: qbytes %lu qnum %lu mode %o", ds.msg_qbytes,
			ds.msg_qnum, ds.msg_perm.mode);
	check_msg(q, 0, 1, "hello", 5);
	check_msg(q, 1, 5, big, sizeof(big));
	check_msg(q, 2, 2, "", 0);
	check_msg(q, 3, 1, "world", 5);
	check_msg(q2, 0, 9, "from the child", 14);
	/* by type: the first of type 5, then back at the end of the queue */
	if (msgrcv(q, &m, sizeof(m.text), 5, IPC_NOWAIT) != sizeof(big) ||
	    memcmp(m.text, big, sizeof(big)))
		wl_fail("msgrcv type 5: %m");
	else
		send(q, 5, big, sizeof(big));
	check_msg(q, 3, 5, big, sizeof(big));
	/* restore the order for the next round: hello, big, empty, world */
	if (msgrcv(q, &m, sizeof(m.text), 2, IPC_NOWAIT) != 0 ||
	    msgrcv(q, &m, sizeof(m.text), 1, IPC_NOWAIT) != 5 ||
	    msgrcv(q, &m, sizeof(m.text), 1, IPC_NOWAIT) != 5 ||
	    msgrcv(q, &m, sizeof(m.text), 5, IPC_NOWAIT) != sizeof(big))
		wl_fail("draining Q: %m");
	send(q, 1, "hello", 5);
	send(q, 5, big, sizeof(big));
	send(q, 2, "", 0);
	send(q, 1, "world", 5);
	/* a semaphore that cannot be taken stays so */
	{
		struct sembuf b = { .sem_num = 1, .sem_op = -1, .sem_flg = IPC_NOWAIT };

		if (semop(s1, &b, 1) == 0 || errno != EAGAIN)
			wl_fail("S1 sem 1 could be taken");
	}
}

int main(int argc, char **argv)
{
	static const unsigned short init[] = { 5, 0, 100 };
	sigset_t set;
	pid_t child;
	int sig, i;

	wl_init(argc, argv, NULL, NULL);
	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = pat(i);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	s1 = semget(0x7c5b0000 + getpid(), 3, IPC_CREAT | IPC_EXCL | 0640);
	s2 = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	q = msgget(0x7c5c0000 + getpid(), IPC_CREAT | IPC_EXCL | 0620);
	q2 = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (s1 < 0 || s2 < 0 || q < 0 || q2 < 0)
		wl_die("semget/msgget: %m");
	if (semctl(s1, 0, SETALL, init) || semctl(s2, 0, SETVAL, 7))
		wl_die("semctl: %m");
	semop1(s1, 0, -1, SEM_UNDO);
	{
		struct msqid_ds ds;

		if (msgctl(q, IPC_STAT, &ds))
			wl_die("msgctl: %m");
		ds.msg_qbytes = 4000;
		if (msgctl(q, IPC_SET, &ds))
			wl_die("msgctl IPC_SET: %m");
	}
	send(q, 1, "hello", 5);
	send(q, 5, big, sizeof(big));
	send(q, 2, "", 0);
	send(q, 1, "world", 5);

	child = fork();
	if (child < 0)
		wl_die("fork: %m");
	if (!child) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		semop1(s1, 0, -2, SEM_UNDO);
		semop1(s1, 2, 3, SEM_UNDO);
		send(q2, 9, "from the child", 14);
		for (;;)
			pause();
	}
	/* the child is done once its message is there */
	for (i = 0; i < 1000; i++) {
		struct msqid_ds ds;

		if (!msgctl(q2, IPC_STAT, &ds) && ds.msg_qnum == 1)
			break;
		wl_msleep(5);
	}
	wl_put("info", 0, "child %d\nS1 %d %#x\nS2 %d\nQ %d %#x\nQ2 %d\n", child, s1,
	       0x7c5b0000 + getpid(), s2, q, 0x7c5c0000 + getpid(), q2);
	wl_ready();
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		wl_failures = 0;
		verify();
		if (!wl_failures)
			wl_put("result", 1, "OK sysvipc\n");
	}
}
