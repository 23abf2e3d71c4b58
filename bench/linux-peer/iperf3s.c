/* iperf3 -s for the Linux peer's initramfs: Debian's iperf3 is a small main
 * over libiperf.so, which would pull the dynamic loader, libc, libcrypto and
 * libsctp into the peer's RAM; this is the same server linked statically
 * against Debian's libiperf.a (libiperf-dev), so only what it uses goes in.
 * Serves one test after another on the port given (default 5201), as
 * iperf3 -s does (iperf_api.h: iperf_run_server, iperf_reset_test). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <iperf_api.h>

int main(int argc, char **argv)
{
	struct iperf_test *test = iperf_new_test();

	if (!test || iperf_defaults(test) < 0) {
		fprintf(stderr, "iperf3s: cannot set up a test\n");
		return 1;
	}
	iperf_set_test_role(test, 's');
	iperf_set_test_server_port(test, argc > 1 ? atoi(argv[1]) : 5201);
	for (;;) {
		if (iperf_run_server(test) < 0)
			fprintf(stderr, "iperf3s: %s\n", iperf_strerror(i_errno));
		iperf_reset_test(test);
	}
}
