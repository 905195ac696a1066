/*
 * Processes: creation, the call stack of handler calls, and death.
 *
 * A process runs only inside a call: the VMM enters one of its handlers in
 * ring 3 (uentry_enter) and the call ends when the handler returns through
 * the trampoline, the process exits, faults or runs out of time
 * (uentry_leave).  Calls nest when a handler sends a message; the call
 * stack here records each one.  A process killed while frames of it are
 * still further down the stack is marked dead at once (its descriptors go
 * stale) and its memory is freed when its last frame unwinds.
 *
 * Every CPU has its own call stack.  A process is single-threaded: it
 * runs on one CPU at a time (proc_arch.cpu while it has frames), and a
 * call from another CPU waits for it, up to one budget, without holding
 * vmm_lock.  A wait that would close a cycle (A on CPU 0 waits for B while
 * B on CPU 1 calls A) fails at once with -SV_EDEADLK on the CPU that
 * would close it.  A process killed while it runs on another CPU leaves
 * the table at once; its running call ends at its next syscall or return
 * with -SV_EDEAD (or when its budget runs out), and its memory goes then.
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/entry.h>
#include <arch/fpu.h>
#include <arch/uentry.h>
#include <arch/uspace.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/format.h>
#include <sv/iommu.h>
#include <sv/lock.h>
#include <sv/mm.h>
#include <sv/proc_timer.h>
#include <sv/process.h>
#include <sv/nospec.h>

#include <policy/policy.h>
#include <proc/elf.h>
#include <proc/frame.h>
#include <sv_config.h>

#include "fsstring.h"

/* Hardware state of each slot's process (proc->arch points here). */
struct proc_arch {
	struct uspace us;
	struct elf_plan plan;
	uint64_t charged;    /* pages charged to the quota */
	uint64_t user_sp;    /* user stack pointer while inside a syscall */
	unsigned int active; /* its frames on the call stack */
	bool dead;           /* killed; memory goes when active drops to 0 */
	uint64_t cycles;
	uint8_t sha256[32];  /* of the image, when the creator knew it */
	int key;             /* trusted key that verified the image, -1: built-in */
	bool in_use;         /* this entry belongs to a process, alive or dying */
	int cpu;             /* the CPU its frames are on while active, else -1 */
	bool killed_outside; /* by process_kill, not by its own fault */
	/* Input lines the guest queued (one pool page, charged), or NULL. */
	char *input;
	uint32_t in_head, in_len; /* next unread byte; bytes stored */
	/* The verified image of a signed process, for newprocess(name). */
	uint64_t image_pa, image_pages, image_len;
	/*
	 * Its load completed (newprocess handed out its descriptor): until
	 * then no copy starts from its kept image, so its own _start cannot
	 * leave a copy running behind a load that then fails.
	 */
	bool load_done;
};

struct call_rec {
	struct proc *p;
	struct proc_arch *a;
	struct uctx ctx;
	uint64_t prev_ucr3;  /* entry_set_user's: the outer call's process CR3 */
	uint64_t prev_kstack;
	bool returned;       /* ended by the handler returning (process_return) */
	uint64_t prev_cr0;
	uint64_t start_tsc;
};

/* One CPU's calls, innermost last. */
struct cpu_calls {
	struct call_rec calls[PROC_MAX_DEPTH];
	struct proc_frame frames[PROC_MAX_DEPTH];
	unsigned int depth;
};

/*
 * Hardware state is not indexed by table slot: a killed process leaves
 * its slot at once but keeps its entry here until its last frame (maybe
 * on another CPU) unwinds, so a new process in the slot cannot clobber it.
 */
#define ARCH_ENTRIES (SV_MAX_PROCESSES + 16)

_Static_assert(PROC_MAX_DEPTH <= PROC_TIMER_MAX_NEST, "the budget keeps a deadline per nesting level");

struct proc_table proc_table;
static struct proc_arch arch_pool[ARCH_ENTRIES];
static struct cpu_calls cpu_calls[SV_MAX_CPUS];
static uint64_t trampoline_pa;

static struct cpu_calls *my_calls(void)
{
	return &cpu_calls[cpu_index()];
}

void process_init(void)
{
	/* Processes may use the pool but must leave the VMM room to work. */
	uint64_t reserve = 1024; /* 4 MiB */
	uint64_t free = palloc_free_count();
	uint64_t quota = ((uint64_t)SV_PROC_QUOTA_KIB * 1024) / PAGE_SIZE;

	trampoline_pa = palloc_page();
	memset(phys_to_virt(trampoline_pa), 0xcc, PAGE_SIZE); /* int3 after the code */
	memcpy(phys_to_virt(trampoline_pa), proc_trampoline_code, proc_trampoline_size);
	ptable_init(&proc_table, free > reserve ? free - reserve : 0, quota);
}

static struct proc_arch *arch_of(const struct proc *p)
{
	return p->arch;
}

const struct uspace *process_uspace(const struct proc *p)
{
	return &arch_of(p)->us;
}

uint64_t process_pages(const struct proc *p)
{
	return arch_of(p)->charged;
}

uint64_t process_cycles(const struct proc *p)
{
	return arch_of(p)->cycles;
}

unsigned int process_depth(void)
{
	return my_calls()->depth;
}

struct proc *process_current(void)
{
	struct cpu_calls *cc = my_calls();

	return cc->depth ? cc->calls[cc->depth - 1].p : NULL;
}

bool process_in_guard(const struct proc *p, uint64_t addr)
{
	return elf_plan_in_guard(&arch_of(p)->plan, addr);
}

bool process_current_in_guard(uint64_t addr)
{
	struct cpu_calls *cc = my_calls();

	/* The frame's own entry: p->arch is gone once another CPU killed it. */
	return cc->depth && elf_plan_in_guard(&cc->calls[cc->depth - 1].a->plan, addr);
}

bool process_handler_ok(const struct proc *p, uint64_t addr)
{
	const struct elf_region *r = elf_plan_find(&arch_of(p)->plan, addr);

	return r && r->kind == ELF_REGION_IMAGE && (r->rights & PROC_X);
}

/* Page-table pages a plan needs: PDPT, PD, and one PT per 2 MiB touched. */
static uint64_t table_pages(const struct elf_plan *plan)
{
	uint64_t n = 2, last = UINT64_MAX;

	for (uint32_t i = 0; i < plan->nregions; i++) {
		const struct elf_region *r = &plan->region[i];
		for (uint64_t a = ALIGN_DOWN(r->vaddr, LARGE_PAGE_SIZE); a < r->vaddr + r->size;
		     a += LARGE_PAGE_SIZE) {
			if (a != last)
				n++;
			last = a;
		}
	}
	return n;
}

static void release(struct proc_arch *a)
{
	if (a->input)
		pfree_pages(virt_to_phys(a->input), 1);
	if (a->image_pa)
		pfree_pages(a->image_pa, a->image_pages);
	uspace_destroy(&a->us);
	memset(a, 0, sizeof(*a));
	a->cpu = -1;
}

static int map_plan(struct proc_arch *a, const uint8_t *image)
{
	for (uint32_t i = 0; i < a->plan.nregions; i++) {
		const struct elf_region *r = &a->plan.region[i];
		for (uint64_t va = r->vaddr; va < r->vaddr + r->size; va += PAGE_SIZE) {
			int rc;
			if (r->kind == ELF_REGION_TRAMPOLINE) {
				rc = uspace_map(&a->us, va, trampoline_pa, PROC_R | PROC_X, true);
			} else {
				uint64_t pa = palloc_pages_raw(1, 1);
				if (!pa)
					return -SV_ENOMEM;
				rc = uspace_map(&a->us, va, pa, r->rights, false);
				if (rc) {
					pfree_pages(pa, 1);
					return rc;
				}
				/*
				 * The file bytes that fall into this page; every other
				 * byte is zeroed (BSS, padding, the stack), so nothing a
				 * page held before reaches the process.
				 */
				uint8_t *page = phys_to_virt(pa);
				uint64_t lo = MAX(va, r->copy_to);
				uint64_t hi = MIN(va + PAGE_SIZE, r->copy_to + r->file_len);
				if (r->kind != ELF_REGION_IMAGE || lo >= hi) {
					memset(page, 0, PAGE_SIZE);
				} else {
					memset(page, 0, lo - va);
					memcpy(page + (lo - va), image + r->file_off + (lo - r->copy_to),
					       hi - lo);
					memset(page + (hi - va), 0, va + PAGE_SIZE - hi);
				}
			}
			if (rc)
				return rc;
		}
	}
	return 0;
}

const uint8_t *process_sha256(const struct proc *p)
{
	return arch_of(p)->sha256;
}

void process_set_key(struct proc *p, int key)
{
	arch_of(p)->key = key;
}

int process_key(const struct proc *p)
{
	return arch_of(p)->key;
}

const struct elf_manifest *process_manifest(const struct proc *p)
{
	return &arch_of(p)->plan.manifest;
}

bool process_alive(const struct proc *p, int id)
{
	return proc_get(&proc_table, id) == p && p->state == PROC_ALIVE && p->arch &&
	       !arch_of(p)->dead;
}

int process_create(const void *image, size_t len, const char *name, const uint8_t *sha256)
{
	struct elf_plan plan;
	struct proc *p;
	int rc = iommu_gate(name && *name ? name : "a process");

	if (rc)
		return rc;
	if ((rc = elf_validate(image, len, &plan)))
		return rc;
	/*
	 * A process may create one too (PROC_SYS_NEWPROCESS), but only from
	 * a built-in or a kept, verified image: never from its own bytes.
	 */
	struct proc_arch *a = NULL;
	for (unsigned int i = 0; i < ARCH_ENTRIES && !a; i++) {
		if (!arch_pool[i].in_use)
			a = &arch_pool[i];
	}
	if (!a)
		return -SV_ETABLE_FULL; /* killed processes still unwinding on other CPUs */
	int id = proc_alloc(&proc_table, name, plan.elf_class, &p);
	if (id < 0)
		return id;
	memset(a, 0, sizeof(*a));
	a->in_use = true;
	a->cpu = -1;
	a->key = -1;
	a->plan = plan;
	if (sha256)
		memcpy(a->sha256, sha256, sizeof(a->sha256));
	a->charged = plan.total_pages + table_pages(&plan) + 1;
	p->arch = a;
	if ((rc = proc_mem_charge(&proc_table, p, a->charged)))
		goto fail;
	if ((rc = uspace_create(&a->us)) || (rc = map_plan(a, image)))
		goto fail;
	if ((rc = proc_activate(p, plan.entry)))
		goto fail;
	return id;
fail:
	release(a);
	proc_free(&proc_table, p);
	return rc;
}

/* Frees what a dead process still holds once nothing of it is running. */
static void reap(struct proc_arch *a)
{
	if (a->dead && a->active == 0)
		release(a);
}

static void mark_dead(struct proc *p)
{
	struct proc_arch *a = arch_of(p);

	a->dead = true;
	p->arch = NULL;
	proc_free(&proc_table, p); /* descriptors and services go stale now */
}

int process_kill(struct proc *p, const char *why)
{
	if (!p || p->state == PROC_FREE)
		return -SV_EBADDESC;
	sv_printf("process %s (id %d) killed: %s\n", p->name, proc_id(p), why);
	struct proc_arch *a = arch_of(p);
	if (!a)
		return -SV_EBADDESC;
	a->killed_outside = true;
	mark_dead(p);
	reap(a);
	return 0;
}

/* The CPU index owning a, or -1 when nobody runs it. */
static int owner(const struct proc_arch *a)
{
	return a->active ? a->cpu : -1;
}

/*
 * Waits, without vmm_lock, until p runs on no other CPU.  0 when it is
 * ours to run; -SV_EDEADLK when waiting would close a cycle of CPUs each
 * waiting for the next; -SV_EBUSY after a whole budget; -SV_EBADDESC when
 * p died meanwhile.
 */
static int wait_for(struct proc *p)
{
	struct sv_cpu *me = this_cpu();
	uint64_t deadline = 0;
	int id = proc_id(p);

	for (;;) {
		struct proc_arch *a = arch_of(p);
		int o = owner(a);
		if (o < 0 || o == (int)me->index)
			return 0;
		/* Follow who waits for whom; reaching this CPU means a cycle. */
		for (int hop = 0, c = o; hop < SV_MAX_CPUS && c >= 0; hop++) {
			const struct proc_arch *w = cpus[c]->waiting_for;
			c = w ? owner(w) : -1;
			if (c == (int)me->index)
				return -SV_EDEADLK;
		}
		uint64_t now = rdtsc();
		if (!deadline)
			deadline = now + proc_timer_tsc_hz() / 1000 * SV_PROC_BUDGET_MS;
		else if (now >= deadline)
			return -SV_EBUSY;
		me->waiting_for = a;
		unsigned int held = rlock_drop_all(&vmm_lock);
		while (__atomic_load_n(&a->active, __ATOMIC_ACQUIRE) && rdtsc() < deadline)
			cpu_relax();
		rlock_retake(&vmm_lock, held);
		me->waiting_for = NULL;
		if (!process_alive(p, id))
			return -SV_EBADDESC;
	}
}

int64_t process_call(struct proc *p, uint32_t handler, int32_t msgcode, int32_t value,
		     struct kbuf *bufs, uint32_t nbufs)
{
	return process_call_by(p, handler, msgcode, value, bufs, nbufs, NULL);
}

int64_t process_call_by(struct proc *p, uint32_t handler, int32_t msgcode, int32_t value,
			struct kbuf *bufs, uint32_t nbufs, bool *by_handler)
{
	struct cpu_calls *cc = my_calls();
	bool scratch;

	if (!by_handler)
		by_handler = &scratch;
	*by_handler = false;
	struct proc_arch *a;
	struct proc_call call;
	struct uregs r;

	if (!p || p->state != PROC_ALIVE || handler >= PROC_MAX_HANDLERS)
		return -SV_EBADDESC;
	handler = (uint32_t)nospec_index(handler, PROC_MAX_HANDLERS);
	if (!p->handler[handler].entry)
		return -SV_EBADDESC;
	if (cc->depth == PROC_MAX_DEPTH)
		return -SV_EBUSY;
	if (nbufs > PROC_MSG_MAX_BUFS)
		return -SV_EINVAL;
	int rc = wait_for(p);
	if (rc)
		return rc;
	a = arch_of(p);
	memset(&call, 0, sizeof(call));
	call.msgcode = msgcode;
	call.value = value;
	call.bufcnt = nbufs;
	for (uint32_t i = 0; i < nbufs; i++) {
		call.buflen[i] = bufs[i].len;
		call.bufrw[i] = bufs[i].rw;
	}

	struct proc_frame *f = &cc->frames[cc->depth];
	uint64_t sp_in = a->active ? a->user_sp : PROC_STACK_TOP;
	rc = proc_frame_build(p->elf_class, sp_in, p->handler[handler].entry, &call, f);
	if (rc)
		return rc;
	if (uspace_copy_to(&a->us, f->sp, f->hdr, f->hdr_len))
		return -SV_EFAULT;
	for (uint32_t i = 0; i < nbufs; i++) {
		if (uspace_copy_to(&a->us, f->buf_addr[i], bufs[i].data, bufs[i].len))
			return -SV_EFAULT;
	}

	memset(&r, 0, sizeof(r));
	r.rip = f->ip;
	r.rsp = f->sp;
	r.rdi = f->rdi;
	r.rsi = f->rsi;
	r.rdx = f->rdx;
	r.rcx = f->rcx;
	r.cs = p->elf_class == 64 ? SEL_UCODE64 : SEL_UCODE32;
	r.ss = SEL_UDATA;
	r.rflags = PROC_INITIAL_RFLAGS;

	struct call_rec *c = &cc->calls[cc->depth++];
	c->p = p;
	c->a = a;
	c->returned = false;
	c->prev_kstack = *entry_kstack_slot();
	c->prev_cr0 = read_cr0();
	if ((rc = proc_timer_start(c->start_tsc = rdtsc()))) {
		cc->depth--;
		return rc;
	}
	/* The outermost call on this CPU takes the guest's FPU state out of the CPU. */
	if (cc->depth == 1)
		fpu_guest_save();
	a->active++;
	a->cpu = (int)cpu_index();
	/* The outermost call follows the guest: an IBPB, whatever space ran last. */
	c->prev_ucr3 = entry_set_user(&a->us, cc->depth == 1);
	/*
	 * A process has no FPU: CR0.TS makes any x87/SSE use fault (#NM),
	 * so the guest's registers, still live in the CPU, stay out of reach.
	 * It is put back as it was, so the outer process of a nested call
	 * resumes with TS set too.
	 */
	write_cr0(c->prev_cr0 | CR0_TS);
	/* No lock while the process runs: other CPUs' hypercalls go on. */
	unsigned int held = rlock_drop_all(&vmm_lock);
	proc_timer_resume(); /* a nested call: the caller's syscall had it stopped */
	int64_t result = uentry_enter(&c->ctx, &r, entry_kstack_slot());
	proc_timer_pause();
	rlock_retake(&vmm_lock, held);
	uint64_t end = rdtsc();
	proc_timer_stop();
	write_cr0(c->prev_cr0);
	if (cc->depth == 1) {
		fpu_guest_restore(); /* after CR0: TS as the VMM had it */
		entry_ibpb(); /* nor the process's the guest's */
	}
	a->cycles += end - c->start_tsc;
	entry_restore_user(c->prev_ucr3, cc->depth > 1 ? &cc->calls[cc->depth - 2].a->us : NULL);
	*entry_kstack_slot() = c->prev_kstack;
	cc->depth--;
	__atomic_store_n(&a->active, a->active - 1, __ATOMIC_RELEASE);
	*by_handler = c->returned;
	/* Killed from outside while it ran: its result does not count. */
	if (a->dead && a->killed_outside && result != -SV_ETIMEOUT) {
		result = -SV_EDEAD;
		*by_handler = false;
	}

	/* rw buffers come back only from a handler that returned normally. */
	if (!a->dead) {
		for (uint32_t i = 0; i < nbufs; i++) {
			if (bufs[i].rw && uspace_copy_from(&a->us, bufs[i].data, f->buf_addr[i], bufs[i].len)) {
				result = -SV_EFAULT;
				*by_handler = false;
			}
		}
	}
	reap(a);
	return result;
}

/* Every way out of ring 3 into process_call's uentry_enter: no lock held. */
static __noreturn void leave(struct uctx *ctx, int64_t value)
{
	rlock_drop_all(&vmm_lock);
	uentry_leave(ctx, value);
}

void process_return(int64_t value)
{
	struct cpu_calls *cc = my_calls();

	cc->calls[cc->depth - 1].returned = true;
	leave(&cc->calls[cc->depth - 1].ctx, value);
}

void process_kill_current(int code, const char *fmt, ...)
{
	struct cpu_calls *cc = my_calls();
	struct call_rec *c = &cc->calls[cc->depth - 1];
	char why[160];
	va_list ap;

	rlock_take(&vmm_lock); /* from a trap in ring 3, nothing holds it yet */
	va_start(ap, fmt);
	sv_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!c->a->dead) {
		sv_printf("process %s (id %d) killed: %s\n", c->p->name, proc_id(c->p), why);
		mark_dead(c->p);
	}
	if (c->a->killed_outside && code != SV_ETIMEOUT)
		code = SV_EDEAD;
	leave(&c->ctx, -code);
}

/* Saved user stack pointer of the current process, for nested frames. */
void process_enter_syscall(uint64_t user_sp)
{
	struct cpu_calls *cc = my_calls();

	cc->calls[cc->depth - 1].a->user_sp = user_sp;
}

/* After a nested call: a current process that died meanwhile cannot go on. */
void process_check_alive(void)
{
	struct cpu_calls *cc = my_calls();
	struct call_rec *c = &cc->calls[cc->depth - 1];

	if (c->a->dead)
		leave(&c->ctx, c->a->killed_outside ? -SV_EDEAD : -SV_EFAULTED);
}

int process_input_push(struct proc *p, const char *data, uint32_t len)
{
	struct proc_arch *a = p ? arch_of(p) : NULL;
	bool nl = len && data[len - 1] != '\n';
	uint32_t need = len + (nl ? 1 : 0);

	if (!a || a->dead || p->state != PROC_ALIVE)
		return -SV_EBADDESC;
	if (len == 0)
		return 0;
	if (!a->input) {
		uint64_t pa;
		int rc = proc_mem_charge(&proc_table, p, 1);
		if (rc)
			return rc;
		if (!(pa = palloc_page())) {
			proc_mem_uncharge(&proc_table, p, 1);
			return -SV_ENOMEM;
		}
		a->charged++;
		a->input = phys_to_virt(pa);
	}
	/* Consumed bytes make room: move what is left to the front. */
	if (a->in_head) {
		memmove(a->input, a->input + a->in_head, a->in_len - a->in_head);
		a->in_len -= a->in_head;
		a->in_head = 0;
	}
	if (need > PROC_INPUT_MAX - a->in_len)
		return -SV_E2BIG;
	memcpy(a->input + a->in_len, data, len);
	if (nl)
		a->input[a->in_len + len] = '\n';
	a->in_len += need;
	return (int)len;
}

int process_input_pop(struct proc *p, char *out, uint32_t max)
{
	struct proc_arch *a = arch_of(p);
	uint32_t n = 0, line;

	if (max == 0)
		return -SV_EINVAL;
	out[0] = '\0';
	if (!a->input || a->in_head == a->in_len)
		return -SV_ENOENT;
	/* Every stored line ends with a newline (process_input_push). */
	while (a->input[a->in_head + n] != '\n')
		n++;
	line = MIN(n, max - 1);
	memcpy(out, a->input + a->in_head, line);
	out[line] = '\0';
	a->in_head += n + 1;
	return (int)line;
}

int process_keep_image(struct proc *p, uint64_t pa, uint64_t pages, uint64_t len)
{
	struct proc_arch *a = arch_of(p);
	int rc;

	if (a->image_pa)
		return -SV_EEXIST;
	if ((rc = proc_mem_charge(&proc_table, p, pages)))
		return rc;
	a->charged += pages;
	a->image_pa = pa;
	a->image_pages = pages;
	a->image_len = len;
	return 0;
}

void process_load_done(struct proc *p)
{
	arch_of(p)->load_done = true;
}

bool process_named_exists(const char *name)
{
	for (unsigned int i = 0; i < SV_MAX_PROCESSES; i++) {
		struct proc *p = &proc_table.slot[i];
		struct proc_arch *a = p->state == PROC_ALIVE ? arch_of(p) : NULL;
		if (a && !a->dead && a->image_pa && !strcmp(p->name, name))
			return true;
	}
	return false;
}

int process_spawn_by_name(const char *name)
{
	for (unsigned int i = 0; i < SV_MAX_PROCESSES; i++) {
		struct proc *p = &proc_table.slot[i];
		struct proc_arch *a = p->state == PROC_ALIVE ? arch_of(p) : NULL;
		if (!a || a->dead || !a->image_pa || strcmp(p->name, name))
			continue;
		if (!a->load_done) {
			sv_printf("newprocess: '%s' is still loading; no copy of it starts before its load completes\n",
				  name);
			return -SV_EBUSY;
		}
		/*
		 * The image is a copy only the VMM holds, verified when the
		 * guest loaded it; vmm_lock stays held while it is read.  The
		 * policy is asked again: since then the list in force may
		 * revoke it, or a higher SVN of its product may have loaded.
		 * The copy's load is committed (measured, its SVN recorded)
		 * before any of its code runs, as newprocess does.  It never
		 * raises its product's SVN (its owner's load recorded it), so
		 * no older instance is left to kill.
		 */
		uint32_t min;
		int rc = policy_check_load(a->sha256, a->key, &a->plan.manifest, &min);
		if (rc)
			return rc;
		rc = process_create(phys_to_virt(a->image_pa), a->image_len, name, a->sha256);
		if (rc < 0)
			return rc;
		struct proc *np = proc_get(&proc_table, rc);
		process_set_key(np, a->key);
		int c = policy_commit_load(a->sha256, a->key, &a->plan.manifest);
		if (c < 0) {
			process_kill(np, "its load could not be committed");
			return c;
		}
		return rc;
	}
	return -SV_ENOENT;
}
