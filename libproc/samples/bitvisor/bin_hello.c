#include <lib_lineinput.h>
#include <lib_printf.h>
#include <lib_syscalls.h>
int _start (int msgcode, int proc_number, struct msgbuf *buf, int bufcnt)
{
printf("Hello, World!\n");
return 0;
}
