/*
 * The built-in "log" service.  Other processes (msgopen("log")) and the
 * VMM send it text; it writes each line to the hypervisor console and log
 * ring under its own tag, with the sender's level:
 *   msgsendbuf(d, level, {text, len, 0}, 1)  -> bytes written
 *   msgsendint(d, -1)                         -> lines logged so far
 * Levels: 0 info, 1 warning, 2 error.
 */
#include <sealvisor/proc.h>

static int lines;

static int log_msg(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	static const char *const level[] = { "info", "warning", "error" };
	const char *text;
	unsigned int len;

	if (msgcode == MSG_INT)
		return value == -1 ? lines : -1;
	if (msgcode != MSG_BUF || bufcnt != 1 || value < 0 || value > 2)
		return -1;
	text = buf[0].base;
	len = buf[0].len;
	/* One line per message: stop at the first newline or NUL. */
	for (unsigned int i = 0; i < len; i++) {
		if (text[i] == '\n' || text[i] == '\0') {
			len = i;
			break;
		}
	}
	printf("%s: %.*s\n", level[value], (int)len, text);
	lines++;
	return (int)len;
}

int _start(int msgcode, int value, struct msgbuf *buf, int bufcnt)
{
	(void)msgcode;
	(void)value;
	(void)buf;
	(void)bufcnt;
	return msgregister("log", log_msg);
}
