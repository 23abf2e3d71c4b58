/* The UDP Echo service (RFC 862) for the Linux peer, which busybox lacks
 * (Debian's busybox-static has no udpsvd, inetd or UDP nc): every datagram
 * goes back to its sender as it came, one socket, datagram by datagram, as
 * mipsnet's apps/udpecho.cpp does. Built static by bench/linux-peer/build.sh
 * with Debian's mipsel cross compiler. usage: udpecho [PORT] (default 7) */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	static char buf[65536];	/* 65507 octets is the largest over IPv4 */
	struct sockaddr_in at = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	at.sin_port = htons(argc > 1 ? atoi(argv[1]) : 7);
	if (fd < 0 || bind(fd, (struct sockaddr *)&at, sizeof(at)) < 0) {
		perror("udpecho");
		return 1;
	}
	for (;;) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);

		if (n >= 0)
			sendto(fd, buf, n, 0, (struct sockaddr *)&from, len);
	}
}
