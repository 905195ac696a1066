/*
 * The process table: slots, generations, descriptors, named services and
 * memory accounting.
 *
 * Pure data structures, no hardware and no allocation: the caller owns a
 * struct proc_table (the VMM keeps one in .bss, tests keep their own) and
 * serializes calls on it (the VMM with vmm_lock, sv/lock.h).
 * Per-process hardware state (address space root, saved registers, the
 * mapping plan) lives in the VMM behind proc->arch, which this code never
 * touches.
 *
 * Names used below:
 *   process id  slot | generation << PROC_SLOT_BITS.  Freeing a slot bumps
 *               its generation, so every id of the old process goes stale
 *               and never reaches the next process in that slot.
 *   handler     an entry point of a process: 0 is _start (the ELF entry),
 *               1.. are added by msgregister under a service name.
 *   descriptor  a small int in one owner's table (a process's, or the
 *               guest's, which the VMM keeps): index | entry generation <<
 *               PROC_DESC_BITS.  The entry names (process id, handler), so a
 *               descriptor goes stale when its target dies, and a closed
 *               descriptor stays stale when its entry is reused.
 * Every lookup checks both generations and fails with -SV_EBADDESC.
 */
#ifndef SV_PROC_PTABLE_H
#define SV_PROC_PTABLE_H

#include <sv/types.h>
#include <sealvisor/proc_abi.h>
#include <sv_config.h>

#define PROC_SLOT_BITS 10 /* max_processes is at most 1024 */
#define PROC_DESC_BITS 5  /* PROC_MAX_DESCS = 32 */
/* Generations wrap below these, keeping ids and descriptors positive. */
#define PROC_GEN_LIMIT (1u << (31 - PROC_SLOT_BITS))
#define DESC_GEN_LIMIT (1u << (31 - PROC_DESC_BITS))

_Static_assert(SV_MAX_PROCESSES >= 1 && SV_MAX_PROCESSES <= (1 << PROC_SLOT_BITS),
	       "max_processes must fit in PROC_SLOT_BITS");
_Static_assert(PROC_MAX_DESCS == (1u << PROC_DESC_BITS), "PROC_DESC_BITS");

enum proc_state {
	PROC_FREE,    /* unused slot */
	PROC_LOADING, /* allocated, being mapped; not reachable by messages */
	PROC_ALIVE,   /* reachable through descriptors */
};

struct proc_handler {
	uint64_t entry; /* user address; 0: unused slot */
	char name[PROC_NAME_MAX]; /* service name; empty for handler 0 */
};

struct proc_desc {
	uint32_t gen;        /* this entry's generation */
	uint32_t target;     /* process id it reaches */
	uint8_t handler;     /* handler index in the target */
	uint8_t used;
};

struct proc_desctab {
	struct proc_desc d[PROC_MAX_DESCS];
};

struct proc {
	enum proc_state state;
	uint32_t gen;        /* current generation of this slot */
	uint32_t slot;       /* index in the table, fixed */
	uint32_t elf_class;  /* 32 or 64 */
	char name[PROC_NAME_MAX]; /* for log lines: built-in name or "procN" */
	uint64_t quota_pages; /* most pages this process may be charged */
	uint64_t used_pages;  /* pages charged now */
	struct proc_handler handler[PROC_MAX_HANDLERS];
	struct proc_desctab descs; /* descriptors this process opened */
	void *arch;          /* VMM-owned hardware state; opaque here */
};

struct proc_table {
	struct proc slot[SV_MAX_PROCESSES];
	uint64_t pool_pages; /* pages all processes together may use */
	uint64_t pool_used;
	uint64_t default_quota_pages;
	uint32_t nalive;     /* slots not FREE */
};

/*
 * Empties the table.  pool_pages: the VMM's page budget for processes;
 * quota_pages: each process's quota (SV_PROC_QUOTA_KIB * 1024 / PAGE_SIZE
 * unless the VMM decides otherwise).
 */
void ptable_init(struct proc_table *t, uint64_t pool_pages, uint64_t quota_pages);

/*
 * Takes a free slot for a new process in state PROC_LOADING.  name: its
 * log name (copied, truncated to PROC_NAME_MAX - 1; NULL or empty gives
 * "procN").  elf_class: 32 or 64.  Returns the process id and sets *out, or
 * -SV_ETABLE_FULL, -SV_EINVAL.
 */
int proc_alloc(struct proc_table *t, const char *name, uint32_t elf_class, struct proc **out);

/*
 * Makes a loaded process reachable: handler 0 becomes entry (the ELF
 * entry, already checked by elf_validate).  0, or -SV_EINVAL when p is not
 * PROC_LOADING or entry is 0.
 */
int proc_activate(struct proc *p, uint64_t entry);

/*
 * Frees the slot: bumps its generation (every id and descriptor reaching
 * it goes stale), drops its services and descriptors and returns its
 * charged pages to the pool.  Returns how many pages it had charged: the
 * VMM must have freed (or now frees) exactly those.  The VMM releases
 * p->arch first; after this p->arch is NULL.
 */
uint64_t proc_free(struct proc_table *t, struct proc *p);

/* The process with this id if it is alive (or loading); else NULL. */
struct proc *proc_get(struct proc_table *t, int id);
int proc_id(const struct proc *p);

/*
 * Memory accounting.  proc_mem_charge: 0, or -SV_EQUOTA when p would pass
 * its quota, -SV_ENOMEM when the pool would run dry; on failure nothing is
 * charged.  Charge before allocating, uncharge after freeing.
 */
int proc_mem_charge(struct proc_table *t, struct proc *p, uint64_t pages);
void proc_mem_uncharge(struct proc_table *t, struct proc *p, uint64_t pages);

/*
 * Descriptor tables (desc.c).  An owner is a process (p->descs) or the
 * guest (a table the VMM keeps).
 */
void desctab_init(struct proc_desctab *dt);
/* A new descriptor reaching handler of target: >= 0, or -SV_ENOMEM (table
 * full), -SV_EBADDESC (target not alive), -SV_EINVAL (no such handler). */
int desc_open(struct proc_desctab *dt, const struct proc *target, uint32_t handler);
/* 0, or -SV_EBADDESC when desc is not open in this table. */
int desc_close(struct proc_desctab *dt, int desc);
/*
 * What desc reaches: sets *target and *handler and returns 0, or
 * -SV_EBADDESC when desc is malformed, closed, or its process has died
 * (even if the slot now holds another process).
 */
int desc_resolve(struct proc_table *t, const struct proc_desctab *dt, int desc,
		 struct proc **target, uint32_t *handler);
/*
 * Closes every descriptor whose process has died, so that an owner that
 * never closes (a guest program that loads and exits) cannot fill its
 * table with dead entries.  Returns how many it closed.
 */
unsigned int desc_sweep(struct proc_table *t, struct proc_desctab *dt);
/* An open descriptor of dt reaching handler of target, or -1. */
int desc_find(const struct proc_desctab *dt, const struct proc *target, uint32_t handler);

/*
 * Named services (service.c): handlers 1.. of a process, found by name
 * across the table.  Names: 1 to PROC_NAME_MAX - 1 characters from
 * [A-Za-z0-9._-].
 */
/* 0 when name[0 .. max) holds a NUL-terminated valid name; else -SV_EINVAL. */
int proc_name_check(const char *name, size_t max);
/* The new handler index (> 0), or -SV_EINVAL (bad name, entry 0, p not
 * alive), -SV_EEXIST (name taken), -SV_ENOMEM (p's handler table full). */
int service_register(struct proc_table *t, struct proc *p, const char *name, uint64_t entry);
/* 0 with *target and *handler set, or -SV_ENOENT, -SV_EINVAL (bad name). */
int service_lookup(struct proc_table *t, const char *name, struct proc **target,
		   uint32_t *handler);

#endif
