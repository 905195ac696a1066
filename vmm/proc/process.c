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
 */
#include <arch/cpu.h>
#include <arch/desc.h>
#include <arch/uentry.h>
#include <arch/uspace.h>
#include <sv/console.h>
#include <sv/format.h>
#include <sv/mm.h>
#include <sv/proc_timer.h>
#include <sv/process.h>

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
};

struct call_rec {
	struct proc *p;
	struct proc_arch *a;
	struct uctx ctx;
	uint64_t prev_cr3;
	uint64_t prev_rsp0;
	uint64_t prev_cr0;
	uint64_t start_tsc;
};

struct proc_table proc_table;
static struct proc_arch arch[SV_MAX_PROCESSES];
static struct call_rec calls[PROC_MAX_DEPTH];
static unsigned int depth;
static uint64_t trampoline_pa;

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
	return &arch[p->slot];
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
	return depth;
}

struct proc *process_current(void)
{
	return depth ? calls[depth - 1].p : NULL;
}

bool process_in_guard(const struct proc *p, uint64_t addr)
{
	return elf_plan_in_guard(&arch_of(p)->plan, addr);
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
	uspace_destroy(&a->us);
	memset(a, 0, sizeof(*a));
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

bool process_alive(const struct proc *p, int id)
{
	return proc_get(&proc_table, id) == p && p->state == PROC_ALIVE && !arch_of(p)->dead;
}

int process_create(const void *image, size_t len, const char *name, const uint8_t *sha256)
{
	struct elf_plan plan;
	struct proc *p;
	int rc = elf_validate(image, len, &plan);

	if (rc)
		return rc;
	if (depth)
		return -SV_EBUSY; /* only the guest or the VMM create processes */
	int id = proc_alloc(&proc_table, name, plan.elf_class, &p);
	if (id < 0)
		return id;
	struct proc_arch *a = arch_of(p);
	memset(a, 0, sizeof(*a));
	a->plan = plan;
	if (sha256)
		memcpy(a->sha256, sha256, sizeof(a->sha256));
	a->charged = plan.total_pages + table_pages(&plan) + 1;
	if ((rc = proc_mem_charge(&proc_table, p, a->charged)))
		goto fail;
	p->arch = a;
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
	mark_dead(p);
	reap(a);
	return 0;
}

int64_t process_call(struct proc *p, uint32_t handler, int32_t msgcode, int32_t value,
		     struct kbuf *bufs, uint32_t nbufs)
{
	static struct proc_frame frames[PROC_MAX_DEPTH];
	struct proc_arch *a;
	struct proc_call call;
	struct uregs r;

	if (!p || p->state != PROC_ALIVE || handler >= PROC_MAX_HANDLERS ||
	    !p->handler[handler].entry)
		return -SV_EBADDESC;
	if (depth == PROC_MAX_DEPTH)
		return -SV_EBUSY;
	if (nbufs > PROC_MSG_MAX_BUFS)
		return -SV_EINVAL;
	a = arch_of(p);
	memset(&call, 0, sizeof(call));
	call.msgcode = msgcode;
	call.value = value;
	call.bufcnt = nbufs;
	for (uint32_t i = 0; i < nbufs; i++) {
		call.buflen[i] = bufs[i].len;
		call.bufrw[i] = bufs[i].rw;
	}

	struct proc_frame *f = &frames[depth];
	uint64_t sp_in = a->active ? a->user_sp : PROC_STACK_TOP;
	int rc = proc_frame_build(p->elf_class, sp_in, p->handler[handler].entry, &call, f);
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

	struct call_rec *c = &calls[depth++];
	c->p = p;
	c->a = a;
	c->prev_cr3 = read_cr3();
	c->prev_rsp0 = *tss_rsp0_slot();
	c->prev_cr0 = read_cr0();
	if ((rc = proc_timer_start(c->start_tsc = rdtsc()))) {
		depth--;
		return rc;
	}
	a->active++;
	write_cr3(a->us.pml4);
	/*
	 * A process has no FPU: CR0.TS makes any x87/SSE use fault (#NM),
	 * so the guest's registers, still live in the CPU, stay out of reach.
	 * It is put back as it was, so the outer process of a nested call
	 * resumes with TS set too.
	 */
	write_cr0(c->prev_cr0 | CR0_TS);
	int64_t result = uentry_enter(&c->ctx, &r, tss_rsp0_slot());
	uint64_t end = rdtsc();
	proc_timer_stop();
	write_cr0(c->prev_cr0);
	a->cycles += end - c->start_tsc;
	write_cr3(c->prev_cr3);
	*tss_rsp0_slot() = c->prev_rsp0;
	depth--;
	a->active--;

	/* rw buffers come back only from a handler that returned normally. */
	if (!a->dead) {
		for (uint32_t i = 0; i < nbufs; i++) {
			if (bufs[i].rw && uspace_copy_from(&a->us, bufs[i].data, f->buf_addr[i], bufs[i].len))
				result = -SV_EFAULT;
		}
	}
	reap(a);
	return result;
}

void process_return(int64_t value)
{
	uentry_leave(&calls[depth - 1].ctx, value);
}

void process_kill_current(int code, const char *fmt, ...)
{
	struct call_rec *c = &calls[depth - 1];
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	sv_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!c->a->dead) {
		sv_printf("process %s (id %d) killed: %s\n", c->p->name, proc_id(c->p), why);
		mark_dead(c->p);
	}
	uentry_leave(&c->ctx, -code);
}

/* Saved user stack pointer of the current process, for nested frames. */
void process_enter_syscall(uint64_t user_sp)
{
	calls[depth - 1].a->user_sp = user_sp;
}

/* After a nested call: a current process that died meanwhile cannot go on. */
void process_check_alive(void)
{
	struct call_rec *c = &calls[depth - 1];

	if (c->a->dead)
		uentry_leave(&c->ctx, -SV_EFAULTED);
}
