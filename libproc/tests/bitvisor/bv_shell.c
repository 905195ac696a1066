/*
 * A small BitVisor-style shell (issue 14), in the manner of BitVisor's
 * sendint: prints a prompt, reads a line with lineinput, and ends the
 * process on an empty line.  "wait" returns from _start instead (the
 * process stays; its next message goes on reading), "send NAME N" sends
 * N to service NAME, "say WORDS" prints them, anything else is numbered
 * and printed, so the log shows the order the lines came in.
 */
#include <lib_lineinput.h>
#include <lib_printf.h>
#include <lib_stdlib.h>
#include <lib_string.h>
#include <lib_syscalls.h>

static int lines;

int _start(int a1, int a2)
{
	char buf[100];
	char *s;
	int d;

	(void)a1;
	(void)a2;
	for (;;) {
		printf("bvsh> ");
		lineinput(buf, 100);
		if (!strcmp(buf, "")) {
			printf("bvsh: bye after %d lines\n", lines);
			exitprocess(0);
		}
		lines++;
		if (!strcmp(buf, "wait"))
			return lines;
		if (!strncmp(buf, "send ", 5)) {
			s = strchr(buf + 5, ' ');
			if (s)
				*s++ = '\0';
			d = msgopen(buf + 5);
			printf("bvsh: %s answered %d\n", buf + 5,
			       d < 0 ? d : msgsendint(d, s ? (int)strtol(s, NULL, 0) : 0));
			if (d >= 0)
				msgclose(d);
			continue;
		}
		printf("bvsh: line %d: %s\n", lines, buf);
	}
}
