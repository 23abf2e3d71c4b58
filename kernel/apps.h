// Built-in applications. Each app registers an app_desc in the section
// "mipsnet_apps"; the kernel starts them by name (apps= on the command line).
#pragma once

struct app_desc {
    const char* name;
    int (*main)(int argc, char** argv);
    const char* help;
};

// Registration, in an app's source file:
//   [[gnu::used, gnu::section("mipsnet_apps"), gnu::aligned(alignof(app_desc))]]
//   const app_desc my_app{"name", main, "help"};
// The explicit alignment keeps the compiler from padding between entries (as
// Linux does for its section tables).
const app_desc* app_find(const char* name);
const app_desc* app_begin();
const app_desc* app_end();

// Runs an app to completion on the calling context and returns its exit
// status (main's return value or exit()'s argument).
int app_run(const app_desc& app, int argc, char** argv);
[[noreturn]] void app_exit(int status);   // sys_exit
