/*
 * BitVisor compatibility: <lib_ctype.h>.  Character classes of ASCII (the
 * "C" locale), as in C: non-zero for yes.
 */
#ifndef SEALVISOR_BV_LIB_CTYPE_H
#define SEALVISOR_BV_LIB_CTYPE_H

#include <sealvisor/proc_ctype.h>

#endif
