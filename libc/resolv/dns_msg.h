// DNS messages (RFC 1035 4): a query for one name, and the answer parsed
// with every length and compression pointer bounded (RFC 1035 4.1.4), as
// musl's and uClibc's stub resolvers need. No I/O: host-testable.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace dns {

constexpr uint16_t TYPE_A = 1;
constexpr uint16_t TYPE_CNAME = 5;
constexpr uint16_t TYPE_PTR = 12;
constexpr uint16_t CLASS_IN = 1;
constexpr size_t HEADER_LEN = 12;
constexpr size_t MAX_NAME = 255;      // RFC 1035 2.3.4, in wire form
constexpr size_t MAX_LABEL = 63;
constexpr size_t MAX_UDP = 512;       // RFC 1035 4.2.1: no EDNS0 here
constexpr unsigned MAX_ADDRS = 8;
constexpr unsigned MAX_CNAMES = 8;    // a longer chain is refused (musl: the same order)

enum class err : uint8_t {
    ok = 0,
    bad_name,        // query name not a valid host name (empty label, label > 63, name > 253)
    no_room,         // the buffer is too small
    short_msg,       // shorter than a header, or a section runs past the end
    bad_id,          // not the answer to our query
    not_response,    // QR clear, or an opcode other than QUERY
    bad_question,    // the question is not the one asked
    bad_name_ptr,    // compression pointer loop, forward pointer or pointer past the end
    bad_record,      // a record's RDLENGTH overruns, or an A record not 4 octets
    format_error,    // RCODE 1
    server_failure,  // RCODE 2
    nxdomain,        // RCODE 3
    refused,         // RCODE 4 and 5 and the rest
    no_data,         // the name exists with no record of the type asked
    long_chain,      // more CNAMEs than MAX_CNAMES
};
const char* err_name(err e);

// Builds a standard recursive query (RD set) for name, type in class IN.
// The message's length, or 0 with *e set (bad_name, no_room).
size_t build_query(uint8_t* buf, size_t cap, uint16_t id, const char* name, uint16_t type, err* e);

// What an answer gave: A addresses (network order), or the PTR's name; the
// canonical name after CNAMEs; whether TC was set (RFC 1035 4.1.1; the
// answer is then partial, and what it holds is still returned).
struct answer {
    uint32_t addrs[MAX_ADDRS];
    unsigned naddrs;
    uint32_t ttl;              // the smallest TTL of the records used
    bool truncated;
    char canonical[MAX_NAME + 1];
    char ptr[MAX_NAME + 1];
};

// Parses msg as the answer to (id, name, type). ok when addresses (A) or a
// name (PTR) were found; else why not (rcode errors first).
err parse_answer(const uint8_t* msg, size_t len, uint16_t id, const char* name, uint16_t type, answer* out);

// Reads the (possibly compressed) name at msg[off] into out as dotted text
// without the final dot. *next is the offset after it in the record. Every
// pointer must point strictly backwards (so no loop survives), and at most
// MAX_NAME octets are produced.
err read_name(const uint8_t* msg, size_t len, size_t off, char* out, size_t* next);

// Case-insensitive (RFC 1035 2.3.3), ignoring one trailing dot.
bool name_equal(const char* a, const char* b);

}  // namespace dns
