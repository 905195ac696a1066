/*
 * Inside libproc's BitVisor layer (bitvisor.c, bv_start.c): BitVisor's
 * struct msgbuf as <lib_syscalls.h> defines it, and the translation of a
 * received message into BitVisor's terms.
 */
#ifndef LIBPROC_BITVISOR_H
#define LIBPROC_BITVISOR_H

#include <sealvisor/errors.h>
#include <sealvisor/proc.h>

struct bv_msgbuf {
	void *base;
	unsigned int len;
	int rw;
	long premap_handle;
};

_Static_assert(sizeof(struct bv_msgbuf) ==
		       (sizeof(void *) == 8 ? PROC_MSGBUF64_BV_SIZE : PROC_MSGBUF32_BV_SIZE),
	       "struct bv_msgbuf must match proc_abi.h");

typedef int (*bv_handler_t)(int m, int c, struct bv_msgbuf *buf, int bufcnt);

/* Calls f with a message the VMM delivered, in BitVisor's codes and layout. */
int bv_deliver(bv_handler_t f, int msgcode, int value, struct msgbuf *buf, int bufcnt);

/*
 * The functions behind BitVisor's names.  <lib_syscalls.h> and
 * <lib_putchar.h> declare them for processes under those names (msgregister
 * is bv_msgregister through an asm label); libproc cannot include them
 * beside <sealvisor/proc.h>, whose struct msgbuf and MSG_* differ, so they
 * are declared once here, for bitvisor.c, in the same types.
 */
int bv_msgregister(char *name, void *func);
int bv_msgunregister(int desc);
void *bv_msgsetfunc(int desc, void *func);
int bv_msgsenddesc(int desc, int data);
int bv_msgsendbuf(int desc, int data, struct bv_msgbuf *buf, int bufcnt);
void bv_nop(void);
int bv_setlimit(int stacksize, int maxstacksize);
void bv_putchar(unsigned char c);

/* msgsendbuf with an explicit array layout (PROC_MSGBUF_*), in syscall.c. */
int proc_msgsendbuf_layout(int desc, int value, void *buf, int bufcnt, int layout);

#endif
