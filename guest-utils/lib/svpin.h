/* Pinning the calling thread to one CPU (svpin.c). */
#ifndef SV_SVPIN_H
#define SV_SVPIN_H

/*
 * Moves the calling thread onto CPU cpu and returns 0 once it runs there,
 * -1 when the kernel refused or it still runs elsewhere: a test whose
 * hypercall must come from one CPU checks this before it calls.
 */
int sv_pin_cpu(int cpu);

#endif
