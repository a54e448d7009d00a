// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel micro-benchmarks of the dma_fence helpers, against the
 * open-coded sequences they replace and against the physical floor (one
 * uncontended spinlock round trip, one test_bit, one atomic64_inc_return).
 *
 * Built as an out-of-tree module against the base and the patched kernel;
 * what the base lacks is left out there (BENCH_PATCHED).  Prints one line
 * per operation:
 *
 *   BENCH <name> <median ns/op> <sample> <sample> ...
 *
 * each sample being the ns/op of one batch of "iters" operations.
 */

#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>

#if __has_include(<linux/dma-fence-issuer.h>)
#include <linux/dma-fence-issuer.h>
#define BENCH_PATCHED 1
#else
#define BENCH_PATCHED 0
#endif

static unsigned int iters = 20000;
module_param(iters, uint, 0444);
static unsigned int batches = 15;
module_param(batches, uint, 0444);

#define MAX_BATCHES 64

static const char *bench_name(struct dma_fence *f)
{
	return "bench";
}

static bool bench_signaled_false(struct dma_fence *f)
{
	return false;
}

static const struct dma_fence_ops plain_ops = {
	.get_driver_name = bench_name,
	.get_timeline_name = bench_name,
};

static const struct dma_fence_ops signaled_op_ops = {
	.get_driver_name = bench_name,
	.get_timeline_name = bench_name,
	.signaled = bench_signaled_false,
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Run @body @iters times per batch, @batches batches; print the median and
 * the samples in ns/op (with two decimals, as hundredths).
 */
#define BENCH(name, setup, body, teardown) do {				\
	u64 samples[MAX_BATCHES];					\
	unsigned int b, i, n = min(batches, (unsigned int)MAX_BATCHES);	\
	char line[1024];						\
	int len;							\
									\
	for (b = 0; b < n; b++) {					\
		u64 t0, t1;						\
									\
		setup;							\
		t0 = ktime_get_ns();					\
		for (i = 0; i < iters; i++) {				\
			body;						\
		}							\
		t1 = ktime_get_ns();					\
		teardown;						\
		samples[b] = div_u64((t1 - t0) * 100, iters);		\
		cond_resched();						\
	}								\
	len = scnprintf(line, sizeof(line), "BENCH %s", name);		\
	for (b = 0; b < n; b++)						\
		len += scnprintf(line + len, sizeof(line) - len, " %llu.%02llu", \
				 samples[b] / 100, samples[b] % 100);	\
	sort(samples, n, sizeof(u64), cmp_u64, NULL);			\
	pr_info("BENCH-MEDIAN %s %llu.%02llu\n", name,			\
		samples[n / 2] / 100, samples[n / 2] % 100);		\
	pr_info("%s\n", line);						\
} while (0)

struct cb_slot {
	struct dma_fence_cb cb;
};

static void nop_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
}

static noinline void open_coded_signal_error(struct dma_fence *f, int error)
{
	unsigned long flags;

	dma_fence_lock_irqsave(f, flags);
	if (!dma_fence_is_signaled_locked(f)) {
		dma_fence_set_error(f, error);
		dma_fence_signal_locked(f);
	}
	dma_fence_unlock_irqrestore(f, flags);
}

/* A counter in memory, as crtc->fence_seqno was. */
static unsigned long crtc_seqno;

static int __init dma_fence_bench_init(void)
{
	static const unsigned int ncbs[] = { 0, 1, 8, 64 };
	struct dma_fence *f;
	struct cb_slot *cbs;
	DEFINE_SPINLOCK(lock);
	atomic64_t counter = ATOMIC64_INIT(0);
	unsigned long word = 0, flags;
	u64 ctx = dma_fence_context_alloc(1);
	unsigned int k;
	char name[64];
	bool sink = false;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	cbs = kcalloc(64, sizeof(*cbs), GFP_KERNEL);
	if (!f || !cbs) {
		kfree(f);
		kfree(cbs);
		return -ENOMEM;
	}

	pr_info("BENCH-INFO patched=%d iters=%u batches=%u sizeof(dma_fence)=%zu sizeof(dma_fence_cb)=%zu\n",
		BENCH_PATCHED, iters, batches, sizeof(struct dma_fence),
		sizeof(struct dma_fence_cb));
#if BENCH_PATCHED
	pr_info("BENCH-INFO sizeof(dma_issued_fence)=%zu\n",
		sizeof(struct dma_issued_fence));
#endif

	/* The floor. */
	BENCH("floor_spin_lock_irqsave", , ({
		spin_lock_irqsave(&lock, flags);
		spin_unlock_irqrestore(&lock, flags);
	}), );
	BENCH("floor_test_bit", , ({
		sink ^= test_bit(i & 31, &word);
		barrier();
	}), );
	BENCH("floor_atomic64_inc_return", , atomic64_inc_return(&counter), );

	/* dma_fence_is_signaled(): lock-free fast path, locked slow path. */
	dma_fence_init(f, &signaled_op_ops, NULL, ctx, 1);
	dma_fence_signal(f);
	BENCH("is_signaled_signaled", , ({
		sink ^= dma_fence_is_signaled(f);
		barrier();
	}), );
	dma_fence_init(f, &signaled_op_ops, NULL, ctx, 2);
	BENCH("is_signaled_unsignaled_op", , ({
		sink ^= dma_fence_is_signaled(f);
		barrier();
	}), );
	dma_fence_signal(f);

	/* Signal with an error: helper against the open-coded sequence. */
	BENCH("signal_error_open_coded", , ({
		dma_fence_init(f, &plain_ops, NULL, ctx, i);
		open_coded_signal_error(f, -EIO);
	}), );
#if BENCH_PATCHED
	BENCH("signal_error_helper", , ({
		dma_fence_init(f, &plain_ops, NULL, ctx, i);
		dma_fence_check_and_signal_error(f, -EIO);
	}), );
#endif

	/* Fence init: on a typed context against init64 + an atomic seqno. */
	BENCH("init64_manual_seqno", , ({
		dma_fence_init64(f, &plain_ops, NULL, ctx,
				 atomic64_inc_return(&counter));
	}), );
	/*
	 * What drm_crtc_create_fence() and drm_writeback_get_out_fence() did
	 * before they issued on an issuer: a context and a counter of their
	 * own, incremented under the modeset locks, and dma_fence_init().
	 */
	BENCH("init_crtc_open_coded", , ({
		unsigned long seqno = READ_ONCE(crtc_seqno) + 1;

		WRITE_ONCE(crtc_seqno, seqno);
		dma_fence_init(f, &plain_ops, NULL, ctx, seqno);
	}), );
#if BENCH_PATCHED
	{
		struct dma_issued_fence *tf = kzalloc(sizeof(*tf), GFP_KERNEL);
		struct dma_fence_issuer *fi;

		/* An issuer: context, seqno, names. */
		fi = dma_fence_issuer_create("bench", "bench", 1, GFP_KERNEL);
		if (tf && !IS_ERR(fi))
			BENCH("init_on_issuer", ,
			      dma_fence_issuer_init_fence(tf, &plain_ops, fi), );
		if (!IS_ERR(fi))
			dma_fence_issuer_destroy(fi);
		kfree(tf);
	}
#endif

	/* Callback add + remove on a pending fence. */
	dma_fence_init(f, &plain_ops, NULL, ctx, 3);
	BENCH("cb_add_remove", , ({
		dma_fence_add_callback(f, &cbs[0].cb, nop_cb);
		dma_fence_remove_callback(f, &cbs[0].cb);
	}), );
	dma_fence_signal(f);

	/* Callback removal after the fence signalled and ran it. */
	dma_fence_init(f, &plain_ops, NULL, ctx, 4);
	dma_fence_add_callback(f, &cbs[0].cb, nop_cb);
	dma_fence_signal(f);
	BENCH("cb_remove_signaled", , ({
		sink ^= dma_fence_remove_callback(f, &cbs[0].cb);
		barrier();
	}), );

	/* Signaling a fence with N callbacks (init and adds included). */
	for (k = 0; k < ARRAY_SIZE(ncbs); k++) {
		snprintf(name, sizeof(name), "init_add%u_signal", ncbs[k]);
		BENCH(name, , ({
			unsigned int j;

			dma_fence_init(f, &plain_ops, NULL, ctx, i);
			for (j = 0; j < ncbs[k]; j++)
				dma_fence_add_callback(f, &cbs[j].cb, nop_cb);
			dma_fence_signal(f);
		}), );
	}

	pr_info("BENCH-DONE %d\n", sink);
	kfree(cbs);
	/* f was only ever initialised, never referenced: plain kfree. */
	kfree(f);
	return 0;
}

static void __exit dma_fence_bench_exit(void)
{
}

module_init(dma_fence_bench_init);
module_exit(dma_fence_bench_exit);
MODULE_DESCRIPTION("dma_fence helper micro-benchmarks");
MODULE_LICENSE("GPL");
