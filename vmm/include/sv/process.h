/*
 * Processes, the VMM's side (proc/process.c, proc/syscall.c): creating a
 * process from ELF bytes in VMM memory, calling its handlers in ring 3,
 * and killing it.  The portable half (ELF rules, mapping plan, table,
 * descriptors, frames) is in vmm/proc.
 */
#ifndef SV_PROCESS_H
#define SV_PROCESS_H

#include <sv/types.h>

#include <proc/ptable.h>

/* How deep messages may nest (process A calls B calls C ...). */
#define PROC_MAX_DEPTH 8

extern struct proc_table proc_table;

/* One buffer of a message, already in VMM memory. */
struct kbuf {
	void *data;
	uint32_t len;
	int32_t rw; /* 1: the handler's changes are copied back into data */
};

void process_init(void);

/*
 * Creates a process from image[0, len) (VMM memory, not touched by anyone
 * else meanwhile; sha256 its digest or NULL) and returns its id, or a
 * negative code: an SV_EELF_*
 * rule, -SV_ETABLE_FULL, -SV_EQUOTA, -SV_ENOMEM.
 */
int process_create(const void *image, size_t len, const char *name, const uint8_t *sha256);
/* The SHA-256 given at creation (newprocess's binaries); zero for built-ins. */
const uint8_t *process_sha256(const struct proc *p);
/* The trusted key that verified p's image (-1: a built-in); set by the loader. */
void process_set_key(struct proc *p, int key);
int process_key(const struct proc *p);
/* What p's manifest says (product "none", SVN 0 without one; elf.h). */
struct elf_manifest;
const struct elf_manifest *process_manifest(const struct proc *p);
/* True while p is the live process it was when id was handed out. */
bool process_alive(const struct proc *p, int id);

/*
 * Calls handler of p with (msgcode, value, bufs) in ring 3 and returns the
 * handler's int result, or: -SV_EFAULTED (it took an exception and was
 * killed), -SV_ETIMEOUT (it ran past its budget and was killed),
 * -SV_EDEAD (it called exitprocess), -SV_EBUSY (nesting too deep),
 * -SV_E2BIG / -SV_EINVAL (buffers), -SV_EFAULT (its stack is unusable).
 */
int64_t process_call(struct proc *p, uint32_t handler, int32_t msgcode, int32_t value,
		     struct kbuf *bufs, uint32_t nbufs);
/*
 * The same, saying in *by_handler whether the result is the handler's own
 * return value (true) or one of the VMM's errors above (false): a handler
 * may return any int, -SV_ETIMEOUT's number included.
 */
int64_t process_call_by(struct proc *p, uint32_t handler, int32_t msgcode, int32_t value,
			struct kbuf *bufs, uint32_t nbufs, bool *by_handler);

/*
 * Queues input lines for p (PROC_SYS_INPUT): data[0, len) with a newline
 * added at the end if it lacks one, copied into a page charged to p.
 * Returns len, or -SV_E2BIG when the queue (PROC_INPUT_MAX) would
 * overflow, -SV_EQUOTA / -SV_ENOMEM, -SV_EBADDESC for a dead process.
 */
int process_input_push(struct proc *p, const char *data, uint32_t len);
/*
 * Takes p's next input line out into out[0, max) without its newline,
 * cut to max - 1 bytes and NUL-terminated; returns its length, or
 * -SV_ENOENT (out = "") when none is left.  Never waits.
 */
int process_input_pop(struct proc *p, char *out, uint32_t max);
/*
 * Gives p the verified image at pa (pages pool pages, len bytes) to keep
 * for process_spawn_by_name; charged to p and freed with it.  On error
 * the caller still owns the pages.
 */
int process_keep_image(struct proc *p, uint64_t pa, uint64_t pages, uint64_t len);
/* Marks p's load complete: from now on copies may start from its kept image. */
void process_load_done(struct proc *p);
/*
 * Creates a fresh process from the kept image of a live process called
 * name (its _start not run yet), its load committed to the policy before
 * it runs; returns its id, -SV_ENOENT, -SV_EBUSY (that process's own load
 * has not completed), or what the policy or process_create refused.
 */
int process_spawn_by_name(const char *name);
/* True when a live process keeps an image under this name (newprocess2's names are unique). */
bool process_named_exists(const char *name);

/* Kills p now (from outside it); 0 or -SV_EBADDESC. */
int process_kill(struct proc *p, const char *why);

/* Pages a process has charged (image, stack, page tables). */
uint64_t process_pages(const struct proc *p);
/* TSC cycles p has run in ring 3 so far. */
uint64_t process_cycles(const struct proc *p);

/* Calls on the stack now (0: the VMM runs for the guest). */
unsigned int process_depth(void);

/* Current process (innermost call), or NULL when the VMM runs for the guest. */
struct proc *process_current(void);

/* For the syscall layer (proc/syscall.c). */
struct trap_frame;
void syscall_dispatch(struct trap_frame *f);
/* Ends the innermost call with value; does not return. */
__noreturn void process_return(int64_t value);
/* Kills the current process for a reason and ends its call with code. */
__noreturn void process_kill_current(int code, const char *fmt, ...) __printf(2, 3);
const struct uspace *process_uspace(const struct proc *p);
bool process_handler_ok(const struct proc *p, uint64_t addr);
bool process_in_guard(const struct proc *p, uint64_t addr);
/* The same for the innermost call on this CPU, alive or killed meanwhile (the trap path). */
bool process_current_in_guard(uint64_t addr);
/* Saves the current process's user stack pointer on syscall entry. */
void process_enter_syscall(uint64_t user_sp);
/* After a nested call: ends the current call if its process died meanwhile. */
void process_check_alive(void);
/* Installs the syscall and ring-3 trap hooks. */
void syscall_init(void);

#endif
