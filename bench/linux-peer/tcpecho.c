/* The TCP Echo service (RFC 862) for the Linux peer: one process, one
 * epoll loop, many connections, as mipsnet's inetd serves echo (busybox's
 * nc -ll -e would fork a handler per connection, which is not what the
 * connection-rate and round-trip benchmarks compare). Each connection's
 * bytes go back as they came; a peer that does not read is not read from
 * (EPOLLIN off while a write is pending); an idle connection holds no
 * buffer, as inetd's does not. Built static by
 * bench/linux-peer/build.sh. usage: tcpecho [PORT] (default 7) */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE 8192	/* as inetd's; taken with a connection's first bytes */

struct conn {
	int fd;
	size_t off, len;
	char *buf;
};

static void watch(int ep, int op, struct conn *c, unsigned events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	epoll_ctl(ep, op, c->fd, &ev);
}

static void serve(int ep, struct conn *c)
{
	for (;;) {
		ssize_t n;

		if (c->off < c->len) {
			n = write(c->fd, c->buf + c->off, c->len - c->off);
			if (n < 0 && errno == EAGAIN) {
				watch(ep, EPOLL_CTL_MOD, c, EPOLLOUT);
				return;
			}
			if (n < 0)
				goto gone;
			c->off += n;
			continue;
		}
		c->off = c->len = 0;
		if (!c->buf && !(c->buf = malloc(BUF_SIZE)))
			goto gone;
		n = read(c->fd, c->buf, BUF_SIZE);
		if (n < 0 && errno == EAGAIN) {
			watch(ep, EPOLL_CTL_MOD, c, EPOLLIN);
			return;
		}
		if (n <= 0)
			goto gone;
		c->len = n;
	}
gone:
	close(c->fd);
	free(c->buf);
	free(c);
}

int main(int argc, char **argv)
{
	struct sockaddr_in at = { .sin_family = AF_INET };
	struct epoll_event evs[64];
	struct conn listener = { .fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0) };
	int on = 1, ep = epoll_create1(0);

	at.sin_port = htons(argc > 1 ? atoi(argv[1]) : 7);
	setsockopt(listener.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (listener.fd < 0 || ep < 0 || bind(listener.fd, (struct sockaddr *)&at, sizeof(at)) < 0 ||
	    listen(listener.fd, 1024) < 0) {
		perror("tcpecho");
		return 1;
	}
	watch(ep, EPOLL_CTL_ADD, &listener, EPOLLIN);
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c != &listener) {
				serve(ep, c);
				continue;
			}
			int fd;
			while ((fd = accept4(listener.fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
				struct conn *nc = calloc(1, sizeof(*nc));

				if (!nc) {
					close(fd);
					continue;
				}
				nc->fd = fd;
				watch(ep, EPOLL_CTL_ADD, nc, EPOLLIN);
			}
		}
	}
}
