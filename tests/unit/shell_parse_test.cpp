// The shell's input handling (apps/shell/parse.cpp): the line editor's keys
// and what it asks to echo, full lines, the word split, and the arguments
// exit, sleep, syscall, run and an app's name turn into values.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include "apps/shell/parse.h"

using shell::edit;

namespace {

// A terminal in front of the editor: what the echo left on the screen's
// line, as the shell writes it (apps/shell.cpp read_line).
struct term {
    char screen[512] = {};
    size_t len = 0;
    edit last = edit::none;
    int lines = 0;

    void keys(shell::line_editor& ed, const char* s, size_t n) {
        for (size_t i = 0; i < n; ++i) {
            shell::key_result k = ed.key(static_cast<uint8_t>(s[i]));
            last = k.what;
            switch (k.what) {
            case edit::none: break;
            case edit::insert: screen[len++] = s[i]; break;
            case edit::erase:
                CHECK(k.erased >= 1 && k.erased <= len);
                len -= k.erased;
                break;
            case edit::line:
            case edit::interrupt:
                ++lines;
                len = 0;
                break;
            }
            screen[len] = '\0';
        }
    }
    void keys(shell::line_editor& ed, const char* s) { keys(ed, s, strlen(s)); }
};

}  // namespace

TEST_GROUP(shell_editor) {
    char buf[shell::max_line];
    shell::line_editor ed{buf, sizeof buf};
    term t;
};

TEST(shell_editor, printable_keys_make_the_line) {
    t.keys(ed, "uname -a");
    CHECK(t.last == edit::insert);
    STRCMP_EQUAL("uname -a", t.screen);
    LONGS_EQUAL(8, ed.length());
    t.keys(ed, "\r");
    CHECK(t.last == edit::line);
    STRCMP_EQUAL("uname -a", ed.line());
}

TEST(shell_editor, lf_ends_a_line_too) {
    t.keys(ed, "ls\n");
    CHECK(t.last == edit::line);
    STRCMP_EQUAL("ls", ed.line());
}

TEST(shell_editor, erase_character_del_and_backspace) {
    t.keys(ed, "unamX\x7f" "e -a\r");   // as tests/boot/test_boot.py types it
    STRCMP_EQUAL("uname -a", ed.line());
    t.keys(ed, "ab\b\bc\r");
    STRCMP_EQUAL("c", ed.line());
}

TEST(shell_editor, erase_on_an_empty_line_echoes_nothing) {
    shell::key_result k = ed.key(0x7f);
    CHECK(k.what == edit::none);
    CHECK(ed.key('\b').what == edit::none);
    CHECK(ed.key(0x15).what == edit::none);
}

TEST(shell_editor, kill_line_erases_every_character) {
    t.keys(ed, "garbage");
    shell::key_result k = ed.key(0x15);
    CHECK(k.what == edit::erase);
    LONGS_EQUAL(7, k.erased);
    LONGS_EQUAL(0, ed.length());
    t.len = 0;
    t.keys(ed, "echo clean\r");
    STRCMP_EQUAL("echo clean", ed.line());
}

TEST(shell_editor, interrupt_abandons_the_line) {
    t.keys(ed, "half\x03");
    CHECK(t.last == edit::interrupt);
    STRCMP_EQUAL("", ed.line());
    LONGS_EQUAL(0, ed.length());
}

TEST(shell_editor, control_bytes_nul_and_high_bytes_are_dropped) {
    const char keys[] = {'a', '\0', '\x01', '\x1b', '\x7e', '\x80', '\xff', '\t', 'b', '\r'};
    t.keys(ed, keys, sizeof keys);
    STRCMP_EQUAL("a~b", ed.line());   // ~ is 0x7e, still printable
}

TEST(shell_editor, escape_sequence_leaves_its_printable_tail) {
    t.keys(ed, "x\x1b[A\r");   // cursor up
    STRCMP_EQUAL("x[A", ed.line());
}

TEST(shell_editor, overlong_line_keeps_what_fits) {
    char small[8];
    shell::line_editor e(small, sizeof small);
    t.keys(e, "1234567");
    CHECK(e.key('8').what == edit::none);
    LONGS_EQUAL(7, e.length());
    t.keys(e, "\x7f" "x\r");
    STRCMP_EQUAL("123456x", e.line());
}

TEST(shell_editor, a_line_of_the_shell_size_and_more) {
    for (int i = 0; i < 1000; ++i) {
        ed.key('a' + i % 26);
    }
    LONGS_EQUAL(shell::max_line - 1, ed.length());
    CHECK(ed.key('\r').what == edit::line);
    LONGS_EQUAL(shell::max_line - 1, strlen(ed.line()));
}

TEST(shell_editor, size_one_holds_only_the_nul) {
    char one[1];
    shell::line_editor e(one, sizeof one);
    CHECK(e.key('a').what == edit::none);
    CHECK(e.key('\r').what == edit::line);
    STRCMP_EQUAL("", e.line());
}

TEST(shell_editor, next_key_after_a_line_starts_a_new_one) {
    t.keys(ed, "first\r");
    t.keys(ed, "\x7f");   // nothing to erase: the old line is gone
    CHECK(t.last == edit::none);
    t.keys(ed, "2nd\r");
    STRCMP_EQUAL("2nd", ed.line());
    LONGS_EQUAL(2, t.lines);
}

TEST_GROUP(shell_split) {
    char* argv[shell::max_argv + 1];
};

TEST(shell_split, words_at_spaces_and_tabs) {
    char line[] = "  ping\t-c  3 \t10.0.2.2  ";
    LONGS_EQUAL(4, shell::split(line, argv, shell::max_argv));
    STRCMP_EQUAL("ping", argv[0]);
    STRCMP_EQUAL("-c", argv[1]);
    STRCMP_EQUAL("3", argv[2]);
    STRCMP_EQUAL("10.0.2.2", argv[3]);
    POINTERS_EQUAL(nullptr, argv[4]);
    POINTERS_EQUAL(line + 2, argv[0]);   // in place
}

TEST(shell_split, empty_and_blank_lines_have_no_words) {
    char empty[] = "";
    LONGS_EQUAL(0, shell::split(empty, argv, shell::max_argv));
    POINTERS_EQUAL(nullptr, argv[0]);
    char blank[] = " \t \t";
    LONGS_EQUAL(0, shell::split(blank, argv, shell::max_argv));
    POINTERS_EQUAL(nullptr, argv[0]);
}

TEST(shell_split, words_past_the_limit_are_dropped) {
    char line[] = "a b c d e f g h i j k l m n o p q r s t";
    LONGS_EQUAL(shell::max_argv, shell::split(line, argv, shell::max_argv));
    STRCMP_EQUAL("p", argv[shell::max_argv - 1]);
    POINTERS_EQUAL(nullptr, argv[shell::max_argv]);
    char three[] = "x y z";
    LONGS_EQUAL(2, shell::split(three, argv, 2));
    STRCMP_EQUAL("y", argv[1]);
    POINTERS_EQUAL(nullptr, argv[2]);
}

TEST_GROUP(shell_args) {
    char* argv[shell::max_argv + 1];
    int words(char* line) { return shell::split(line, argv, shell::max_argv); }
};

TEST(shell_args, exit_status_is_its_low_byte) {
    char none[] = "exit", three[] = "exit 3", big[] = "exit 256", neg[] = "exit -1", text[] = "exit abc",
         huge[] = "exit 99999999999999999999999";
    LONGS_EQUAL(0, shell::exit_status(words(none), argv));
    LONGS_EQUAL(3, shell::exit_status(words(three), argv));
    LONGS_EQUAL(0, shell::exit_status(words(big), argv));
    LONGS_EQUAL(255, shell::exit_status(words(neg), argv));
    LONGS_EQUAL(0, shell::exit_status(words(text), argv));
    LONGS_EQUAL(255, shell::exit_status(words(huge), argv));   // LONG_MAX
}

TEST(shell_args, seconds_with_fractions) {
    struct timespec ts;
    CHECK(shell::parse_seconds("0.5", &ts));
    LONGS_EQUAL(0, ts.tv_sec);
    LONGS_EQUAL(500000000, ts.tv_nsec);
    CHECK(shell::parse_seconds("3", &ts));
    LONGS_EQUAL(3, ts.tv_sec);
    LONGS_EQUAL(0, ts.tv_nsec);
    CHECK(shell::parse_seconds("2147483647", &ts));
    LONGS_EQUAL(2147483647, ts.tv_sec);
    // Past a 32-bit tv_sec, infinity too: the most there is.
    const char* huge[] = {"2147483648", "7777777777777777777", "1e300", "inf", "infinity"};
    for (const char* s : huge) {
        CHECK_TEXT(shell::parse_seconds(s, &ts), s);
        LONGS_EQUAL_TEXT(2147483647, ts.tv_sec, s);
        LONGS_EQUAL_TEXT(0, ts.tv_nsec, s);
    }
    // The fraction's product rounds to 1e9: still a valid tv_nsec.
    CHECK(shell::parse_seconds("0.99999999999999989", &ts));
    CHECK(ts.tv_nsec <= 999999999);
}

TEST(shell_args, seconds_refused) {
    struct timespec ts;
    const char* bad[] = {"-1", "", "1x", "abc", "nan", "-nan", "0.5s", " "};
    for (const char* s : bad) {
        CHECK_FALSE_TEXT(shell::parse_seconds(s, &ts), s);
    }
}

TEST(shell_args, syscall_numbers_and_text_pointers) {
    char line[] = "syscall 4005 /dev/null 0x10 -3 12x 5 6 7 8";
    int argc = words(line);
    long a[6];
    shell::syscall_args(argc, argv, a);
    LONGS_EQUAL(reinterpret_cast<long>(argv[2]), a[0]);   // /dev/null
    LONGS_EQUAL(16, a[1]);
    LONGS_EQUAL(-3, a[2]);
    LONGS_EQUAL(reinterpret_cast<long>(argv[5]), a[3]);   // 12x: text
    LONGS_EQUAL(5, a[4]);
    LONGS_EQUAL(6, a[5]);   // 7 and 8: past the sixth
    char few[] = "syscall 4020";
    shell::syscall_args(words(few), argv, a);
    for (long v : a) {
        LONGS_EQUAL(0, v);
    }
}

TEST(shell_args, background_ampersand) {
    char bg[] = "run udpecho -p 7 &";
    int argc = words(bg);
    CHECK(shell::take_background(argc, argv));
    LONGS_EQUAL(4, argc);
    POINTERS_EQUAL(nullptr, argv[4]);
    char fg[] = "run udpecho &x";
    argc = words(fg);
    CHECK_FALSE(shell::take_background(argc, argv));
    LONGS_EQUAL(3, argc);
    char alone[] = "&";
    argc = words(alone);
    CHECK_FALSE(shell::take_background(argc, argv));
    LONGS_EQUAL(1, argc);
    char bare[] = "run &";
    argc = words(bare);
    CHECK(shell::take_background(argc, argv));
    LONGS_EQUAL(1, argc);   // run says its usage
}

TEST(shell_args, app_name_becomes_run) {
    char line[] = "ping -c 3 gw";
    int argc = words(line);
    char* out[APP_MAX_ARGS + 2];
    LONGS_EQUAL(5, shell::app_argv(argc, argv, out));
    STRCMP_EQUAL("run", out[0]);
    STRCMP_EQUAL("ping", out[1]);
    STRCMP_EQUAL("gw", out[4]);
    POINTERS_EQUAL(nullptr, out[5]);
}

TEST(shell_args, app_words_past_app_max_args_are_dropped) {
    char* many[40];
    char word[] = "w";
    for (char*& w : many) {
        w = word;
    }
    char* out[APP_MAX_ARGS + 2];
    LONGS_EQUAL(APP_MAX_ARGS + 1, shell::app_argv(40, many, out));
    POINTERS_EQUAL(nullptr, out[APP_MAX_ARGS + 1]);
}
