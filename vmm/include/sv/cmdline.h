/* The VMM command line (boot/cmdline.c). */
#ifndef SV_CMDLINE_H
#define SV_CMDLINE_H

/*
 * Applies "key=value" options; unknown or malformed words are reported on
 * the console and ignored.  Options: console=com1..com4|PORT;
 * selftest=fault (a deliberate page fault, to see the exception dump);
 * selftest=ap-silent; max_cpus=N; iommu=auto|required|off (sv/iommu.h);
 * iommu_intr=auto|block|pass (sv/iommu.h);
 * tpm=auto|required|off (sv/tpm.h).
 */
void cmdline_apply(const char *cmdline);

#include <sv/types.h>

/* The longest command line kept for cmdline_text (the boot loader's limit, MB2_MAX_CMDLINE). */
#define CMDLINE_TEXT_MAX 1024
/* The command line cmdline_apply was given, NUL-terminated, *len its bytes ("" before). */
const char *cmdline_text(size_t *len);

/* selftest=fault was given: main.c faults on purpose once its own page tables are up. */
extern bool cmdline_selftest_fault;
/* selftest=ap-silent: the last AP gets INIT but no SIPI (tests "an AP that never answers"). */
extern bool cmdline_selftest_ap_silent;
/* max_cpus=N: at most N CPUs run the guest (1..-Dmax_cpus); the rest are held. */
extern unsigned int cmdline_max_cpus;
/*
 * pti=off: processes' page tables keep the VMM mapped (supervisor-only),
 * as before the address-space split; only for measuring what the split
 * costs (a Meltdown-affected CPU then lets a process read the VMM).
 */
extern bool cmdline_pti;

#endif
