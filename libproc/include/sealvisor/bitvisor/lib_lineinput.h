/*
 * BitVisor compatibility: <lib_lineinput.h>.
 *
 * There is no keyboard in Sealvisor: a process reads the lines the guest
 * queued for it (vmmload --input FILE, vmmctl input DESC LINE...).
 * lineinput copies the next one into buf (at most len - 1 bytes and a
 * NUL; the rest of a longer line is dropped), echoes it with a newline to
 * the console as a terminal would, and returns its length.  When no line
 * is left it returns 0 with an empty line at once: it never waits, so a
 * BitVisor shell that ends on an empty line ends, and one that loops on
 * it runs until its time budget kills it.  lineinput_desc ignores its
 * keyboard and display descriptors (Sealvisor has none to pass) and does
 * the same.
 */
#ifndef SEALVISOR_BV_LIB_LINEINPUT_H
#define SEALVISOR_BV_LIB_LINEINPUT_H

int lineinput_desc(int kbd, int dsp, char *buf, int len);
int lineinput(char *buf, int len);

#endif
