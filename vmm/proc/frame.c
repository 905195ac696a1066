/*
 * Handler call frames and msgbuf decoding; documented in frame.h, the ABI
 * in <sealvisor/proc_abi.h>.
 *
 * Layout, from high addresses down, starting PROC_FRAME_SKIP below the
 * stack pointer the process had (its red zone, had it used one):
 *   buffer bytes, each rounded up to 16
 *   the msgbuf array (16-aligned)
 *   32-bit: return address and four arguments; 64-bit: return address
 * with the stack pointer left where a `call` would leave it, so the
 * handler's prologue sees the alignment its ABI promises.
 */
#include "frame.h"

#include <fsstring.h>

const uint8_t proc_trampoline_code[] = PROC_TRAMPOLINE_CODE;
const size_t proc_trampoline_size = sizeof(proc_trampoline_code);

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* See frame.h. */
int proc_frame_build(uint32_t elf_class, uint64_t sp_in, uint64_t handler,
		     const struct proc_call *call, struct proc_frame *f)
{
	uint32_t entsize = elf_class == 64 ? PROC_MSGBUF64_SIZE : PROC_MSGBUF32_SIZE;
	uint64_t total = 0, cur, arr = 0, arr_len;
	uint8_t *h;

	memset(f, 0, sizeof(*f));
	if (elf_class != 32 && elf_class != 64)
		return -SV_EINVAL;
	if (call->bufcnt > PROC_MSG_MAX_BUFS)
		return -SV_EINVAL;
	/* The stack pointer comes from the process: trust nothing about it. */
	if (sp_in < PROC_STACK_BASE || sp_in > PROC_STACK_TOP)
		return -SV_EINVAL;
	for (uint32_t i = 0; i < call->bufcnt; i++) {
		if (call->bufrw[i] != 0 && call->bufrw[i] != 1)
			return -SV_EINVAL;
		/* Each len < 2^32 and at most 8 of them: no wrap in 64 bits. */
		total += call->buflen[i];
	}
	if (total > PROC_MSG_MAX_BYTES)
		return -SV_E2BIG;

	cur = ALIGN_DOWN(sp_in - PROC_FRAME_SKIP, 16);
	for (uint32_t i = call->bufcnt; i-- > 0;) {
		cur -= ALIGN_UP((uint64_t)call->buflen[i], 16);
		f->buf_addr[i] = cur;
	}
	arr_len = (uint64_t)call->bufcnt * entsize;
	cur = ALIGN_DOWN(cur - arr_len, 16);
	if (call->bufcnt)
		arr = cur;
	/* Where a `call` would leave the stack pointer: 16-aligned before the
	 * return address (64-bit), before the arguments (32-bit). */
	f->sp = elf_class == 64 ? cur - 8 : cur - 20;
	if (f->sp < PROC_STACK_BASE + PROC_FRAME_MIN_FREE)
		return -SV_E2BIG;
	f->hdr_len = (uint32_t)(cur + arr_len - f->sp);

	h = f->hdr;
	if (elf_class == 64) {
		wr64(h, PROC_TRAMPOLINE_ADDR);
		f->rdi = (uint32_t)call->msgcode;
		f->rsi = (uint32_t)call->value;
		f->rdx = arr;
		f->rcx = call->bufcnt;
	} else {
		wr32(h, PROC_TRAMPOLINE_ADDR);
		wr32(h + 4, (uint32_t)call->msgcode);
		wr32(h + 8, (uint32_t)call->value);
		wr32(h + 12, (uint32_t)arr);
		wr32(h + 16, call->bufcnt);
	}
	for (uint32_t i = 0; i < call->bufcnt; i++) {
		uint8_t *e = h + (arr - f->sp) + (uint64_t)i * entsize;

		if (elf_class == 64) {
			wr64(e, f->buf_addr[i]);
			wr32(e + 8, call->buflen[i]);
			wr32(e + 12, (uint32_t)call->bufrw[i]);
		} else {
			wr32(e, (uint32_t)f->buf_addr[i]);
			wr32(e + 4, call->buflen[i]);
			wr32(e + 8, (uint32_t)call->bufrw[i]);
		}
	}
	f->ip = handler;
	return 0;
}

/* See frame.h. */
int proc_msgbuf_decode(uint32_t elf_class, const uint8_t *raw, uint32_t count,
		       struct proc_bufref *out)
{
	uint32_t entsize = elf_class == 64 ? PROC_MSGBUF64_SIZE : PROC_MSGBUF32_SIZE;
	uint64_t total = 0;

	if (elf_class != 32 && elf_class != 64)
		return -SV_EINVAL;
	if (count > PROC_MSG_MAX_BUFS)
		return -SV_EINVAL;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = raw + (size_t)i * entsize;
		struct proc_bufref *b = &out[i];

		if (elf_class == 64) {
			b->base = (uint64_t)rd32(e) | (uint64_t)rd32(e + 4) << 32;
			b->len = rd32(e + 8);
			b->rw = (int32_t)rd32(e + 12);
		} else {
			b->base = rd32(e);
			b->len = rd32(e + 4);
			b->rw = (int32_t)rd32(e + 8);
		}
		if (b->rw != 0 && b->rw != 1)
			return -SV_EINVAL;
		total += b->len;
		if (b->len > PROC_MSG_MAX_BYTES || total > PROC_MSG_MAX_BYTES)
			return -SV_E2BIG;
		/* A buffer of length 0 may have any base; it is never touched. */
		if (b->len && (b->base < PROC_USER_BASE || b->base > PROC_USER_END ||
			       b->len > PROC_USER_END - b->base))
			return -SV_EINVAL;
	}
	return 0;
}
