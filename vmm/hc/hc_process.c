/*
 * Hypercalls that load and talk to processes (DESIGN.md, "Hypercalls").
 *
 * newprocess copies the binary and signature out of the caller's address
 * space into VMM memory first, verifies that copy, and loads from that
 * same copy: nothing the guest does afterwards can change what runs.
 * Descriptors handed to the guest live in the guest's own table, with
 * generations, exactly like a process's.  Every attempt is audited.
 */
#include <arch/cpu.h>
#include <sv/iommu.h>
#include <sv/tpm.h>
#include <sv/builtin.h>
#include <sv/console.h>
#include <sv/cpu.h>
#include <sv/format.h>
#include <sv/hypercall.h>
#include <sv/lock.h>
#include <sv/mm.h>
#include <sv/proc_timer.h>
#include <sv/process.h>

#include <policy/policy.h>
#include <proc/elf.h>
#include <sv_config.h>
#include <sv_verify.h>

#include "fsstring.h"

#define AUDIT_RING 64

static struct proc_desctab guest_descs;

/*
 * A descriptor or process id from a guest register: a value outside int's
 * range never becomes a valid one by truncation; it maps to -1, which
 * every lookup refuses (-SV_EBADDESC).
 */
static int arg_int(uint64_t v)
{
	return v <= (uint64_t)INT32_MAX ? (int)v : -1;
}
static struct sv_audit_entry2 audit[AUDIT_RING];
static uint64_t audit_seq;
static uint64_t boot_tsc;
/* msgsendbuf's copies, one per CPU: vmm_lock is dropped while the handler runs. */
static uint8_t *msg_bounce_area[SV_MAX_CPUS];

void hc_process_init(void)
{
	desctab_init(&guest_descs);
	boot_tsc = rdtsc();
	policy_init();
}

static uint64_t us_since_boot(void)
{
	uint64_t hz = proc_timer_tsc_hz();

	return hz ? (rdtsc() - boot_tsc) / (hz / 1000000 ? hz / 1000000 : 1) : 0;
}

/*
 * Audit lines also go to the built-in log service, the VMM being one of
 * its clients.  Only from here (no process is running), so a log process
 * that misbehaves costs a refused message, never a nested failure.
 */
/*
 * The log service the VMM started (its process id, and its "log" handler):
 * held by reference, never looked up by name again, so a process that
 * registers "log" once the service is gone never receives the VMM's lines.
 */
static int log_id = -1;
static uint32_t log_handler;

void hc_log_service_started(int id)
{
	struct proc *p;

	if (service_lookup(&proc_table, "log", &p, &log_handler) == 0 && proc_id(p) == id)
		log_id = id;
	else
		sv_printf("log service: not registered under its name; the VMM logs to the console only\n");
}

static void log_service(int level, const char *text)
{
	struct proc *p = log_id >= 0 ? proc_get(&proc_table, log_id) : NULL;
	struct kbuf kb = { (void *)(uintptr_t)text, (uint32_t)strlen(text), 0 };

	if (process_depth() || !p || !process_alive(p, log_id))
		return;
	process_call(p, log_handler, MSG_BUF, level, &kb, 1);
}

uint64_t hc_audit_total(void)
{
	return audit_seq;
}

int64_t hc_audit_record(struct sv_audit_entry2 *r, int64_t result)
{
	struct sv_audit_entry *a = &r->v1;
	char line[200];

	a->result = (int32_t)result;
	/*
	 * The number is taken when the record is written, under vmm_lock:
	 * attempts on other CPUs may end first (the hash runs unlocked), and
	 * a reader must never find a slot whose record has another number.
	 */
	a->seq = ++audit_seq;
	if (!a->time_us)
		a->time_us = us_since_boot();
	audit[(a->seq - 1) % AUDIT_RING] = *r;
	if (r->kind == SV_AUDIT_REVLIST)
		sv_snprintf(line, sizeof(line), "audit #%lu: revocation list of %lu bytes (sha256 %02x%02x%02x%02x..., version %lu): %s (%ld)",
			    (unsigned long)a->seq, (unsigned long)a->size, a->sha256[0], a->sha256[1],
			    a->sha256[2], a->sha256[3], (unsigned long)r->list_version,
			    result >= 0 ? "in force" : sv_strerror((int)result), (long)result);
	else if (r->kind == SV_AUDIT_KILL)
		sv_snprintf(line, sizeof(line), "audit #%lu: killed process id %d (sha256 %02x%02x%02x%02x..., product %s SVN %u): %s (%ld)",
			    (unsigned long)a->seq, r->proc_id, a->sha256[0], a->sha256[1], a->sha256[2],
			    a->sha256[3], r->product, r->svn, sv_strerror((int)result), (long)result);
	else
		sv_snprintf(line, sizeof(line), "audit #%lu: newprocess of %lu bytes (sha256 %02x%02x%02x%02x..., product %s SVN %u, minimum %u): %s (%ld)",
			    (unsigned long)a->seq, (unsigned long)a->size, a->sha256[0], a->sha256[1],
			    a->sha256[2], a->sha256[3], r->product[0] ? r->product : "?", r->svn,
			    r->min_svn, result >= 0 ? "loaded" : sv_strerror((int)result), (long)result);
	log_service(result >= 0 ? 0 : 1, line);
	return result;
}

/* The record of a kill by policy: who the process was. */
static void kill_record(struct sv_audit_entry2 *r, const struct proc *p)
{
	const struct elf_manifest *m = process_manifest(p);
	int key = process_key(p);

	memset(r, 0, sizeof(*r));
	r->kind = SV_AUDIT_KILL;
	r->proc_id = proc_id(p);
	memcpy(r->v1.sha256, process_sha256(p), 32);
	if (key >= 0 && sv_trusted_key_id((unsigned int)key))
		memcpy(r->v1.key_id, sv_trusted_key_id((unsigned int)key), 32);
	memcpy(r->product, m->product, sizeof(r->product));
	r->svn = m->svn;
}

int hc_kill_matching(bool (*match)(const struct proc *p, const void *ctx), const void *ctx,
		     int why, const char *text)
{
	int killed = 0;

	for (unsigned int i = 0; i < SV_MAX_PROCESSES; i++) {
		struct proc *p = &proc_table.slot[i];
		struct sv_audit_entry2 r;

		if (p->state == PROC_FREE || !p->arch || proc_id(p) == log_id || !match(p, ctx))
			continue;
		kill_record(&r, p);
		if (process_kill(p, text) == 0) {
			hc_audit_record(&r, -why);
			killed++;
		}
	}
	return killed;
}

/* Older instances of a product: a higher SVN of it has just loaded. */
struct older {
	const char *product;
	uint32_t svn;
};

static bool is_older(const struct proc *p, const void *ctx)
{
	const struct older *o = ctx;
	const struct elf_manifest *m = process_manifest(p);

	return m->present && m->svn < o->svn && !strcmp(m->product, o->product);
}

struct load_extra {
	uint64_t input, input_size, name;
};

static int64_t newprocess(struct hc_call *c, uint64_t bin, uint64_t size, uint64_t sig,
			  uint64_t sigsize, const struct load_extra *x)
{
	struct sv_audit_entry2 rec;
	struct sv_audit_entry *a = &rec.v1;
	struct elf_plan plan;
	uint8_t sigbuf[SV_MAX_SIG_SIZE];
	char given[PROC_NAME_MAX] = "";
	uint64_t input_pa = 0;
	int key = -1, rc;

	memset(&rec, 0, sizeof(rec));
	rec.kind = SV_AUDIT_LOAD;
	rec.proc_id = -1;
	a->time_us = us_since_boot();
	a->size = size;
	a->tsc_hz = proc_timer_tsc_hz();
	/* Before anything is copied: nothing is loaded without DMA protection when it is required. */
	if ((rc = iommu_gate("newprocess")))
		return hc_audit_record(&rec, rc);
	if ((rc = tpm_gate("newprocess")))
		return hc_audit_record(&rec, rc);
	if (size == 0 || sigsize == 0)
		return hc_audit_record(&rec, -SV_EINVAL);
	if (size > SV_MAX_BINARY_SIZE || sigsize > SV_MAX_SIG_SIZE)
		return hc_audit_record(&rec, -SV_E2BIG);
	if (x->input_size > PROC_INPUT_MAX)
		return hc_audit_record(&rec, -SV_E2BIG);
	/*
	 * A PKCS#1 v1.5 signature is exactly as long as its key's modulus:
	 * a length no trusted key has is refused before anything is copied
	 * or hashed (what sv_verify would say after the work).
	 */
	bool sig_len_ok = false;
	for (unsigned int k = 0; k < sv_trusted_key_count(); k++)
		sig_len_ok |= (sv_trusted_key_bits(k) + 7) / 8 == sigsize;
	if (!sig_len_ok)
		return hc_audit_record(&rec, -SV_ESIG_NOKEY);
	if (x->name) {
		rc = gm_read_string(c->phys, &c->paging, x->name, given, sizeof(given));
		if (rc < 0 || (rc = proc_name_check(given, sizeof(given))))
			return hc_audit_record(&rec, rc == -SV_E2BIG ? -SV_EINVAL : rc);
	}

	/*
	 * Steps 1-3 touch only this call's own buffers: other CPUs' hypercalls
	 * and processes' syscalls need not wait for a hash of megabytes.
	 */
	unsigned int held = rlock_drop_all(&vmm_lock);
	/* 1. Copy-in: the VMM's own copy is all that is looked at from now on. */
	uint64_t t0 = rdtsc();
	uint64_t npages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	/* Not zeroed: the copy overwrites it, and it is freed after loading. */
	/*
	 * Copies on several CPUs at once must leave the VMM its 4 MiB of
	 * working room (the same reserve processes leave it).
	 */
	uint64_t free = palloc_free_count();
	uint64_t copy_pa = free > npages + 1024 ? palloc_pages_raw(npages, 1) : 0;
	if (!copy_pa) {
		rlock_retake(&vmm_lock, held);
		return hc_audit_record(&rec, -SV_ENOMEM);
	}
	uint8_t *copy = phys_to_virt(copy_pa);
	if (x->input_size && !(input_pa = palloc_pages_raw(1, 1))) {
		pfree_pages(copy_pa, npages);
		rlock_retake(&vmm_lock, held);
		return hc_audit_record(&rec, -SV_ENOMEM);
	}
	if ((rc = gm_copy_from(c->phys, &c->paging, copy, bin, size)) ||
	    (rc = gm_copy_from(c->phys, &c->paging, sigbuf, sig, sigsize)) ||
	    (x->input_size && (rc = gm_copy_from(c->phys, &c->paging, phys_to_virt(input_pa),
						 x->input, x->input_size)))) {
		pfree_pages(copy_pa, npages);
		if (input_pa)
			pfree_pages(input_pa, 1);
		rlock_retake(&vmm_lock, held);
		return hc_audit_record(&rec, rc);
	}
	uint64_t t1 = rdtsc();
	/* 2. Hash (for the audit log and the process's identity), 3. signature. */
	sv_sha256(copy, size, a->sha256);
	uint64_t t2 = rdtsc();
	rc = sv_verify_digest(a->sha256, sigbuf, sigsize, &key);
	uint64_t t3 = rdtsc();
	rlock_retake(&vmm_lock, held);
	a->cycles[0] = t1 - t0;
	a->cycles[1] = t2 - t1;
	a->cycles[2] = t3 - t2;
	if (rc) {
		pfree_pages(copy_pa, npages);
		if (input_pa)
			pfree_pages(input_pa, 1);
		sv_printf("newprocess: refused %lu-byte binary: %s\n", (unsigned long)size, sv_strerror(rc));
		return hc_audit_record(&rec, rc);
	}
	if (key >= 0 && sv_trusted_key_id((unsigned int)key))
		memcpy(a->key_id, sv_trusted_key_id((unsigned int)key), 32);

	/*
	 * The policy (issue 15): its manifest says which product and SVN it
	 * is, and the list in force and the SVN table say whether that may
	 * load.  A binary the ELF rules refuse gets its code from them.
	 */
	if ((rc = elf_validate(copy, size, &plan))) {
		pfree_pages(copy_pa, npages);
		if (input_pa)
			pfree_pages(input_pa, 1);
		sv_printf("newprocess: signed binary refused by the loader: %s\n", sv_strerror(rc));
		return hc_audit_record(&rec, rc);
	}
	memcpy(rec.product, plan.manifest.product, sizeof(rec.product));
	rec.svn = plan.manifest.svn;
	if ((rc = policy_check_load(a->sha256, key, &plan.manifest, &rec.min_svn))) {
		pfree_pages(copy_pa, npages);
		if (input_pa)
			pfree_pages(input_pa, 1);
		return hc_audit_record(&rec, rc);
	}

	/*
	 * A name reaches one program: not a built-in's, not one already kept
	 * (first come; the holder's kill frees it).  Checked now, under
	 * vmm_lock, where the name is taken.
	 */
	if (given[0] && (builtin_exists(given) || process_named_exists(given))) {
		pfree_pages(copy_pa, npages);
		if (input_pa)
			pfree_pages(input_pa, 1);
		sv_printf("newprocess: the name '%s' is taken\n", given);
		return hc_audit_record(&rec, -SV_EEXIST);
	}

	/* 4. ELF rules and mapping, from the same copy. */
	char name[PROC_NAME_MAX];
	if (given[0])
		memcpy(name, given, sizeof(name));
	else if (plan.manifest.name[0])
		memcpy(name, plan.manifest.name, sizeof(name));
	else
		sv_snprintf(name, sizeof(name), "p-%02x%02x%02x%02x", a->sha256[0], a->sha256[1],
			    a->sha256[2], a->sha256[3]);
	int id = process_create(copy, size, name, a->sha256);
	uint64_t t4 = rdtsc();
	struct proc *p = id >= 0 ? proc_get(&proc_table, id) : NULL;
	if (p)
		process_set_key(p, key);
	rec.proc_id = id >= 0 ? id : -1;
	a->cycles[3] = t4 - t3;
	if (id < 0) {
		pfree_pages(copy_pa, npages);
		if (input_pa)
			pfree_pages(input_pa, 1);
		sv_printf("newprocess: signed binary refused by the loader: %s\n", sv_strerror(id));
		return hc_audit_record(&rec, id);
	}
	/*
	 * The load is committed (measured, its SVN recorded) under the same
	 * vmm_lock hold as the check and the creation, before any of its code
	 * runs: the log says "this was loaded", whatever _start then does.
	 * A log that cannot take the event refuses the load here.
	 */
	int commit = policy_commit_load(a->sha256, key, &plan.manifest);
	if (commit < 0) {
		pfree_pages(copy_pa, npages);
		if (input_pa)
			pfree_pages(input_pa, 1);
		process_kill(p, "its load could not be committed to the policy");
		return hc_audit_record(&rec, commit);
	}
	/*
	 * A named program keeps its verified copy, so that processes can
	 * start fresh instances of it by name once its load completes
	 * (process_load_done); others give it back now.  Kept before the kill
	 * scan below drops vmm_lock: the copy holds the name, checked above
	 * under this same hold.
	 */
	if (!given[0] || process_keep_image(p, copy_pa, npages, size))
		pfree_pages(copy_pa, npages);
	/*
	 * Older instances go now, on every load (the recorded SVN is this
	 * one): nothing that fails later can skip the kill.
	 */
	if (commit == 1) {
		struct older o = { plan.manifest.product, plan.manifest.svn };
		int n = hc_kill_matching(is_older, &o, SV_ESVN_ROLLBACK,
					 "a higher security version of its product loaded");
		if (n)
			sv_printf("newprocess: %s SVN %u: %d older instance(s) killed\n",
				  plan.manifest.product, plan.manifest.svn, n);
	}
	/* Its input is queued before _start can ask for it. */
	if (input_pa) {
		rc = process_input_push(p, phys_to_virt(input_pa), (uint32_t)x->input_size);
		pfree_pages(input_pa, 1);
		if (rc < 0) {
			process_kill(p, "its input could not be queued");
			return hc_audit_record(&rec, rc);
		}
	}

	/*
	 * 5. _start runs once before the descriptor is handed out.  Whether
	 * the process survived is read from the table, not from the result:
	 * a handler may return any int, error codes included.
	 */
	int64_t r = process_call(p, 0, MSG_INT, 0, NULL, 0);
	a->cycles[4] = rdtsc() - t4;
	if (!process_alive(p, id)) {
		int why = r == -SV_ETIMEOUT || r == -SV_EDEAD ? (int)r : -SV_EFAULTED;
		sv_printf("newprocess: %s died in its first run: %s\n", name, sv_strerror(why));
		return hc_audit_record(&rec, why);
	}
	desc_sweep(&proc_table, &guest_descs);
	int desc = desc_open(&guest_descs, p, 0);
	if (desc < 0) {
		process_kill(p, "the guest's descriptor table is full");
		return hc_audit_record(&rec, desc);
	}
	process_load_done(p);
	sv_printf("newprocess: %s (%lu bytes, key %d, product %s SVN %u) is descriptor %d\n", name,
		  (unsigned long)size, key, plan.manifest.product, plan.manifest.svn, desc);
	return hc_audit_record(&rec, desc);
}

static int64_t hc_newprocess(struct hc_call *c)
{
	static const struct load_extra none;

	return newprocess(c, c->arg[0], c->arg[1], c->arg[2], c->arg[3], &none);
}
HYPERCALL(newprocess, SV_HC_NEWPROCESS, hc_newprocess);

static int64_t hc_newprocess2(struct hc_call *c)
{
	struct sv_newprocess_args args;
	int rc = gm_copy_from(c->phys, &c->paging, &args, c->arg[0], sizeof(args));

	if (rc)
		return rc;
	if (args.reserved)
		return -SV_EINVAL;
	struct load_extra x = { args.input, args.input_size, args.name };
	return newprocess(c, args.bin, args.bin_size, args.sig, args.sig_size, &x);
}
HYPERCALL(newprocess2, SV_HC_NEWPROCESS2, hc_newprocess2);

/* procinput(desc, buf, len): queues lines for the process desc reaches. */
static int64_t hc_procinput(struct hc_call *c)
{
	char buf[PROC_INPUT_MAX];
	struct proc *p;
	uint32_t handler;
	int rc = desc_resolve(&proc_table, &guest_descs, arg_int(c->arg[0]), &p, &handler);

	if (rc)
		return rc;
	if (c->arg[2] > PROC_INPUT_MAX)
		return -SV_E2BIG;
	if ((rc = gm_copy_from(c->phys, &c->paging, buf, c->arg[1], c->arg[2])))
		return rc;
	return process_input_push(p, buf, (uint32_t)c->arg[2]);
}
HYPERCALL(procinput, SV_HC_PROCINPUT, hc_procinput);

/*
 * A message from the guest: MSG_INT when n is 0 and bufs_va is 0, else
 * MSG_BUF with n struct sv_msgbuf at bufs_va.  *by_handler: the result is
 * the handler's own (process_call_by).
 */
static int64_t send(struct hc_call *c, uint64_t desc, int32_t value, bool buffers, uint64_t bufs_va,
		    uint64_t n, bool *by_handler)
{
	struct sv_msgbuf mb[PROC_MSG_MAX_BUFS];
	struct kbuf kb[PROC_MSG_MAX_BUFS];
	uint64_t total = 0;
	struct proc *p;
	uint32_t handler;
	int rc = desc_resolve(&proc_table, &guest_descs, arg_int(desc), &p, &handler);

	*by_handler = false;
	if (rc)
		return rc;
	if (!buffers)
		return process_call_by(p, handler, MSG_INT, value, NULL, 0, by_handler);
	if (n > PROC_MSG_MAX_BUFS)
		return -SV_EINVAL;
	if (n && (rc = gm_copy_from(c->phys, &c->paging, mb, bufs_va, n * sizeof(mb[0]))))
		return rc;
	for (uint64_t i = 0; i < n; i++) {
		if (mb[i].rw != 0 && mb[i].rw != 1)
			return -SV_EINVAL;
		total += mb[i].len;
		if (total > PROC_MSG_MAX_BYTES)
			return -SV_E2BIG;
	}
	uint8_t **slot = &msg_bounce_area[cpu_index()];
	if (!*slot) {
		uint64_t pa = palloc_pages(PROC_MSG_MAX_BYTES / PAGE_SIZE, 1);
		if (!pa)
			return -SV_ENOMEM;
		*slot = phys_to_virt(pa);
	}
	uint8_t *b = *slot;
	for (uint64_t i = 0; i < n; i++) {
		kb[i] = (struct kbuf){ b, mb[i].len, mb[i].rw };
		if ((rc = gm_copy_from(c->phys, &c->paging, b, mb[i].base, mb[i].len)))
			return rc;
		b += mb[i].len;
	}
	int64_t r = process_call_by(p, handler, MSG_BUF, value, kb, (uint32_t)n, by_handler);
	/* As between processes: rw buffers come back whatever the handler returned. */
	for (uint64_t i = 0; i < n; i++) {
		if (kb[i].rw && (rc = gm_copy_to(c->phys, &c->paging, mb[i].base, kb[i].data, kb[i].len))) {
			*by_handler = false;
			return rc;
		}
	}
	return r;
}

static int64_t hc_msgsendint(struct hc_call *c)
{
	bool by;

	return send(c, c->arg[0], (int32_t)c->arg[1], false, 0, 0, &by);
}
HYPERCALL(msgsendint, SV_HC_MSGSENDINT, hc_msgsendint);

static int64_t hc_msgsendbuf(struct hc_call *c)
{
	bool by;

	return send(c, c->arg[0], (int32_t)c->arg[1], true, c->arg[2], c->arg[3], &by);
}
HYPERCALL(msgsendbuf, SV_HC_MSGSENDBUF, hc_msgsendbuf);

/*
 * msgcall(struct sv_msgcall *): a message whose outcome says apart what
 * msgsendint/msgsendbuf cannot: status 0 and the handler's result, or
 * status -SV_E* from the VMM (result 0).  Returns the status.
 */
static int64_t hc_msgcall(struct hc_call *c)
{
	struct sv_msgcall m;
	bool by;
	int rc = gm_copy_from(c->phys, &c->paging, &m, c->arg[0], sizeof(m));

	if (rc)
		return rc;
	if (m.flags & ~(uint32_t)SV_MSGCALL_BUFS || m.status || m.result || m.reserved)
		return -SV_EINVAL;
	/* The outcome must be able to come back: never run a handler whose result would be lost. */
	if ((rc = gm_copy_to(c->phys, &c->paging, c->arg[0], &m, sizeof(m))))
		return rc;
	int64_t r = send(c, m.desc, m.value, m.flags & SV_MSGCALL_BUFS, m.bufs, m.count, &by);
	m.status = by ? 0 : (int32_t)r;
	m.result = by ? (int32_t)r : 0;
	if ((rc = gm_copy_to(c->phys, &c->paging, c->arg[0], &m, sizeof(m))))
		return rc;
	return m.status;
}
HYPERCALL(msgcall, SV_HC_MSGCALL, hc_msgcall);

static int64_t hc_msgclose(struct hc_call *c)
{
	return desc_close(&guest_descs, arg_int(c->arg[0]));
}
HYPERCALL(msgclose, SV_HC_MSGCLOSE, hc_msgclose);

/* kill(desc, 0) or kill(process id, 1): ids come from ps, for processes no descriptor reaches. */
static int64_t hc_kill(struct hc_call *c)
{
	struct proc *p;
	uint32_t handler;

	if (c->arg[1] == 1) {
		p = proc_get(&proc_table, arg_int(c->arg[0]));
		if (!p)
			return -SV_EBADDESC;
	} else if (c->arg[1] == 0) {
		int rc = desc_resolve(&proc_table, &guest_descs, arg_int(c->arg[0]), &p, &handler);
		if (rc)
			return rc;
	} else {
		return -SV_EINVAL;
	}
	/* The VMM depends on its log service: the guest may not take it away. */
	if (log_id >= 0 && proc_id(p) == log_id)
		return -SV_EPERM;
	/* The descriptor is spent with its process. */
	if (c->arg[1] == 0)
		desc_close(&guest_descs, arg_int(c->arg[0]));
	return process_kill(p, "killed by the guest");
}
HYPERCALL(kill, SV_HC_KILL, hc_kill);

/*
 * ps and ps2: one record per process, the first `stride` bytes of an
 * sv_ps_entry2 each (ps: the sv_ps_entry part, as before issue 15).
 */
static int64_t ps_list(struct hc_call *c, uint64_t stride)
{
	uint64_t max = c->arg[1], n = 0;

	for (unsigned int i = 0; i < SV_MAX_PROCESSES; i++) {
		struct proc *p = &proc_table.slot[i];
		if (p->state == PROC_FREE)
			continue;
		if (n == max)
			return -SV_ERANGE;
		struct sv_ps_entry2 e;
		memset(&e, 0, sizeof(e));
		e.v1.desc = desc_find(&guest_descs, p, 0);
		e.v1.id = proc_id(p);
		memcpy(e.v1.name, p->name, sizeof(e.v1.name));
		e.v1.name[sizeof(e.v1.name) - 1] = '\0';
		e.v1.elf_class = p->elf_class;
		e.v1.state = p->state == PROC_ALIVE ? 2 : 1;
		e.key = -1;
		if (p->arch) {
			const struct elf_manifest *m = process_manifest(p);
			e.v1.pages = process_pages(p);
			e.v1.cycles = process_cycles(p);
			memcpy(e.v1.sha256, process_sha256(p), 32);
			e.key = process_key(p);
			if (e.key >= 0) {
				memcpy(e.product, m->product, sizeof(e.product));
				e.svn = m->svn;
				if (sv_trusted_key_id((unsigned int)e.key))
					memcpy(e.key_id, sv_trusted_key_id((unsigned int)e.key), 32);
			}
		}
		int rc = gm_copy_to(c->phys, &c->paging, c->arg[0] + n * stride, &e, stride);
		if (rc)
			return rc;
		n++;
	}
	return (int64_t)n;
}

static int64_t hc_ps(struct hc_call *c)
{
	return ps_list(c, sizeof(struct sv_ps_entry));
}
HYPERCALL(ps, SV_HC_PS, hc_ps);

static int64_t hc_ps2(struct hc_call *c)
{
	return ps_list(c, sizeof(struct sv_ps_entry2));
}
HYPERCALL(ps2, SV_HC_PS2, hc_ps2);

static int64_t hc_log(struct hc_call *c)
{
	char buf[512];
	uint64_t size = c->arg[1], from = c->arg[2], done = 0;
	uint64_t oldest = log_total() > LOG_RING_SIZE ? log_total() - LOG_RING_SIZE : 0;

	/* Offsets the ring has already overwritten start at its oldest byte. */
	if (from < oldest)
		from = oldest;

	while (done < size) {
		size_t n = log_read(from + done, buf, MIN(sizeof(buf), size - done));
		if (n == 0)
			break;
		int rc = gm_copy_to(c->phys, &c->paging, c->arg[0] + done, buf, n);
		if (rc)
			return rc;
		done += n;
	}
	return (int64_t)done;
}
HYPERCALL(log, SV_HC_LOG, hc_log);

/*
 * audit(buf, max, first) and audit2: entries with seq >= first that are
 * still kept, the first `stride` bytes of each sv_audit_entry2 (audit: the
 * sv_audit_entry part, as before issue 15).
 */
static int64_t audit_list(struct hc_call *c, uint64_t stride)
{
	uint64_t max = c->arg[1], first = c->arg[2], n = 0;
	uint64_t oldest = audit_seq > AUDIT_RING ? audit_seq - AUDIT_RING + 1 : 1;

	for (uint64_t s = MAX(first, oldest); s <= audit_seq && n < max; s++, n++) {
		int rc = gm_copy_to(c->phys, &c->paging, c->arg[0] + n * stride,
				    &audit[(s - 1) % AUDIT_RING], stride);
		if (rc)
			return rc;
	}
	return (int64_t)n;
}

static int64_t hc_audit(struct hc_call *c)
{
	return audit_list(c, sizeof(struct sv_audit_entry));
}
HYPERCALL(audit, SV_HC_AUDIT, hc_audit);

static int64_t hc_audit2(struct hc_call *c)
{
	return audit_list(c, sizeof(struct sv_audit_entry2));
}
HYPERCALL(audit2, SV_HC_AUDIT2, hc_audit2);

/* builtin(name, value, flags): starts a built-in; returns a descriptor or how _start ended. */
static int64_t hc_builtin(struct hc_call *c)
{
	char name[PROC_NAME_MAX];
	int64_t result = 0;
	int rc = gm_read_string(c->phys, &c->paging, c->arg[0], name, sizeof(name));

	if (rc < 0)
		return rc == -SV_E2BIG ? -SV_ENOENT : rc;
	if (c->arg[2] & ~(uint64_t)SV_BUILTIN_KILL_AFTER)
		return -SV_EINVAL;
	int id = builtin_start(name, (int32_t)c->arg[1], &result);
	if (id < 0)
		return id;
	struct proc *p = proc_get(&proc_table, id);
	if (!p || !process_alive(p, id))
		return result < 0 ? result : -SV_EDEAD;
	if (result < 0) {
		/* _start refused to start: the process is not left behind. */
		process_kill(p, "its _start returned an error");
		return result;
	}
	if (c->arg[2] & SV_BUILTIN_KILL_AFTER) {
		process_kill(p, "started with kill-after by the guest");
		return result;
	}
	desc_sweep(&proc_table, &guest_descs);
	int desc = desc_open(&guest_descs, p, 0);
	if (desc < 0)
		process_kill(p, "the guest's descriptor table is full");
	return desc;
}
HYPERCALL(builtin, SV_HC_BUILTIN, hc_builtin);
