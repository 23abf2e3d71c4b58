// The shell's built-in commands: a static table (apps/shell_commands.cpp).
#pragma once

namespace shell {

struct command {
    const char* name;
    int (*run)(int argc, char** argv);
    const char* help;
};

const command* find(const char* name);
const command* begin();
const command* end();
// Reports the background apps that have ended (before each prompt).
void reap_jobs();

}  // namespace shell
