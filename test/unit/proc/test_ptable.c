/*
 * Unit tests of the process table (vmm/proc/ptable.c, desc.c, service.c):
 * slot generations, descriptors that go stale, named services, memory
 * quota and pool arithmetic.
 */
#include <stdlib.h>
#include <string.h>

#include <proc/ptable.h>

#include "check.h"

/* The table is large; keep it off the stack. */
static struct proc_table table;

/* A live process with its entry set, or the test stops. */
static struct proc *spawn(const char *name, int cls)
{
	struct proc *p;
	int id = proc_alloc(&table, name, (uint32_t)cls, &p);

	if (id < 0) {
		fprintf(stderr, "proc_alloc: %d\n", id);
		exit(1);
	}
	CHECK_EQ(proc_activate(p, 0x400000), 0);
	return p;
}

static void test_slots_and_generations(void)
{
	struct proc *p, *q;
	int ids[SV_MAX_PROCESSES];
	int id, old;

	ptable_init(&table, 1u << 20, 1024);
	for (int i = 0; i < SV_MAX_PROCESSES; i++) {
		ids[i] = proc_alloc(&table, NULL, 64, &p);
		CHECK(ids[i] >= 0);
		CHECK(proc_get(&table, ids[i]) == p);
		CHECK_EQ(p->state, PROC_LOADING);
	}
	CHECK_EQ(table.nalive, SV_MAX_PROCESSES);
	/* Full: a clear error, nothing changed. */
	CHECK_EQ(proc_alloc(&table, "x", 64, &q), -SV_ETABLE_FULL);
	CHECK(q == NULL);

	/* Free one; its slot comes back under a new id. */
	old = ids[SV_MAX_PROCESSES / 2];
	p = proc_get(&table, old);
	CHECK_EQ(proc_free(&table, p), 0);
	CHECK(proc_get(&table, old) == NULL);
	id = proc_alloc(&table, "again", 32, &q);
	CHECK(id >= 0);
	CHECK(q == p);
	CHECK(id != old);
	CHECK(proc_get(&table, old) == NULL);
	CHECK(proc_get(&table, id) == q);
	CHECK_EQ(strcmp(q->name, "again"), 0);
	CHECK_EQ(q->elf_class, 32);

	/* Freeing twice is harmless. */
	CHECK_EQ(proc_free(&table, q), 0);
	CHECK_EQ(proc_free(&table, q), 0);
	CHECK_EQ(table.nalive, SV_MAX_PROCESSES - 1);

	/* Ids that never existed. */
	CHECK(proc_get(&table, -1) == NULL);
	CHECK(proc_get(&table, -SV_EBADDESC) == NULL);
	CHECK(proc_get(&table, SV_MAX_PROCESSES < 1024 ? SV_MAX_PROCESSES : 0x7fffffff) == NULL);
	CHECK(proc_get(&table, 0x7fffffff) == NULL);

	/* Bad class. */
	CHECK_EQ(proc_alloc(&table, "x", 16, &q), -SV_EINVAL);

	/* Generations wrap without going negative, and every id ever given
	 * out for a slot differs from the current one until the wrap. */
	p->gen = PROC_GEN_LIMIT - 1;
	id = proc_alloc(&table, NULL, 64, &q);
	CHECK(q == p);
	CHECK(id >= 0);
	proc_free(&table, q);
	CHECK_EQ(p->gen, 0);
	id = proc_alloc(&table, NULL, 64, &q);
	CHECK(id >= 0);
	CHECK_EQ(id, (int)p->slot);
	proc_free(&table, q);
}

static void test_names(void)
{
	struct proc *p;
	char longname[100];

	ptable_init(&table, 1u << 20, 1024);
	proc_alloc(&table, NULL, 64, &p);
	CHECK_EQ(strcmp(p->name, "proc0"), 0);
	proc_alloc(&table, "", 64, &p);
	CHECK_EQ(strcmp(p->name, "proc1"), 0);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	proc_alloc(&table, longname, 64, &p);
	CHECK_EQ(strlen(p->name), PROC_NAME_MAX - 1);
	if (SV_MAX_PROCESSES > 10) {
		for (int i = 3; i <= 10; i++)
			proc_alloc(&table, NULL, 64, &p);
		CHECK_EQ(strcmp(p->name, "proc10"), 0);
	}
}

static void test_activate(void)
{
	struct proc *p;

	ptable_init(&table, 1u << 20, 1024);
	proc_alloc(&table, "a", 64, &p);
	CHECK_EQ(proc_activate(p, 0), -SV_EINVAL);
	CHECK_EQ(proc_activate(p, 0x400000), 0);
	CHECK_EQ(p->state, PROC_ALIVE);
	CHECK_EQ(proc_activate(p, 0x400000), -SV_EINVAL);
	CHECK_EQ(p->handler[0].entry, 0x400000);
}

static void test_descriptors(void)
{
	struct proc_desctab guest;
	struct proc *a, *b, *t, *loading;
	uint32_t h;
	int d, d2, d3, b_id;

	ptable_init(&table, 1u << 20, 1024);
	desctab_init(&guest);
	a = spawn("a", 64);
	b = spawn("b", 32);
	b_id = proc_id(b);

	/* The guest opens b's handler 0 (what newprocess returns). */
	d = desc_open(&guest, b, 0);
	CHECK_EQ(d, 0); /* the first descriptor of a fresh table is 0 */
	CHECK_EQ(desc_resolve(&table, &guest, d, &t, &h), 0);
	CHECK(t == b);
	CHECK_EQ(h, 0);

	/* No such handler; not alive. */
	CHECK_EQ(desc_open(&guest, b, 1), -SV_EINVAL);
	CHECK_EQ(desc_open(&guest, b, PROC_MAX_HANDLERS), -SV_EINVAL);
	proc_alloc(&table, "loading", 64, &loading);
	CHECK_EQ(desc_open(&guest, loading, 0), -SV_EBADDESC);

	/* a opens b too: descriptors are per owner. */
	d2 = desc_open(&a->descs, b, 0);
	CHECK_EQ(d2, 0);
	CHECK_EQ(desc_resolve(&table, &a->descs, d2, &t, &h), 0);

	/* b dies; its slot is reused by c.  Every old descriptor is stale
	 * and never reaches c. */
	proc_free(&table, b);
	CHECK_EQ(desc_resolve(&table, &guest, d, &t, &h), -SV_EBADDESC);
	CHECK(t == NULL);
	{
		struct proc *c = spawn("c", 64);

		CHECK(c == b); /* the same slot */
		CHECK(proc_id(c) != b_id);
		CHECK_EQ(desc_resolve(&table, &guest, d, &t, &h), -SV_EBADDESC);
		CHECK_EQ(desc_resolve(&table, &a->descs, d2, &t, &h), -SV_EBADDESC);

		/* A sweep closes exactly the entries of dead processes; a live
		 * target is found by desc_find. */
		{
			struct proc_desctab tmp = guest;
			int dc = desc_open(&tmp, c, 0);

			CHECK(dc >= 0);
			CHECK_EQ(desc_find(&tmp, c, 0), dc);
			CHECK_EQ(desc_sweep(&table, &tmp), 1);
			CHECK_EQ(desc_resolve(&table, &tmp, d, &t, &h), -SV_EBADDESC);
			CHECK_EQ(desc_close(&tmp, d), -SV_EBADDESC); /* already closed */
			CHECK_EQ(desc_resolve(&table, &tmp, dc, &t, &h), 0);
			CHECK_EQ(desc_sweep(&table, &tmp), 0);
			CHECK_EQ(desc_find(&tmp, c, 1), -1);
		}

		/* A stale entry still occupies its index until closed, and
		 * closing moves the entry's generation on: the old number
		 * never reaches the entry's next target. */
		CHECK_EQ(desc_close(&guest, d), 0);
		CHECK_EQ(desc_close(&guest, d), -SV_EBADDESC);
		d3 = desc_open(&guest, c, 0);
		CHECK(d3 >= 0);
		CHECK(d3 != d);
		CHECK_EQ(d3 & (PROC_MAX_DESCS - 1), d & (PROC_MAX_DESCS - 1));
		CHECK_EQ(desc_resolve(&table, &guest, d, &t, &h), -SV_EBADDESC);
		CHECK_EQ(desc_resolve(&table, &guest, d3, &t, &h), 0);
		CHECK(t == c);
	}

	/* Malformed descriptors. */
	CHECK_EQ(desc_resolve(&table, &guest, -1, &t, &h), -SV_EBADDESC);
	CHECK_EQ(desc_resolve(&table, &guest, 0x7fffffff, &t, &h), -SV_EBADDESC);
	CHECK_EQ(desc_resolve(&table, &guest, 5, &t, &h), -SV_EBADDESC);
	CHECK_EQ(desc_close(&guest, -7), -SV_EBADDESC);
	CHECK_EQ(desc_close(&guest, 1 << 30), -SV_EBADDESC);

	/* A full table is an error, not a crash; closing makes room. */
	{
		struct proc_desctab full;
		int last = -1;

		desctab_init(&full);
		for (unsigned int i = 0; i < PROC_MAX_DESCS; i++) {
			last = desc_open(&full, a, 0);
			CHECK(last >= 0);
		}
		CHECK_EQ(desc_open(&full, a, 0), -SV_ENOMEM);
		CHECK_EQ(desc_close(&full, last), 0);
		CHECK(desc_open(&full, a, 0) >= 0);
	}

	/* Entry generations wrap without going negative. */
	{
		struct proc_desctab w;
		int x;

		desctab_init(&w);
		w.d[0].gen = DESC_GEN_LIMIT - 1;
		x = desc_open(&w, a, 0);
		CHECK(x >= 0);
		CHECK_EQ(desc_close(&w, x), 0);
		CHECK_EQ(w.d[0].gen, 0);
	}

	/* A dying owner's table is emptied. */
	proc_free(&table, a);
	for (unsigned int i = 0; i < PROC_MAX_DESCS; i++)
		CHECK_EQ(a->descs.d[i].used, 0);
}

static void test_services(void)
{
	struct proc *a, *b, *t;
	uint32_t h;
	char name[PROC_NAME_MAX + 8];
	int r;

	ptable_init(&table, 1u << 20, 1024);
	a = spawn("a", 64);
	b = spawn("b", 64);

	r = service_register(&table, a, "log", 0x400100);
	CHECK_EQ(r, 1);
	CHECK_EQ(service_lookup(&table, "log", &t, &h), 0);
	CHECK(t == a);
	CHECK_EQ(h, 1);
	CHECK_EQ(t->handler[h].entry, 0x400100);
	CHECK_EQ(service_register(&table, b, "log", 0x400200), -SV_EEXIST);
	CHECK_EQ(service_register(&table, a, "log", 0x400200), -SV_EEXIST);
	CHECK_EQ(service_lookup(&table, "nope", &t, &h), -SV_ENOENT);
	CHECK(t == NULL);

	/* Descriptors reach services like handler 0. */
	{
		int d = desc_open(&b->descs, a, 1);

		CHECK(d >= 0);
		CHECK_EQ(desc_resolve(&table, &b->descs, d, &t, &h), 0);
		CHECK_EQ(h, 1);
	}

	/* Names: charset and length, always NUL-terminated within bounds. */
	CHECK_EQ(service_register(&table, b, "", 0x400000), -SV_EINVAL);
	CHECK_EQ(service_register(&table, b, "has space", 0x400000), -SV_EINVAL);
	CHECK_EQ(service_register(&table, b, "tab\t", 0x400000), -SV_EINVAL);
	CHECK_EQ(service_register(&table, b, "\xc3\xa9t\xc3\xa9", 0x400000), -SV_EINVAL);
	CHECK_EQ(service_register(&table, b, "ok", 0), -SV_EINVAL);
	memset(name, 'n', sizeof(name));
	name[PROC_NAME_MAX - 1] = '\0';
	CHECK_EQ(proc_name_check(name, sizeof(name)), 0); /* 31 chars */
	name[PROC_NAME_MAX - 1] = 'n';
	name[PROC_NAME_MAX] = '\0';
	CHECK_EQ(proc_name_check(name, sizeof(name)), -SV_EINVAL); /* 32 chars */
	CHECK_EQ(service_register(&table, b, name, 0x400000), -SV_EINVAL);
	CHECK_EQ(service_lookup(&table, name, &t, &h), -SV_EINVAL);
	/* No NUL inside the bytes the VMM copied in. */
	CHECK_EQ(proc_name_check("abcdef", 3), -SV_EINVAL);
	CHECK_EQ(proc_name_check("ab", 3), 0);
	CHECK_EQ(proc_name_check(NULL, 3), -SV_EINVAL);
	CHECK_EQ(proc_name_check("ab", 0), -SV_EINVAL);
	CHECK_EQ(proc_name_check("A-z_0.9", PROC_NAME_MAX), 0);

	/* A process's handler table fills up. */
	for (unsigned int i = 1; i < PROC_MAX_HANDLERS; i++) {
		char n[8] = "svc0";

		n[3] = (char)('0' + i);
		CHECK_EQ(service_register(&table, b, n, 0x400000 + i), (int)i);
	}
	CHECK_EQ(service_register(&table, b, "onemore", 0x400000), -SV_ENOMEM);

	/* Not alive: cannot register. */
	{
		struct proc *l;

		proc_alloc(&table, "loading", 64, &l);
		CHECK_EQ(service_register(&table, l, "early", 0x400000), -SV_EINVAL);
	}

	/* Services die with their process; the name is free again. */
	proc_free(&table, a);
	CHECK_EQ(service_lookup(&table, "log", &t, &h), -SV_ENOENT);
	a = spawn("a2", 64);
	CHECK_EQ(service_register(&table, a, "log", 0x400300), 1);
}

static void test_quota(void)
{
	struct proc *a, *b;

	/* Pool of 100 pages, quota of 60 per process. */
	ptable_init(&table, 100, 60);
	a = spawn("a", 64);
	b = spawn("b", 64);
	CHECK_EQ(a->quota_pages, 60);

	CHECK_EQ(proc_mem_charge(&table, a, 60), 0);
	CHECK_EQ(proc_mem_charge(&table, a, 1), -SV_EQUOTA);
	CHECK_EQ(a->used_pages, 60);
	CHECK_EQ(table.pool_used, 60);
	/* b fits its quota but the pool has only 40 left. */
	CHECK_EQ(proc_mem_charge(&table, b, 41), -SV_ENOMEM);
	CHECK_EQ(b->used_pages, 0);
	CHECK_EQ(table.pool_used, 60);
	CHECK_EQ(proc_mem_charge(&table, b, 40), 0);
	CHECK_EQ(proc_mem_charge(&table, b, 1), -SV_ENOMEM);
	CHECK_EQ(table.pool_used, 100);

	/* Huge requests never wrap into success. */
	CHECK_EQ(proc_mem_charge(&table, b, UINT64_MAX), -SV_EQUOTA);
	CHECK_EQ(proc_mem_charge(&table, b, UINT64_MAX - 39), -SV_EQUOTA);
	CHECK_EQ(proc_mem_charge(&table, a, 0), 0);

	/* Uncharge gives pages back; over-uncharging clamps. */
	proc_mem_uncharge(&table, b, 10);
	CHECK_EQ(b->used_pages, 30);
	CHECK_EQ(table.pool_used, 90);
	proc_mem_uncharge(&table, b, 1000);
	CHECK_EQ(b->used_pages, 0);
	CHECK_EQ(table.pool_used, 60);

	/* Freeing returns everything the process had. */
	CHECK_EQ(proc_free(&table, a), 60);
	CHECK_EQ(table.pool_used, 0);

	/* A lowered quota below current use refuses, never wraps. */
	CHECK_EQ(proc_mem_charge(&table, b, 20), 0);
	b->quota_pages = 10;
	CHECK_EQ(proc_mem_charge(&table, b, 1), -SV_EQUOTA);
	b->quota_pages = 60;

	/* The default configuration's numbers. */
	ptable_init(&table, (uint64_t)SV_PROC_QUOTA_KIB * 1024 / 4096 * 2,
		    (uint64_t)SV_PROC_QUOTA_KIB * 1024 / 4096);
	a = spawn("a", 64);
	CHECK_EQ(proc_mem_charge(&table, a, SV_PROC_QUOTA_KIB / 4), 0);
	CHECK_EQ(proc_mem_charge(&table, a, 1), -SV_EQUOTA);

	/* Many create/free cycles leave the pool where it started. */
	ptable_init(&table, 1000, 100);
	for (int i = 0; i < 1000; i++) {
		struct proc *p = spawn(NULL, 64);

		CHECK_EQ(proc_mem_charge(&table, p, 7 + i % 50), 0);
		CHECK_EQ(proc_free(&table, p), 7 + i % 50);
	}
	CHECK_EQ(table.pool_used, 0);
	CHECK_EQ(table.nalive, 0);
}

int main(void)
{
	test_slots_and_generations();
	test_names();
	test_activate();
	test_descriptors();
	test_services();
	test_quota();
	return check_report("test_ptable");
}
