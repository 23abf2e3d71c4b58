// Forced first into every target test file (-include). CppUTest's leak
// detection turns "new" into a macro (MemoryLeakDetectorNewMacros.h), which
// breaks any C++ library header read after it. On the host CppUTest includes
// <new>, <memory> and <string> before defining it; built without the C++
// library it includes none, so the freestanding headers tests and kernel
// headers use come here first.
#pragma once
#ifdef __cplusplus
#include <array>
#include <bit>
#include <limits>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#endif
