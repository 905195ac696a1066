/*
 * BitVisor compatibility: <lib_putchar.h>.  putchar writes one character
 * to the hypervisor console (a whole line at a time reaches the log, as
 * with printf).  BitVisor's putchar returns nothing; so does this one.
 */
#ifndef SEALVISOR_BV_LIB_PUTCHAR_H
#define SEALVISOR_BV_LIB_PUTCHAR_H

void putchar(unsigned char c) __asm__("bv_putchar");

#endif
