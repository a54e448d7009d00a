// SPDX-License-Identifier: GPL-2.0
/* Struct sizes for bench/run.py: compiled to assembly, never linked. */
#include <linux/dma-fence.h>
#include <drm/drm_crtc.h>
#include <drm/drm_writeback.h>
#include "sync_debug.h"
#if __has_include(<linux/dma-fence-issuer.h>)
#include <linux/dma-fence-issuer.h>
#endif

#define SZ(t) asm volatile(".ascii \"\\nSIZE " #t " %c0\\n\"" :: "i"(sizeof(struct t)))

void bench_sizes(void);
void bench_sizes(void)
{
	SZ(dma_fence);
	SZ(dma_fence_cb);
	SZ(sync_pt);
	SZ(drm_crtc);
	SZ(drm_writeback_connector);
#if __has_include(<linux/dma-fence-issuer.h>)
	SZ(dma_issued_fence);
#endif
}
