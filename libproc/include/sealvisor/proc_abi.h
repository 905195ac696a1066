/*
 * The process ABI: what a Sealvisor process and the hypervisor agree on.
 *
 * This header is shared, word for word, by libproc (built into every
 * process) and the VMM (vmm/proc, vmm/core).  Every number here is ABI: a
 * process built against an older copy must still run, so values are only
 * ever appended, never changed.  docs/processes.md explains the same things
 * in prose; keep the two in step.
 *
 * It must compile in three worlds: freestanding 64-bit (VMM, processes),
 * freestanding 32-bit (i386 processes) and hosted (unit tests), so it uses
 * nothing beyond <stdint.h> and plain macros.
 */
#ifndef SEALVISOR_PROC_ABI_H
#define SEALVISOR_PROC_ABI_H

#include <stdint.h>

/*
 * The user window: the virtual addresses a process owns.
 *
 * One window for 64-bit and 32-bit processes alike, so that the loader,
 * the linker scripts and the fault reporting have one set of numbers.  It
 * lies far below 4 GiB (32-bit processes address it directly) and far
 * below the VMM's own mappings at the top of the address space (sv/mm.h:
 * direct map and kernel image live in the upper half).
 *
 *   0                     unmapped: null-pointer guard (4 MiB)
 *   PROC_USER_BASE        image segments (PT_LOAD) go here ...
 *   PROC_IMAGE_END        ... and end here
 *   PROC_TRAMPOLINE_ADDR  one read-execute page the VMM provides (below)
 *   PROC_STACK_GUARD      one unmapped page: a stack overflow faults here
 *   PROC_STACK_BASE       the stack, read-write, never executable
 *   PROC_STACK_TOP        = PROC_USER_END; nothing above is user-reachable
 */
#define PROC_PAGE_SIZE 0x1000u
#define PROC_USER_BASE 0x00400000u
#define PROC_USER_END 0x40000000u
#define PROC_IMAGE_END 0x3F000000u
#define PROC_TRAMPOLINE_ADDR 0x3F000000u
#define PROC_STACK_SIZE 0x10000u /* 64 KiB */
#define PROC_STACK_TOP PROC_USER_END
#define PROC_STACK_BASE (PROC_STACK_TOP - PROC_STACK_SIZE)
#define PROC_STACK_GUARD (PROC_STACK_BASE - PROC_PAGE_SIZE)

/* Segment and page rights; the same bit values as ELF's PF_X/PF_W/PF_R. */
#define PROC_X 1u
#define PROC_W 2u
#define PROC_R 4u

/*
 * Syscalls.
 *
 * Entry: `int $0x80` from ring 3 (an IDT gate with DPL 3; the SYSCALL and
 * SYSENTER MSRs belong to the guest).  The number goes in RAX (EAX for a
 * 32-bit process); the arguments in RBX, RCX, RDX, RSI, RDI (EBX, ECX, EDX,
 * ESI, EDI); the result comes back in RAX (EAX): 0 or positive on success,
 * a negative SV_E* code from <sealvisor/errors.h> on failure.  Every other
 * register is preserved.  Pointers are user addresses of the calling
 * process; the VMM copies through them and fails with -SV_EFAULT when they
 * leave the process's mapped pages.  A number not listed returns
 * -SV_ENOSYS.
 */
#define PROC_SYS_NULL 0         /* () -> 0; for measuring syscall cost */
#define PROC_SYS_EXIT 1         /* (int status) -> does not return */
#define PROC_SYS_RETURN 2       /* (int value) -> ends the current handler call */
#define PROC_SYS_WRITE 3        /* (const char *s, unsigned len) -> len */
#define PROC_SYS_MSGREGISTER 4  /* (const char *name, handler) -> handler number >= 1 */
#define PROC_SYS_MSGOPEN 5      /* (const char *name) -> desc */
#define PROC_SYS_MSGCLOSE 6     /* (int desc) -> 0 */
#define PROC_SYS_MSGSENDINT 7   /* (int desc, int value) -> handler's result */
#define PROC_SYS_MSGSENDBUF 8   /* (int desc, int value, struct msgbuf *, int n, layout) */
#define PROC_SYS_INPUT 9        /* (char *buf, unsigned len) -> line length */
#define PROC_SYS_NEWPROCESS 10  /* (const char *name) -> desc of its handler 0 */
#define PROC_SYS_MSGUNREGISTER 11 /* (int handler from msgregister) -> 0 */
#define PROC_SYS_COUNT 12

/*
 * PROC_SYS_MSGSENDBUF's fifth argument: how the msgbuf array is laid out.
 * 0: struct proc_msgbuf64/32 below; 1: BitVisor's struct msgbuf, which
 * has a fourth field (long premap_handle, ignored), 24 bytes per entry in
 * 64-bit processes and 16 in 32-bit ones.  Any other value: -SV_EINVAL.
 */
#define PROC_MSGBUF_NATIVE 0
#define PROC_MSGBUF_BITVISOR 1
#define PROC_MSGBUF64_BV_SIZE 24u
#define PROC_MSGBUF32_BV_SIZE 16u

/*
 * Input lines (PROC_SYS_INPUT).  The guest queues lines for a process
 * (vmmload --input, vmmctl input); each PROC_SYS_INPUT takes the next one
 * out, without its newline, NUL-terminated, cut to len - 1 bytes (the rest
 * of a longer line is dropped), and returns its length; with nothing
 * queued it writes an empty string and returns -SV_ENOENT at once.  It
 * never waits: there is no keyboard to wait for.  The queue holds at most
 * PROC_INPUT_MAX bytes, newlines included.
 */
#define PROC_INPUT_MAX 4096u

/* Message codes: the first argument a handler receives. */
#define MSG_INT 1 /* msgsendint: value only, buf NULL, bufcnt 0 */
#define MSG_BUF 2 /* msgsendbuf: value and bufcnt buffers */

/*
 * Message buffers as a process sees them: struct msgbuf in <sealvisor/
 * proc.h>, laid out as below for each width.  rw = 0: the receiver gets a
 * copy and its changes are dropped; rw = 1: the receiver's copy is copied
 * back into the sender's buffer when the handler returns.  Buffers are
 * always copied, never shared, so neither side ever sees the other's
 * memory.
 */
struct proc_msgbuf64 {
	uint64_t base;
	uint32_t len;
	int32_t rw;
};
struct proc_msgbuf32 {
	uint32_t base;
	uint32_t len;
	int32_t rw;
};
#define PROC_MSGBUF64_SIZE 16u
#define PROC_MSGBUF32_SIZE 12u

/* Limits. */
#define PROC_NAME_MAX 32u         /* service name, with its NUL */
#define PROC_MSG_MAX_BUFS 8u      /* buffers in one msgsendbuf */
#define PROC_MSG_MAX_BYTES 16384u /* their total length */
#define PROC_MAX_DESCS 32u        /* open descriptors per process (and guest) */
#define PROC_MAX_HANDLERS 8u      /* handler 0 (_start) + 7 msgregister'ed */
#define PROC_WRITE_MAX 4096u      /* bytes in one PROC_SYS_WRITE */

/*
 * How the VMM calls a handler (vmm/proc/frame.c builds this frame).
 *
 * A handler is an ordinary C function
 *     int handler(int msgcode, int value, struct msgbuf *buf, int bufcnt);
 * `_start`, the ELF entry point, is handler 0: the one a descriptor from
 * newprocess reaches.  msgregister adds more.
 *
 * The VMM enters the handler as if it had been called: it builds the frame
 * on the process's stack (below PROC_STACK_TOP when the process is idle,
 * below its interrupted stack pointer minus PROC_FRAME_SKIP when it is
 * inside a syscall: messages nest), copies the buffers onto that stack and
 * the msgbuf array beside them, and sets
 *   64-bit (System V AMD64): RDI = msgcode, RSI = value, RDX = buf,
 *     RCX = bufcnt, [RSP] = return address, RSP + 8 a multiple of 16;
 *   32-bit (System V i386): [ESP] = return address, [ESP + 4] = msgcode,
 *     [ESP + 8] = value, [ESP + 12] = buf, [ESP + 16] = bufcnt, ESP + 4 a
 *     multiple of 16;
 * RIP = the handler; every other general register is zero, RFLAGS = 0x202.
 * The return address is PROC_TRAMPOLINE_ADDR: a VMM-provided page whose
 * code makes the PROC_SYS_RETURN syscall with the handler's result, which
 * ends the call.  The same bytes work in long and compatibility mode:
 *   89 c3           mov %eax, %ebx   (the int result; zero-extends in 64-bit)
 *   b8 02 00 00 00  mov $PROC_SYS_RETURN, %eax
 *   cd 80           int $0x80
 *   0f 0b           ud2              (never reached)
 * The VMM reads the result as (int32_t)EBX.
 */
#define PROC_FRAME_SKIP 128u /* below an interrupted SP: the red zone */
#define PROC_TRAMPOLINE_CODE                                                  \
	{ 0x89, 0xc3, 0xb8, PROC_SYS_RETURN, 0x00, 0x00, 0x00, 0xcd, 0x80,   \
	  0x0f, 0x0b }
#define PROC_INITIAL_RFLAGS 0x202u /* IF set, IOPL 0: no port access */

#endif
