/*
 * Unit tests of handler-call frames and msgbuf decoding (vmm/proc/frame.c)
 * against the ABI of <sealvisor/proc_abi.h>.
 */
#include <string.h>

#include <proc/frame.h>

#include "check.h"

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Checks the frame's shape for the ABI whatever the call. */
static void check_frame(int cls, uint64_t sp_in, const struct proc_call *c,
			const struct proc_frame *f)
{
	uint32_t entsize = cls == 64 ? PROC_MSGBUF64_SIZE : PROC_MSGBUF32_SIZE;
	uint64_t arr, hdr_end = f->sp + f->hdr_len;

	CHECK_EQ(f->ip, 0x400123);
	/* Where a call instruction leaves the stack pointer. */
	if (cls == 64) {
		CHECK_EQ((f->sp + 8) % 16, 0);
		CHECK_EQ(rd64(f->hdr), PROC_TRAMPOLINE_ADDR);
		CHECK_EQ(f->rdi, (uint32_t)c->msgcode);
		CHECK_EQ(f->rsi, (uint32_t)c->value);
		CHECK_EQ(f->rcx, c->bufcnt);
		arr = f->rdx;
	} else {
		CHECK_EQ((f->sp + 4) % 16, 0);
		CHECK_EQ(rd32(f->hdr), PROC_TRAMPOLINE_ADDR);
		CHECK_EQ(rd32(f->hdr + 4), (uint32_t)c->msgcode);
		CHECK_EQ(rd32(f->hdr + 8), (uint32_t)c->value);
		CHECK_EQ(rd32(f->hdr + 16), c->bufcnt);
		CHECK_EQ(f->rdi | f->rsi | f->rdx | f->rcx, 0);
		arr = rd32(f->hdr + 12);
	}
	CHECK(f->hdr_len <= PROC_FRAME_HDR_MAX);
	CHECK(f->sp >= PROC_STACK_BASE + PROC_FRAME_MIN_FREE);
	CHECK(hdr_end <= sp_in - PROC_FRAME_SKIP);
	if (c->bufcnt == 0) {
		CHECK_EQ(arr, 0);
		return;
	}
	CHECK_EQ(arr % 16, 0);
	CHECK_EQ(arr + (uint64_t)c->bufcnt * entsize, hdr_end);
	for (uint32_t i = 0; i < c->bufcnt; i++) {
		const uint8_t *e = f->hdr + (arr - f->sp) + i * entsize;
		uint64_t base = cls == 64 ? rd64(e) : rd32(e);
		uint32_t len = rd32(e + (cls == 64 ? 8 : 4));
		int32_t rw = (int32_t)rd32(e + (cls == 64 ? 12 : 8));

		CHECK_EQ(base, f->buf_addr[i]);
		CHECK_EQ(len, c->buflen[i]);
		CHECK_EQ(rw, c->bufrw[i]);
		CHECK_EQ(base % 16, 0);
		/* Above the array, below the skipped red zone, disjoint. */
		CHECK(base >= hdr_end);
		CHECK(base + len <= sp_in - PROC_FRAME_SKIP);
		if (i + 1 < c->bufcnt)
			CHECK(base + len <= f->buf_addr[i + 1]);
	}
}

static void test_frames(void)
{
	for (int cls = 32; cls <= 64; cls += 32) {
		struct proc_call c = { .msgcode = MSG_INT, .value = -5 };
		struct proc_frame f;

		/* Idle process, no buffers. */
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP, 0x400123, &c, &f), 0);
		check_frame(cls, PROC_STACK_TOP, &c, &f);
		CHECK_EQ(f.hdr_len, cls == 64 ? 8 : 20);

		/* Three buffers, odd lengths, one empty. */
		c.msgcode = MSG_BUF;
		c.bufcnt = 3;
		c.buflen[0] = 13;
		c.buflen[1] = 0;
		c.buflen[2] = 4096;
		c.bufrw[0] = 0;
		c.bufrw[1] = 1;
		c.bufrw[2] = 1;
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP, 0x400123, &c, &f), 0);
		check_frame(cls, PROC_STACK_TOP, &c, &f);

		/* Nested: below an interrupted, unaligned stack pointer. */
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP - 0x1237, 0x400123, &c, &f), 0);
		check_frame(cls, PROC_STACK_TOP - 0x1237, &c, &f);

		/* The biggest message fits an idle stack. */
		c.bufcnt = PROC_MSG_MAX_BUFS;
		for (uint32_t i = 0; i < PROC_MSG_MAX_BUFS; i++) {
			c.buflen[i] = PROC_MSG_MAX_BYTES / PROC_MSG_MAX_BUFS;
			c.bufrw[i] = (int32_t)(i & 1);
		}
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP, 0x400123, &c, &f), 0);
		check_frame(cls, PROC_STACK_TOP, &c, &f);
		/* One byte more is too much. */
		c.buflen[0]++;
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP, 0x400123, &c, &f), -SV_E2BIG);
		c.buflen[0] = UINT32_MAX;
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP, 0x400123, &c, &f), -SV_E2BIG);
		c.buflen[0]--;
		for (uint32_t i = 0; i < PROC_MSG_MAX_BUFS; i++)
			c.buflen[i] = UINT32_MAX;
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP, 0x400123, &c, &f), -SV_E2BIG);

		/* Too many buffers, bad rw flag. */
		c.bufcnt = PROC_MSG_MAX_BUFS + 1;
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP, 0x400123, &c, &f), -SV_EINVAL);
		c.bufcnt = 1;
		c.buflen[0] = 1;
		c.bufrw[0] = 2;
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP, 0x400123, &c, &f), -SV_EINVAL);
		c.bufrw[0] = -1;
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP, 0x400123, &c, &f), -SV_EINVAL);
		c.bufrw[0] = 0;

		/* A stack pointer outside the stack (the process moved it, or
		 * lies): refused, whatever the value. */
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_TOP + 1, 0x400123, &c, &f), -SV_EINVAL);
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_BASE - 1, 0x400123, &c, &f), -SV_EINVAL);
		CHECK_EQ(proc_frame_build((uint32_t)cls, 0, 0x400123, &c, &f), -SV_EINVAL);
		CHECK_EQ(proc_frame_build((uint32_t)cls, UINT64_MAX, 0x400123, &c, &f), -SV_EINVAL);
		/* Deep nesting runs out of room cleanly. */
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_BASE + PROC_FRAME_MIN_FREE, 0x400123,
					  &c, &f),
			 -SV_E2BIG);
		CHECK_EQ(proc_frame_build((uint32_t)cls, PROC_STACK_BASE, 0x400123, &c, &f), -SV_E2BIG);
	}
	{
		struct proc_call c = { 0 };
		struct proc_frame f;

		CHECK_EQ(proc_frame_build(16, PROC_STACK_TOP, 0x400123, &c, &f), -SV_EINVAL);
	}
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* One encoded msgbuf entry of either width. */
static void entry(int cls, uint8_t *raw, uint32_t i, uint64_t base, uint32_t len, int32_t rw)
{
	if (cls == 64) {
		uint8_t *e = raw + i * PROC_MSGBUF64_SIZE;

		put64(e, base);
		put32(e + 8, len);
		put32(e + 12, (uint32_t)rw);
	} else {
		uint8_t *e = raw + i * PROC_MSGBUF32_SIZE;

		put32(e, (uint32_t)base);
		put32(e + 4, len);
		put32(e + 8, (uint32_t)rw);
	}
}

static void test_decode(void)
{
	for (int cls = 32; cls <= 64; cls += 32) {
		uint8_t raw[PROC_MSG_MAX_BUFS * PROC_MSGBUF64_SIZE];
		struct proc_bufref b[PROC_MSG_MAX_BUFS];

		memset(raw, 0, sizeof(raw));
		entry(cls, raw, 0, 0x401000, 10, 0);
		entry(cls, raw, 1, PROC_STACK_TOP - 16, 16, 1);
		entry(cls, raw, 2, 0, 0, 0); /* empty: base not looked at */
		CHECK_EQ(proc_msgbuf_decode((uint32_t)cls, raw, 3, b), 0);
		CHECK_EQ(b[0].base, 0x401000);
		CHECK_EQ(b[0].len, 10);
		CHECK_EQ(b[0].rw, 0);
		CHECK_EQ(b[1].base, PROC_STACK_TOP - 16);
		CHECK_EQ(b[1].rw, 1);
		CHECK_EQ(proc_msgbuf_decode((uint32_t)cls, raw, 0, b), 0);

		/* Ends past the user window, starts below it, wraps. */
		entry(cls, raw, 1, PROC_STACK_TOP - 16, 17, 1);
		CHECK_EQ(proc_msgbuf_decode((uint32_t)cls, raw, 3, b), -SV_EINVAL);
		entry(cls, raw, 1, 0x1000, 16, 1);
		CHECK_EQ(proc_msgbuf_decode((uint32_t)cls, raw, 3, b), -SV_EINVAL);
		entry(cls, raw, 1, cls == 64 ? UINT64_MAX - 4 : UINT32_MAX - 4, 16, 1);
		CHECK_EQ(proc_msgbuf_decode((uint32_t)cls, raw, 3, b), -SV_EINVAL);
		entry(cls, raw, 1, 0x401000, 16, 1);
		/* Bad rw, too long, too many. */
		entry(cls, raw, 2, 0, 0, 5);
		CHECK_EQ(proc_msgbuf_decode((uint32_t)cls, raw, 3, b), -SV_EINVAL);
		entry(cls, raw, 2, 0x401000, PROC_MSG_MAX_BYTES, 0);
		CHECK_EQ(proc_msgbuf_decode((uint32_t)cls, raw, 3, b), -SV_E2BIG);
		entry(cls, raw, 2, 0x401000, UINT32_MAX, 0);
		CHECK_EQ(proc_msgbuf_decode((uint32_t)cls, raw, 3, b), -SV_E2BIG);
		CHECK_EQ(proc_msgbuf_decode((uint32_t)cls, raw, PROC_MSG_MAX_BUFS + 1, b), -SV_EINVAL);
	}
	CHECK_EQ(proc_msgbuf_decode(0, NULL, 0, NULL), -SV_EINVAL);
}

/* The trampoline is the documented byte sequence. */
static void test_trampoline(void)
{
	static const uint8_t want[] = { 0x89, 0xc3, 0xb8, 0x02, 0x00, 0x00, 0x00,
					0xcd, 0x80, 0x0f, 0x0b };

	CHECK_EQ(proc_trampoline_size, sizeof(want));
	CHECK_EQ(memcmp(proc_trampoline_code, want, sizeof(want)), 0);
	CHECK_EQ(proc_trampoline_code[3], PROC_SYS_RETURN);
	CHECK(proc_trampoline_size <= PROC_PAGE_SIZE);
}

int main(void)
{
	test_frames();
	test_decode();
	test_trampoline();
	return check_report("test_frame");
}
