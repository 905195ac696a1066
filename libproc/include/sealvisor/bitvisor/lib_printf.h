/*
 * BitVisor compatibility: <lib_printf.h>, as BitVisor's processes include
 * it.  The same printf as <sealvisor/proc.h>'s: output goes to the
 * hypervisor console and log ring, each line tagged with the process's
 * name.  No floating point.  (Part of libproc's BitVisor layer; the
 * documented API is <sealvisor/proc.h>, see docs/processes.md.)
 */
#ifndef SEALVISOR_BV_LIB_PRINTF_H
#define SEALVISOR_BV_LIB_PRINTF_H

int printf(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));

#endif
