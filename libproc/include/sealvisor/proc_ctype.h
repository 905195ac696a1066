/*
 * Character classes of ASCII (the "C" locale), as in C: non-zero for yes.
 * libproc's own, declared once for <sealvisor/proc.h> and BitVisor's
 * <lib_ctype.h> alike.
 */
#ifndef SEALVISOR_PROC_CTYPE_H
#define SEALVISOR_PROC_CTYPE_H

int isalnum(int c);
int isalpha(int c);
int isascii(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);

#endif
