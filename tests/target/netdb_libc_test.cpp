// netdb.h as apps see it (libc/resolv): glibc's layouts and EAI_* values,
// getaddrinfo's hints and numeric paths, getnameinfo, gethostbyname, and
// names with no server to ask (the test image has no ip=, so no
// nameserver in /proc/net/pnp).
#include <CppUTest/TestHarness.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

static_assert(sizeof(struct addrinfo) == 32 && offsetof(struct addrinfo, ai_addrlen) == 16 &&
              offsetof(struct addrinfo, ai_addr) == 20 && offsetof(struct addrinfo, ai_canonname) == 24 &&
              offsetof(struct addrinfo, ai_next) == 28);
static_assert(sizeof(struct hostent) == 20 && offsetof(struct hostent, h_addr_list) == 16);
static_assert(EAI_BADFLAGS == -1 && EAI_NONAME == -2 && EAI_AGAIN == -3 && EAI_FAIL == -4 && EAI_NODATA == -5 &&
              EAI_FAMILY == -6 && EAI_SOCKTYPE == -7 && EAI_SERVICE == -8 && EAI_MEMORY == -10 &&
              EAI_SYSTEM == -11 && EAI_OVERFLOW == -12);
static_assert(AI_PASSIVE == 1 && AI_CANONNAME == 2 && AI_NUMERICHOST == 4 && AI_NUMERICSERV == 0x400);
static_assert(NI_NUMERICHOST == 1 && NI_NUMERICSERV == 2 && NI_NAMEREQD == 8 && NI_MAXHOST == 1025);

namespace {

struct addrinfo hints_of(int family, int socktype, int flags) {
    struct addrinfo h;
    memset(&h, 0, sizeof h);
    h.ai_family = family;
    h.ai_socktype = socktype;
    h.ai_flags = flags;
    return h;
}

int count(const struct addrinfo* ai) {
    int n = 0;
    for (; ai; ai = ai->ai_next) {
        ++n;
    }
    return n;
}

const struct sockaddr_in* sin_of(const struct addrinfo* ai) {
    return reinterpret_cast<const struct sockaddr_in*>(ai->ai_addr);
}

}  // namespace

TEST_GROUP(netdb_libc) {};

TEST(netdb_libc, numeric_host_and_service) {
    struct addrinfo h = hints_of(AF_INET, SOCK_STREAM, 0);
    struct addrinfo* res = nullptr;
    LONGS_EQUAL(0, getaddrinfo("10.0.2.15", "80", &h, &res));
    LONGS_EQUAL(1, count(res));
    LONGS_EQUAL(AF_INET, res->ai_family);
    LONGS_EQUAL(SOCK_STREAM, res->ai_socktype);
    LONGS_EQUAL(IPPROTO_TCP, res->ai_protocol);
    LONGS_EQUAL(sizeof(struct sockaddr_in), res->ai_addrlen);
    LONGS_EQUAL(htons(80), sin_of(res)->sin_port);
    LONGS_EQUAL(inet_addr("10.0.2.15"), sin_of(res)->sin_addr.s_addr);
    freeaddrinfo(res);
    h = hints_of(AF_UNSPEC, 0, 0);
    LONGS_EQUAL(0, getaddrinfo("127.0.0.1", nullptr, &h, &res));
    LONGS_EQUAL(3, count(res));   // stream, datagram, raw
    freeaddrinfo(res);
    LONGS_EQUAL(0, getaddrinfo("127.0.0.1", "domain", &h, &res));
    LONGS_EQUAL(2, count(res));
    LONGS_EQUAL(htons(53), sin_of(res)->sin_port);
    freeaddrinfo(res);
}

TEST(netdb_libc, null_node_is_any_or_loopback) {
    struct addrinfo h = hints_of(AF_INET, SOCK_DGRAM, AI_PASSIVE);
    struct addrinfo* res = nullptr;
    LONGS_EQUAL(0, getaddrinfo(nullptr, "7", &h, &res));
    LONGS_EQUAL(INADDR_ANY, sin_of(res)->sin_addr.s_addr);
    LONGS_EQUAL(IPPROTO_UDP, res->ai_protocol);
    freeaddrinfo(res);
    h.ai_flags = 0;
    LONGS_EQUAL(0, getaddrinfo(nullptr, "7", &h, &res));
    LONGS_EQUAL(htonl(INADDR_LOOPBACK), sin_of(res)->sin_addr.s_addr);
    freeaddrinfo(res);
}

TEST(netdb_libc, bad_hints_and_services) {
    struct addrinfo* res = reinterpret_cast<struct addrinfo*>(1);
    struct addrinfo h = hints_of(AF_INET6, 0, 0);
    LONGS_EQUAL(EAI_FAMILY, getaddrinfo("127.0.0.1", nullptr, &h, &res));
    POINTERS_EQUAL(nullptr, res);
    h = hints_of(AF_INET, 99, 0);
    LONGS_EQUAL(EAI_SOCKTYPE, getaddrinfo("127.0.0.1", nullptr, &h, &res));
    h = hints_of(AF_INET, 0, 0x8000);
    LONGS_EQUAL(EAI_BADFLAGS, getaddrinfo("127.0.0.1", nullptr, &h, &res));
    h = hints_of(AF_INET, SOCK_STREAM, 0);
    LONGS_EQUAL(EAI_SERVICE, getaddrinfo("127.0.0.1", "nosuchservice", &h, &res));
    LONGS_EQUAL(EAI_SERVICE, getaddrinfo("127.0.0.1", "70000", &h, &res));
    h.ai_flags = AI_NUMERICSERV;
    LONGS_EQUAL(EAI_NONAME, getaddrinfo("127.0.0.1", "http", &h, &res));
    h = hints_of(AF_INET, SOCK_RAW, 0);
    LONGS_EQUAL(EAI_SERVICE, getaddrinfo("127.0.0.1", "80", &h, &res));
    LONGS_EQUAL(EAI_NONAME, getaddrinfo(nullptr, nullptr, nullptr, &res));
    h = hints_of(AF_INET, 0, AI_NUMERICHOST);
    LONGS_EQUAL(EAI_NONAME, getaddrinfo("board.test", nullptr, &h, &res));
}

TEST(netdb_libc, names_without_a_server_are_a_temporary_failure) {
    struct addrinfo* res = nullptr;
    LONGS_EQUAL(EAI_AGAIN, getaddrinfo("board.test", nullptr, nullptr, &res));
    LONGS_EQUAL(EAI_NONAME, getaddrinfo("a..b", nullptr, nullptr, &res));
    POINTERS_EQUAL(nullptr, gethostbyname("board.test"));
    LONGS_EQUAL(TRY_AGAIN, h_errno);
}

TEST(netdb_libc, canonname_of_a_number_is_itself) {
    struct addrinfo h = hints_of(AF_INET, SOCK_DGRAM, AI_CANONNAME);
    struct addrinfo* res = nullptr;
    LONGS_EQUAL(0, getaddrinfo("10.0.2.2", nullptr, &h, &res));
    STRCMP_EQUAL("10.0.2.2", res->ai_canonname);
    freeaddrinfo(res);
}

TEST(netdb_libc, getnameinfo_numeric_and_services) {
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(80);
    sin.sin_addr.s_addr = inet_addr("10.0.2.15");
    const struct sockaddr* sa = reinterpret_cast<const struct sockaddr*>(&sin);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    LONGS_EQUAL(0, getnameinfo(sa, sizeof sin, host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV));
    STRCMP_EQUAL("10.0.2.15", host);
    STRCMP_EQUAL("80", serv);
    LONGS_EQUAL(0, getnameinfo(sa, sizeof sin, nullptr, 0, serv, sizeof serv, 0));
    STRCMP_EQUAL("http", serv);
    // No server for the PTR query: numeric, unless a name is required.
    LONGS_EQUAL(0, getnameinfo(sa, sizeof sin, host, sizeof host, nullptr, 0, 0));
    STRCMP_EQUAL("10.0.2.15", host);
    LONGS_EQUAL(EAI_AGAIN, getnameinfo(sa, sizeof sin, host, sizeof host, nullptr, 0, NI_NAMEREQD));
    char tiny[4];
    LONGS_EQUAL(EAI_OVERFLOW, getnameinfo(sa, sizeof sin, tiny, sizeof tiny, nullptr, 0, NI_NUMERICHOST));
    LONGS_EQUAL(EAI_FAMILY, getnameinfo(sa, 8, host, sizeof host, nullptr, 0, NI_NUMERICHOST));
    LONGS_EQUAL(EAI_NONAME, getnameinfo(sa, sizeof sin, nullptr, 0, nullptr, 0, 0));
}

TEST(netdb_libc, gethostbyname_numeric_and_gai_strerror) {
    struct hostent* h = gethostbyname("10.0.2.15");
    CHECK(h != nullptr);
    LONGS_EQUAL(AF_INET, h->h_addrtype);
    LONGS_EQUAL(4, h->h_length);
    struct in_addr a;
    memcpy(&a, h->h_addr, 4);
    LONGS_EQUAL(inet_addr("10.0.2.15"), a.s_addr);
    POINTERS_EQUAL(nullptr, h->h_addr_list[1]);
    STRCMP_EQUAL("Name or service not known", gai_strerror(EAI_NONAME));
    STRCMP_EQUAL("Temporary failure in name resolution", gai_strerror(EAI_AGAIN));
    STRCMP_EQUAL("System error", gai_strerror(EAI_SYSTEM));
}
