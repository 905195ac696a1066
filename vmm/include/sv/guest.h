/* Preparing the guest OS for its first entry (boot/guest_start.c). */
#ifndef SV_GUEST_H
#define SV_GUEST_H

#include <sv/mb2.h>
#include <sv/vcpu.h>

/* The guest's memory map, filtered (set by guest_prepare). */
extern struct mem_range guest_map[];
extern unsigned int guest_map_n;

/*
 * Loads the Linux kernel (module 1) and initrd (module 2) per the Linux
 * boot protocol and fills *boot.  Prints the reason and returns a negative
 * code when the modules cannot be booted.
 */
int guest_prepare(const struct mb2_boot *mb, const struct mem_range *map, unsigned int n,
		  const struct sv_range *hidden, unsigned int nhidden, struct sv_guest_boot *boot);

#endif
