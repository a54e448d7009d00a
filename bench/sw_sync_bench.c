// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace sw_sync throughput, run inside the base and the patched test
 * kernels:
 *   - create + signal + wait: fences created on a timeline, signaled with
 *     SW_SYNC_IOC_INC and waited for with poll(), per second, with 1 and
 *     with 4 threads (each on its own timeline);
 *   - poll wake-ups: two threads ping-pong over two timelines, each blocked
 *     in poll() on a fence that the other signals; wake-ups per second,
 *     1 and 4 pairs.
 * Prints "SWBENCH <name> <ops per second>" lines.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/types.h>

struct sw_sync_create_fence_data {
	__u32 value;
	char name[32];
	__s32 fence;
};

#define SW_SYNC_IOC_CREATE_FENCE _IOWR('W', 0, struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC _IOW('W', 1, __u32)

static double seconds = 1.0;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fence_create(int tl, unsigned int value)
{
	struct sw_sync_create_fence_data d = { .value = value };

	strcpy(d.name, "bench");
	if (ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, &d))
		return -1;
	return d.fence;
}

static void *create_signal_wait(void *arg)
{
	unsigned long *count = arg;
	int tl = open("/sys/kernel/debug/sync/sw_sync", O_RDWR);
	unsigned int v = 0;
	__u32 one = 1;
	double end = now() + seconds;

	if (tl < 0)
		return NULL;
	while (now() < end) {
		int i;

		for (i = 0; i < 64; i++) {
			struct pollfd p;
			int f = fence_create(tl, ++v);

			if (f < 0)
				goto out;
			ioctl(tl, SW_SYNC_IOC_INC, &one);
			p = (struct pollfd){ .fd = f, .events = POLLIN };
			poll(&p, 1, 1000);
			close(f);
			(*count)++;
		}
	}
out:
	close(tl);
	return NULL;
}

/*
 * Poll ping-pong: two threads, two timelines.  Each side creates the fence
 * it will wait for on its own timeline, blocks in poll() on it, and when
 * woken signals the other side's timeline.  The fence exists before the
 * peer can signal it, so no wake-up is lost; each pass is one poll()
 * wake-up by a signal from another thread.
 */
struct pingpong {
	int tl[2];
	unsigned long count[2];
	double end;
	int stop;
};

struct side {
	struct pingpong *pp;
	int me;
};

static void *pp_side(void *arg)
{
	struct side *sd = arg;
	struct pingpong *pp = sd->pp;
	int me = sd->me;
	unsigned int v = 0;
	__u32 one = 1;

	if (me == 0)
		ioctl(pp->tl[1], SW_SYNC_IOC_INC, &one);
	for (;;) {
		struct pollfd p;
		int f = fence_create(pp->tl[me], ++v);

		if (f < 0)
			break;
		p = (struct pollfd){ .fd = f, .events = POLLIN };
		if (poll(&p, 1, 1000) == 1)
			pp->count[me]++;
		close(f);
		if (now() >= pp->end)
			__atomic_store_n(&pp->stop, 1, __ATOMIC_RELEASE);
		/* wake the peer, also to let it see stop */
		ioctl(pp->tl[!me], SW_SYNC_IOC_INC, &one);
		if (__atomic_load_n(&pp->stop, __ATOMIC_ACQUIRE))
			break;
	}
	return NULL;
}

static void *pp_pair(void *arg)
{
	struct pingpong *pp = arg;
	struct side sd[2] = { { pp, 0 }, { pp, 1 } };
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++) {
		pp->tl[i] = open("/sys/kernel/debug/sync/sw_sync", O_RDWR);
		if (pp->tl[i] < 0)
			return NULL;
	}
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, pp_side, &sd[i]);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	close(pp->tl[0]);
	close(pp->tl[1]);
	return NULL;
}

static void run(const char *name, int threads, void *(*fn)(void *), int pingpong)
{
	pthread_t t[8];
	unsigned long counts[8] = {};
	struct pingpong pp[8] = {};
	unsigned long total = 0;
	double t0 = now(), dt;
	int i;

	for (i = 0; i < threads; i++) {
		if (pingpong) {
			pp[i].end = t0 + seconds;
			pthread_create(&t[i], NULL, fn, &pp[i]);
		} else {
			pthread_create(&t[i], NULL, fn, &counts[i]);
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		total += pingpong ? pp[i].count[0] + pp[i].count[1] : counts[i];
	}
	dt = now() - t0;
	printf("SWBENCH %s %.0f\n", name, total / dt);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		seconds = atof(argv[1]);
	run("create_signal_wait_1t", 1, create_signal_wait, 0);
	run("create_signal_wait_4t", 4, create_signal_wait, 0);
	run("poll_wakeup_1pair", 1, pp_pair, 1);
	run("poll_wakeup_4pairs", 4, pp_pair, 1);
	return 0;
}
