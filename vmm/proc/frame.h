/*
 * Handler calls: the frame the VMM builds on a process's stack to call one
 * of its handlers, and the decoding of a sender's msgbuf array.
 *
 * The ABI itself is described in <sealvisor/proc_abi.h> ("How the VMM calls
 * a handler"); this file computes it, so the VMM's hardware side only
 * copies bytes and loads registers.  Portable and allocation-free.
 */
#ifndef SV_PROC_FRAME_H
#define SV_PROC_FRAME_H

#include <sv/types.h>
#include <sealvisor/proc_abi.h>

/* Stack the handler has at least, below its frame, when it starts. */
#define PROC_FRAME_MIN_FREE 4096u
/* Return address, four 32-bit arguments, the msgbuf array, alignment. */
#define PROC_FRAME_HDR_MAX (32u + PROC_MSG_MAX_BUFS * PROC_MSGBUF64_SIZE + 16u)

/* One buffer of a sender, after decoding its msgbuf entry. */
struct proc_bufref {
	uint64_t base; /* user address in the sender */
	uint32_t len;
	int32_t rw;    /* 0 or 1 */
};

/* What a handler is called with. */
struct proc_call {
	int32_t msgcode;
	int32_t value;
	uint32_t bufcnt;
	uint32_t buflen[PROC_MSG_MAX_BUFS];
	int32_t bufrw[PROC_MSG_MAX_BUFS];
};

/*
 * The frame.  The VMM writes hdr[0 .. hdr_len) at user address sp, copies
 * buffer i's bytes (from the sender) to buf_addr[i], loads the registers
 * and enters ring 3 at ip with RFLAGS = PROC_INITIAL_RFLAGS, other
 * registers zero.  When the handler returns (PROC_SYS_RETURN), it copies
 * each rw buffer back from buf_addr[i] (buflen[i] bytes; whatever the
 * handler did to its msgbuf array is ignored) and resumes the sender.
 */
struct proc_frame {
	uint64_t ip;
	uint64_t sp;
	uint64_t rdi, rsi, rdx, rcx; /* 64-bit processes; zero for 32-bit */
	uint64_t buf_addr[PROC_MSG_MAX_BUFS];
	uint32_t hdr_len;
	uint8_t hdr[PROC_FRAME_HDR_MAX];
};

/*
 * Builds the frame for calling handler (a user address in the receiver)
 * with call, in a process of elf_class 32 or 64 whose stack pointer is
 * sp_in: PROC_STACK_TOP when it is idle, its saved stack pointer when it
 * is inside a syscall (a nested message).  Returns 0, or -SV_EINVAL (bad
 * class, bufcnt, rw flag, or sp_in outside the stack: a process that moved
 * its stack cannot receive nested messages), -SV_E2BIG (buffers past
 * PROC_MSG_MAX_BYTES, or the stack has no room left).
 */
int proc_frame_build(uint32_t elf_class, uint64_t sp_in, uint64_t handler,
		     const struct proc_call *call, struct proc_frame *f);

/*
 * Decodes a sender's msgbuf array, count entries in its own layout
 * (struct proc_msgbuf32 or 64), which the VMM has copied into raw (count *
 * PROC_MSGBUF{32,64}_SIZE bytes).  Checks count, rw flags, the total
 * length and that no buffer wraps or leaves the user window; the VMM's
 * copy helper still checks every page.  0, -SV_EINVAL or -SV_E2BIG.
 */
int proc_msgbuf_decode(uint32_t elf_class, const uint8_t *raw, uint32_t count,
		       struct proc_bufref *out);

/* The bytes of the trampoline page's start (PROC_TRAMPOLINE_CODE). */
extern const uint8_t proc_trampoline_code[];
extern const size_t proc_trampoline_size;

#endif
