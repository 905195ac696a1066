/* See svfile.h. */
#include "svfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void *sv_read_locked(const char *prog, const char *path, size_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: %s: not a regular file\n", prog, path);
		close(fd);
		return NULL;
	}
	if (st.st_size == 0) {
		fprintf(stderr, "%s: %s: empty file\n", prog, path);
		close(fd);
		return NULL;
	}
	size_t n = (size_t)st.st_size;
	size_t alloc = (n + 4095) & ~(size_t)4095;
	void *buf = mmap(NULL, alloc, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
			 -1, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "%s: %s: out of memory (%zu bytes)\n", prog, path, n);
		close(fd);
		return NULL;
	}
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0) {
			fprintf(stderr, "%s: %s: read failed: %s\n", prog, path,
				r < 0 ? strerror(errno) : "file shrank");
			munmap(buf, alloc);
			close(fd);
			return NULL;
		}
		got += (size_t)r;
	}
	close(fd);
	/* Resident while the VMM copies it: the VMM does not page things in. */
	if (mlock(buf, alloc) < 0) {
		fprintf(stderr, "%s: %s: cannot lock the buffer in memory: %s\n", prog, path,
			strerror(errno));
		munmap(buf, alloc);
		return NULL;
	}
	*size = n;
	return buf;
}
