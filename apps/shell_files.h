// The shell's file commands (apps/shell_files.cpp), found by shell::find()
// after the table in apps/shell_commands.cpp.
#pragma once
#include "apps/shell_commands.h"

namespace shell {

extern const command file_commands[];
extern const command* file_commands_end;

}  // namespace shell
