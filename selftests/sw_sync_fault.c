// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures on the sw_sync and sync_file paths.
 *
 * For every operation below, fail its 1st, 2nd, 3rd, ... allocation in
 * turn (systematic fault injection: /proc/thread-self/fail-nth, with
 * failslab and fail_page_alloc armed for sleeping allocations) until the
 * operation completes without reaching the injected fault.  Each injected
 * failure must either come back to userspace as -1/ENOMEM or be absorbed
 * (the call succeeds with a correct result).  A call that fails must
 * leave nothing behind: the debugfs sync/info text (every timeline and its
 * pending fences) and the lowest free file descriptor are the same before
 * and after it.  Afterwards the timeline must still work: a new fence on it
 * is created, signalled and reported as signalled.  Leaks of memory are
 * left to kmemleak, which the test kernel's init clears before the tests
 * and scans after them.  Every fault-injection knob written is restored
 * when the test ends, also when it bails out.
 *
 * Needs CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC,
 * CONFIG_FAULT_INJECTION_DEBUG_FS, CONFIG_SW_SYNC and debugfs; skips with
 * the reason otherwise.  Output is TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/sync_file.h>

/*
 * The sw_sync uapi (private to drivers/dma-buf/sw_sync.c) from the one copy
 * the sync selftests share: tools/testing/selftests/sync/sw_sync.h of the
 * tree under test (scripts/run-kselftests.sh puts it on the include path).
 */
#include "sw_sync.h"

#define SW_SYNC_PATH "/sys/kernel/debug/sync/sw_sync"
#define SYNC_INFO_PATH "/sys/kernel/debug/sync/info"
#define MAX_NTH 500
#define INFO_MAX 65536

static int fail_nth_fd = -1;

/* The knobs written, with the values to restore. */
static const char * const knobs[][2] = {
	/*
	 * Fail sleeping allocations too, of any order, quietly.  Highmem
	 * ones (user pages) stay exempt: a failed page fault would kill the
	 * test instead of failing a call.
	 */
	{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/failslab/verbose", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
	{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
	{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
};
#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))
static char saved[NKNOBS][32];
static unsigned int nsaved;

static int write_str(const char *path, const char *val);

static void restore_knobs(void)
{
	if (fail_nth_fd >= 0)
		pwrite(fail_nth_fd, "0", 1, 0);
	while (nsaved)
		nsaved--, write_str(knobs[nsaved][0], saved[nsaved]);
}

static void bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	restore_knobs();
	exit(1);
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = 0, got = 0;

	if (fd < 0)
		return -1;
	while (got < (ssize_t)len - 1 &&
	       (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	if (n < 0)
		return -1;
	buf[got] = 0;
	return 0;
}

/* The lowest file descriptor a new open would get. */
static int lowest_free_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static void arm(int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", nth);

	if (pwrite(fail_nth_fd, buf, len, 0) != len)
		bail("writing %d to fail-nth: %s", nth, strerror(errno));
}

/* Disarms; returns 1 if the armed fault was injected. */
static int disarm(void)
{
	char buf[16] = "";
	int injected;

	if (pread(fail_nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		bail("reading fail-nth: %s", strerror(errno));
	injected = atoi(buf) == 0;
	if (pwrite(fail_nth_fd, "0", 1, 0) != 1)
		bail("writing 0 to fail-nth: %s", strerror(errno));
	return injected;
}

static int timeline_open(void)
{
	int fd = open(SW_SYNC_PATH, O_RDWR);

	if (fd < 0)
		bail("open %s: %s", SW_SYNC_PATH, strerror(errno));
	return fd;
}

static int fence_create(int tl, uint32_t value)
{
	struct sw_sync_create_fence_data d = { .value = value };

	strcpy(d.name, "fault");
	if (ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, &d))
		return -1;
	return d.fence;
}

/* 1 signalled, 0 active, <0 error */
static int fence_status(int fd)
{
	struct sync_file_info info = { 0 };

	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info))
		return -1;
	return info.status;
}

/* The timeline still works: a fence past @value is created and signals. */
static int timeline_usable(int tl, uint32_t *value)
{
	uint32_t one = 1;
	int f, ok;

	f = fence_create(tl, *value + 1);
	if (f < 0)
		return 0;
	ok = fence_status(f) == 0 && !ioctl(tl, SW_SYNC_IOC_INC, &one) &&
	     fence_status(f) == 1;
	close(f);
	*value += 1;
	return ok;
}

struct state {
	int tl, tl2;	/* tl2: a second timeline, or -1 */
	uint32_t value;
	int a, b;	/* fences prepared for the operation, or -1 */
	int out;	/* what the operation returned (fd or 0), or -1 */
};

/*
 * An operation: prepare() runs without faults, op() runs with the nth
 * allocation failing and returns its result (-1 and errno on failure),
 * check() validates a successful result.
 */
struct op {
	const char *name;
	void (*prepare)(struct state *s);
	int (*op)(struct state *s);
	int (*check)(struct state *s);
};

static void prep_timeline(struct state *s)
{
	s->tl = timeline_open();
}

static void prep_none(struct state *s)
{
	s->tl = -1;
}

static int op_open(struct state *s)
{
	s->tl = open(SW_SYNC_PATH, O_RDWR);
	return s->tl < 0 ? -1 : 0;
}

static int check_open(struct state *s)
{
	return timeline_usable(s->tl, &s->value);
}

static int op_create(struct state *s)
{
	s->out = fence_create(s->tl, 1);
	return s->out < 0 ? -1 : 0;
}

static int check_create(struct state *s)
{
	uint32_t one = 1;

	if (fence_status(s->out) != 0 || ioctl(s->tl, SW_SYNC_IOC_INC, &one))
		return 0;
	s->value = 1;
	return fence_status(s->out) == 1;
}

static void prep_two(struct state *s)
{
	s->tl = timeline_open();
	s->a = fence_create(s->tl, 1);
	s->b = fence_create(s->tl, 2);
	if (s->a < 0 || s->b < 0)
		bail("creating fences: %s", strerror(errno));
}

/* a on tl and b on tl2, both at 1: their merge is an array of two */
static void prep_cross(struct state *s)
{
	s->tl = timeline_open();
	s->tl2 = timeline_open();
	s->a = fence_create(s->tl, 1);
	s->b = fence_create(s->tl2, 1);
	if (s->a < 0 || s->b < 0)
		bail("creating fences: %s", strerror(errno));
}

static int op_merge(struct state *s)
{
	struct sync_merge_data m = { .fd2 = s->b };

	strcpy(m.name, "merged");
	if (ioctl(s->a, SYNC_IOC_MERGE, &m))
		return -1;
	s->out = m.fence;
	return 0;
}

/* Signals a then b: the merged fence signals with the second. */
static int check_merge(struct state *s)
{
	uint32_t one = 1;

	if (fence_status(s->out) != 0 || ioctl(s->tl, SW_SYNC_IOC_INC, &one))
		return 0;
	s->value = 1;
	if (fence_status(s->out) != 0 || ioctl(s->tl2, SW_SYNC_IOC_INC, &one))
		return 0;
	return fence_status(s->out) == 1;
}

static void prep_merged(struct state *s)
{
	struct sync_merge_data m = { 0 };

	prep_cross(s);
	m.fd2 = s->b;
	strcpy(m.name, "merged");
	if (ioctl(s->a, SYNC_IOC_MERGE, &m))
		bail("merge: %s", strerror(errno));
	s->out = m.fence;
}

/* info on a merged (array) fence: its fence_info array is allocated */
static int op_info(struct state *s)
{
	struct sync_fence_info fi[2];
	struct sync_file_info info = {
		.num_fences = 2,
		.sync_fence_info = (uintptr_t)fi,
	};
	int r;

	memset(fi, 0, sizeof(fi));
	r = ioctl(s->out, SYNC_IOC_FILE_INFO, &info);
	if (!r && (info.num_fences != 2 || info.status != 0 ||
		   fi[0].status != 0 || fi[1].status != 0)) {
		errno = EPROTO;
		r = -1;
	}
	return r;
}

static int check_info(struct state *s)
{
	return check_merge(s);
}

static int op_poll(struct state *s)
{
	struct pollfd p[2] = {
		{ .fd = s->a, .events = POLLIN },
		{ .fd = s->b, .events = POLLIN },
	};
	uint32_t one = 1;
	int r;

	r = poll(p, 2, 0);
	if (r != 0) {
		if (r > 0)
			errno = EPROTO;
		return -1;
	}
	/* one signalled fence wakes the poller */
	if (ioctl(s->tl, SW_SYNC_IOC_INC, &one))
		return -1;
	s->value = 1;
	r = poll(p, 2, 1000);
	if (r != 1 || !(p[0].revents & POLLIN) || p[1].revents) {
		if (r >= 0)
			errno = EPROTO;
		return -1;
	}
	return 0;
}

static int check_poll(struct state *s)
{
	uint32_t one = 1;

	if (s->value < 1 && ioctl(s->tl, SW_SYNC_IOC_INC, &one))
		return 0;
	s->value = 1;
	if (ioctl(s->tl, SW_SYNC_IOC_INC, &one))
		return 0;
	s->value = 2;
	return fence_status(s->a) == 1 && fence_status(s->b) == 1;
}

static const struct op ops[] = {
	{ "timeline_open", prep_none, op_open, check_open },
	{ "create_fence", prep_timeline, op_create, check_create },
	{ "merge", prep_cross, op_merge, check_merge },
	{ "file_info", prep_merged, op_info, check_info },
	{ "poll", prep_two, op_poll, check_poll },
};

static void put(struct state *s)
{
	if (s->out >= 0)
		close(s->out);
	if (s->a >= 0)
		close(s->a);
	if (s->b >= 0)
		close(s->b);
	if (s->tl >= 0)
		close(s->tl);
	if (s->tl2 >= 0)
		close(s->tl2);
}

/*
 * Run one operation with its 1st, 2nd, ... allocation failing.  Returns
 * 1 if every injected failure was handled.
 */
static int run(const struct op *o)
{
	static char before[INFO_MAX], after[INFO_MAX];
	int nth, failed = 0, enomem = 0, absorbed = 0;

	for (nth = 1; nth <= MAX_NTH; nth++) {
		struct state s = { .tl = -1, .tl2 = -1, .a = -1, .b = -1, .out = -1 };
		int r, err, injected, usable;

		int fd_before, fd_after;

		o->prepare(&s);
		if (read_str(SYNC_INFO_PATH, before, sizeof(before)))
			bail("reading %s: %s", SYNC_INFO_PATH, strerror(errno));
		fd_before = lowest_free_fd();
		arm(nth);
		r = o->op(&s);
		err = errno;
		injected = disarm();
		if (r) {
			/* A failed call leaves no fence, timeline or fd behind. */
			fd_after = lowest_free_fd();
			if (read_str(SYNC_INFO_PATH, after, sizeof(after)))
				bail("reading %s: %s", SYNC_INFO_PATH, strerror(errno));
			if (fd_after != fd_before) {
				printf("# %s: allocation %d failed, the lowest free fd moved from %d to %d\n",
				       o->name, nth, fd_before, fd_after);
				failed++;
			}
			if (strcmp(before, after)) {
				printf("# %s: allocation %d failed, %s changed:\n# before:\n%s# after:\n%s",
				       o->name, nth, SYNC_INFO_PATH, before, after);
				failed++;
			}
		}
		if (!injected) {
			/* the operation made fewer than nth fault-site calls */
			if (r || !o->check(&s)) {
				printf("# %s: failed without an injected fault: %s\n",
				       o->name, r ? strerror(err) : "bad result");
				failed++;
			}
			put(&s);
			printf("%s %d %s # %d allocation(s) failed in turn: %d returned ENOMEM, %d absorbed\n",
			       failed ? "not ok" : "ok", (int)(o - ops) + 1,
			       o->name, nth - 1, enomem, absorbed);
			return !failed;
		}
		if (r) {
			if (err != ENOMEM) {
				printf("# %s: allocation %d failed, returned errno %d (%s), want ENOMEM\n",
				       o->name, nth, err, strerror(err));
				failed++;
			} else {
				enomem++;
			}
			if (o->op == op_open) {
				/* nothing was created: open a timeline to check */
				s.tl = timeline_open();
			}
			usable = timeline_usable(s.tl, &s.value);
		} else {
			absorbed++;
			usable = o->check(&s);
		}
		if (!usable) {
			printf("# %s: after allocation %d failed (%s), the timeline or the result is broken\n",
			       o->name, nth, r ? strerror(err) : "absorbed");
			failed++;
		}
		put(&s);
	}
	printf("not ok %d %s # still injecting at allocation %d\n",
	       (int)(o - ops) + 1, o->name, MAX_NTH);
	return 0;
}

int main(void)
{
	unsigned int i, passed = 0;

	/* TAP lines reach the console in order with the kernel's. */
	setvbuf(stdout, NULL, _IONBF, 0);

	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fail_nth_fd < 0) {
		printf("1..0 # SKIP no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION)\n");
		return 4;
	}
	if (access(SW_SYNC_PATH, R_OK | W_OK)) {
		printf("1..0 # SKIP no %s (CONFIG_SW_SYNC, debugfs)\n", SW_SYNC_PATH);
		return 4;
	}
	for (i = 0; i < NKNOBS; i++) {
		char *nl;

		if (read_str(knobs[i][0], saved[i], sizeof(saved[i])) ||
		    write_str(knobs[i][0], knobs[i][1])) {
			restore_knobs();
			printf("1..0 # SKIP cannot set %s (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS)\n",
			       knobs[i][0]);
			return 4;
		}
		nl = strchr(saved[i], '\n');
		if (nl)
			*nl = 0;
		nsaved = i + 1;
	}
	printf("TAP version 13\n1..%zu\n", sizeof(ops) / sizeof(ops[0]));
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		passed += run(&ops[i]);
	printf("# Totals: pass:%u fail:%zu xfail:0 xpass:0 skip:0 error:0\n",
	       passed, sizeof(ops) / sizeof(ops[0]) - passed);
	restore_knobs();
	return passed == sizeof(ops) / sizeof(ops[0]) ? 0 : 1;
}
