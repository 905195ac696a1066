/*
 * Syscalls of processes (int $0x80; ABI in <sealvisor/proc_abi.h>) and
 * what a trap in ring 3 means.  Three layers, as in BitVisor but with the
 * checks it lacked: the adapter here reads registers and copies user
 * memory through uspace_copy_* (never a raw user pointer), the workers are
 * the process and table functions, and every argument is checked before use.
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/uspace.h>
#include <sv/builtin.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/format.h>
#include <sv/lock.h>
#include <sv/mm.h>
#include <sv/proc_timer.h>
#include <sv/process.h>
#include <sv/text.h>
#include <sv/nospec.h>

#include <proc/elf.h>
#include <proc/frame.h>

#include <sv_config.h>

#include "fsstring.h"

/* One bounce buffer per call level and CPU, from the pool on first use. */
static uint8_t *bounce_area[SV_MAX_CPUS];

static uint8_t *bounce(unsigned int level)
{
	uint8_t **b = &bounce_area[cpu_index()];

	if (!*b) {
		uint64_t pa = palloc_pages(PROC_MAX_DEPTH * PROC_MSG_MAX_BYTES / PAGE_SIZE, 1);
		if (!pa)
			return NULL;
		*b = phys_to_virt(pa);
	}
	return *b + (size_t)level * PROC_MSG_MAX_BYTES;
}

static uint64_t arg(const struct trap_frame *f, const struct proc *p, int i)
{
	uint64_t v[5] = { f->rbx, f->rcx, f->rdx, f->rsi, f->rdi };

	/* Compatibility mode leaves the upper halves undefined. */
	return p->elf_class == 32 ? (uint32_t)v[i] : v[i];
}

static int read_name(const struct proc *p, uint64_t va, char *name)
{
	const struct uspace *us = process_uspace(p);

	for (size_t i = 0; i < PROC_NAME_MAX; i++) {
		if (uspace_copy_from(us, &name[i], va + i, 1))
			return -SV_EFAULT;
		if (!name[i])
			return proc_name_check(name, PROC_NAME_MAX);
	}
	return -SV_EINVAL;
}

static int64_t sys_write(struct proc *p, uint64_t va, uint64_t len)
{
	char buf[PROC_WRITE_MAX];
	char tag[PROC_NAME_MAX + 4];

	if (len > PROC_WRITE_MAX)
		return -SV_E2BIG;
	if (uspace_copy_from(process_uspace(p), buf, va, len))
		return -SV_EFAULT;
	/*
	 * The console is shared with the guest and read by people: no
	 * control characters (terminal escapes, C1's CSI, carriage returns
	 * that would overwrite the line's tag) and no ill-formed UTF-8.
	 */
	text_sanitize(buf, len);
	sv_snprintf(tag, sizeof(tag), "[%s] ", p->name);
	console_write_tagged(tag, buf, len);
	return (int64_t)len;
}

static int64_t sys_sendbuf(struct proc *p, int desc, int32_t value, uint64_t arr, uint64_t n,
			   uint64_t layout, unsigned int level)
{
	uint8_t raw[PROC_MSG_MAX_BUFS * PROC_MSGBUF64_BV_SIZE];
	struct proc_bufref ref[PROC_MSG_MAX_BUFS];
	struct kbuf kb[PROC_MSG_MAX_BUFS];
	uint32_t entsize = p->elf_class == 64 ? PROC_MSGBUF64_SIZE : PROC_MSGBUF32_SIZE;
	uint32_t bvsize = p->elf_class == 64 ? PROC_MSGBUF64_BV_SIZE : PROC_MSGBUF32_BV_SIZE;
	const struct uspace *us = process_uspace(p);
	struct proc *target;
	uint32_t handler;
	int rc;

	if (n > PROC_MSG_MAX_BUFS || layout > PROC_MSGBUF_BITVISOR)
		return -SV_EINVAL;
	if (layout == PROC_MSGBUF_BITVISOR) {
		/*
		 * BitVisor's entries are the native ones plus premap_handle at
		 * the end (ignored): read them whole, then keep each one's
		 * native prefix, so the same decoder checks both.
		 */
		if (n && uspace_copy_from(us, raw, arr, n * bvsize))
			return -SV_EFAULT;
		for (uint32_t i = 1; i < n; i++)
			memmove(raw + i * entsize, raw + i * bvsize, entsize);
	} else if (n && uspace_copy_from(us, raw, arr, n * entsize)) {
		return -SV_EFAULT;
	}
	if ((rc = proc_msgbuf_decode(p->elf_class, raw, (uint32_t)n, ref)))
		return rc;
	if ((rc = desc_resolve(&proc_table, &p->descs, desc, &target, &handler)))
		return rc;
	uint8_t *b = bounce(level);
	if (!b)
		return -SV_ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		kb[i] = (struct kbuf){ b, ref[i].len, ref[i].rw };
		if (uspace_copy_from(us, b, ref[i].base, ref[i].len))
			return -SV_EFAULT;
		b += ref[i].len;
	}
	int64_t res = process_call(target, handler, MSG_BUF, value, kb, (uint32_t)n);
	process_check_alive();
	for (uint32_t i = 0; i < n; i++) {
		if (kb[i].rw && uspace_copy_to(us, ref[i].base, kb[i].data, kb[i].len))
			return -SV_EFAULT;
	}
	return res;
}

/* The next queued input line, copied out; never waits (there is no keyboard). */
static __attribute__((noinline)) int64_t sys_input(struct proc *p, uint64_t va, uint64_t len)
{
	char line[PROC_INPUT_MAX];
	uint32_t max = (uint32_t)MIN(len, (uint64_t)PROC_INPUT_MAX);
	int n;

	if (len == 0)
		return -SV_EINVAL;
	/* Check the whole buffer is writable before a line is taken out. */
	if (uspace_copy_to(process_uspace(p), va + max - 1, "", 1) ||
	    uspace_copy_to(process_uspace(p), va, "", 1))
		return -SV_EFAULT;
	n = process_input_pop(p, line, max);
	if (uspace_copy_to(process_uspace(p), va, line, n < 0 ? 1 : (uint64_t)n + 1))
		return -SV_EFAULT;
	return n;
}

/*
 * newprocess(name): a built-in (its _start runs once now, as for every
 * built-in), or a fresh copy of a signed program the guest loaded under
 * that name (its _start runs with the first message).  Only images the
 * VMM holds are used: nothing of the caller's becomes code.
 */
static int64_t sys_newprocess(struct proc *p, uint64_t va)
{
	char name[PROC_NAME_MAX];
	int64_t result = 0;
	int rc, id;

	if ((rc = read_name(p, va, name)))
		return rc;
	/* A built-in's _start runs nested, one level further down. */
	if (process_depth() >= PROC_MAX_DEPTH)
		return -SV_EBUSY;
	/* Built-in names are reserved: a guest-named program never shadows one. */
	if (builtin_exists(name))
		id = builtin_start(name, 0, &result);
	else
		id = process_spawn_by_name(name);
	process_check_alive(); /* a built-in's _start ran nested: maybe killed meanwhile */
	if (id < 0)
		return id;
	struct proc *np = proc_get(&proc_table, id);
	if (!np || !process_alive(np, id))
		return result < 0 ? result : -SV_EDEAD;
	if (result < 0) {
		/* Its _start refused to start: not left behind (as the builtin hypercall does). */
		process_kill(np, "its _start returned an error");
		return result;
	}
	desc_sweep(&proc_table, &p->descs);
	rc = desc_open(&p->descs, np, 0);
	if (rc < 0)
		process_kill(np, "its creator's descriptor table is full");
	return rc;
}

void syscall_dispatch(struct trap_frame *f)
{
	struct proc *p = process_current();
	struct proc *target;
	uint32_t handler;
	char name[PROC_NAME_MAX];
	int64_t ret;
	int rc;

	if (!p) {
		f->rax = (uint64_t)-SV_ENOSYS;
		return;
	}
	/* The VMM's work, waiting for vmm_lock included, is not the process's time. */
	proc_timer_pause();
	rlock_take(&vmm_lock);
	process_enter_syscall(f->rsp);
	/* Killed from another CPU while it ran: this call ends here. */
	process_check_alive();
	/*
	 * Only ring-3 time counts against the budget, so that the VMM's work
	 * is not charged; a call that makes the VMM work for it without end
	 * (printing, waiting) still ends, at ten budgets of wall time.
	 */
	if (proc_timer_over_wall())
		process_kill_current(SV_ETIMEOUT, "its call ran past %u ms of wall time, VMM work included",
				     PROC_WALL_FACTOR * SV_PROC_BUDGET_MS);
	uint64_t nr = p->elf_class == 32 ? (uint32_t)f->rax : f->rax;
	/* The switch's jump table is indexed by nr: past the last number, the default case. */
	nr = nospec_clamp(nr, PROC_SYS_COUNT);
	switch (nr) {
	case PROC_SYS_NULL:
		ret = 0;
		break;
	case PROC_SYS_EXIT:
		process_kill_current(SV_EDEAD, "exited with status %d", (int)arg(f, p, 0));
	case PROC_SYS_RETURN:
		process_return((int32_t)arg(f, p, 0));
	case PROC_SYS_WRITE:
		ret = sys_write(p, arg(f, p, 0), arg(f, p, 1));
		break;
	case PROC_SYS_MSGREGISTER:
		if ((rc = read_name(p, arg(f, p, 0), name))) {
			ret = rc;
			break;
		}
		if (!process_handler_ok(p, arg(f, p, 1))) {
			ret = -SV_EINVAL; /* handlers must be code of the process */
			break;
		}
		ret = service_register(&proc_table, p, name, arg(f, p, 1));
		break;
	case PROC_SYS_MSGOPEN:
		if ((rc = read_name(p, arg(f, p, 0), name))) {
			ret = rc;
			break;
		}
		if ((rc = service_lookup(&proc_table, name, &target, &handler))) {
			ret = rc;
			break;
		}
		ret = desc_open(&p->descs, target, handler);
		break;
	case PROC_SYS_MSGCLOSE:
		ret = desc_close(&p->descs, (int)arg(f, p, 0));
		break;
	case PROC_SYS_MSGSENDINT:
		if ((rc = desc_resolve(&proc_table, &p->descs, (int)arg(f, p, 0), &target, &handler))) {
			ret = rc;
			break;
		}
		ret = process_call(target, handler, MSG_INT, (int32_t)arg(f, p, 1), NULL, 0);
		process_check_alive();
		break;
	case PROC_SYS_MSGSENDBUF:
		/* One bounce buffer per call level: messages nest. */
		ret = sys_sendbuf(p, (int)arg(f, p, 0), (int32_t)arg(f, p, 1), arg(f, p, 2),
				  arg(f, p, 3), arg(f, p, 4), process_depth() - 1);
		break;
	case PROC_SYS_INPUT:
		ret = sys_input(p, arg(f, p, 0), arg(f, p, 1));
		break;
	case PROC_SYS_NEWPROCESS:
		ret = sys_newprocess(p, arg(f, p, 0));
		break;
	case PROC_SYS_MSGUNREGISTER: {
		uint64_t h = arg(f, p, 0);
		if (h == 0 || h >= PROC_MAX_HANDLERS) {
			ret = -SV_EINVAL; /* only msgregister's handlers, never _start */
			break;
		}
		h = nospec_index(h, PROC_MAX_HANDLERS);
		if (!p->handler[h].entry) {
			ret = -SV_EINVAL;
			break;
		}
		/* Descriptors that reached it answer -SV_EBADDESC from now on. */
		memset(&p->handler[h], 0, sizeof(p->handler[h]));
		ret = 0;
		break;
	}
	default:
		ret = -SV_ENOSYS;
		break;
	}
	f->rax = p->elf_class == 32 ? (uint32_t)ret : (uint64_t)ret;
	rlock_drop(&vmm_lock);
	proc_timer_resume();
}

/*
 * Any exception in ring 3 kills the process that took it; the reason,
 * RIP and faulting address go to the log.  The VMM and the guest go on.
 */
static bool process_trap(struct trap_frame *f)
{
	struct proc *p = process_current();

	if (!p)
		return false;
	if (f->vector == 14) {
		uint64_t addr = read_cr2();
		process_kill_current(SV_EFAULTED, "%s at RIP %lx, address %lx (%s, %s)",
				     process_current_in_guard(addr) ? "stack overflow into the guard page"
							       : "page fault",
				     (unsigned long)f->rip, (unsigned long)addr,
				     (f->error_code & 16) ? "instruction fetch"
				     : (f->error_code & 2) ? "write" : "read",
				     (f->error_code & 1) ? "protection violation" : "page not present");
	}
	if (f->vector == 7)
		process_kill_current(SV_EFAULTED, "FPU/SSE instruction at RIP %lx (processes have no FPU)",
				     (unsigned long)f->rip);
	process_kill_current(SV_EFAULTED, "%s (vector %lu) at RIP %lx, error code %lx",
			     trap_name(f->vector), (unsigned long)f->vector, (unsigned long)f->rip,
			     (unsigned long)f->error_code);
}

void syscall_init(void)
{
	trap_syscall_hook = syscall_dispatch;
	trap_user_hook = process_trap;
}
