#include <CppUTest/TestHarness.h>

#include <stdio.h>
#include <string.h>

#include "kernel/cmdline.h"

TEST_GROUP(cmdline) {};

TEST(cmdline, key_values_and_flags) {
    cmdline::parse("console=ttyS0,38400 loglevel=4  quiet ip=10.0.0.2::10.0.0.1:255.255.255.0::eth0:off");
    STRCMP_EQUAL("ttyS0,38400", cmdline::get("console"));
    STRCMP_EQUAL("", cmdline::get("quiet"));
    STRCMP_EQUAL("10.0.0.2::10.0.0.1:255.255.255.0::eth0:off", cmdline::get("ip"));
    POINTERS_EQUAL(nullptr, cmdline::get("missing"));
    LONGS_EQUAL(4, cmdline::get_int("loglevel", 7));
    LONGS_EQUAL(7, cmdline::get_int("missing", 7));
    LONGS_EQUAL(7, cmdline::get_int("quiet", 7));
}

TEST(cmdline, value_keeps_later_equals_signs) {
    cmdline::parse("ping.args=-c:3 a=b=c");
    STRCMP_EQUAL("-c:3", cmdline::get("ping.args"));
    STRCMP_EQUAL("b=c", cmdline::get("a"));
}

TEST(cmdline, last_occurrence_wins) {
    cmdline::parse("panic=0 panic=-1");
    LONGS_EQUAL(-1, cmdline::get_int("panic", 5));
}

TEST(cmdline, bad_numbers_fall_back) {
    cmdline::parse("loglevel=4x hz=0x10");
    LONGS_EQUAL(7, cmdline::get_int("loglevel", 7));
    LONGS_EQUAL(16, cmdline::get_int("hz", 0));
}

TEST(cmdline, list_items) {
    cmdline::parse("apps=shell,ping,,sniff");
    char buf[8];
    CHECK_TRUE(cmdline::get_list_item("apps", 0, buf, sizeof buf));
    STRCMP_EQUAL("shell", buf);
    CHECK_TRUE(cmdline::get_list_item("apps", 1, buf, sizeof buf));
    STRCMP_EQUAL("ping", buf);
    CHECK_FALSE(cmdline::get_list_item("apps", 2, buf, sizeof buf));  // empty item ends the list
    CHECK_FALSE(cmdline::get_list_item("nothing", 0, buf, sizeof buf));
}

TEST(cmdline, list_item_truncated_to_buffer) {
    cmdline::parse("apps=averyveryverylongname");
    char buf[5];
    CHECK_TRUE(cmdline::get_list_item("apps", 0, buf, sizeof buf));
    STRCMP_EQUAL("aver", buf);
}

TEST(cmdline, argv_joined_from_second_word) {
    char a0[] = "kernel.elf", a1[] = "loglevel=3", a2[] = "apps=shell";
    char* argv[] = {a0, a1, a2, nullptr};
    cmdline::init_from_argv(3, argv);
    STRCMP_EQUAL("loglevel=3 apps=shell", cmdline::str());
    LONGS_EQUAL(3, cmdline::get_int("loglevel", 0));
}

TEST(cmdline, overlong_line_is_cut_not_overrun) {
    char line[3000];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    cmdline::parse(line);
    CHECK(strlen(cmdline::str()) < sizeof line);
}

TEST(cmdline, too_many_words_keeps_first_64) {
    char line[1024] = "";
    for (int i = 0; i < 100; ++i) {
        char w[12];
        snprintf(w, sizeof w, "k%d=%d ", i, i);
        strcat(line, w);
    }
    cmdline::parse(line);
    LONGS_EQUAL(63, cmdline::get_int("k63", -1));
    POINTERS_EQUAL(nullptr, cmdline::get("k64"));
}
