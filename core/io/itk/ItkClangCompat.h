#pragma once
// Debian's ITK 5.2 generated its compiler-detection header for GCC alone, so with
// clang (the fuzz preset) every ITK header stops at "#error Unsupported compiler".
// Force-included before anything else in clang builds of core (core/CMakeLists.txt):
// it lets that header see the GCC that ITK was built with, then puts clang's own
// macros back, so that only ITK's feature macros come out of the GCC branch.
#pragma push_macro("__clang__")
#pragma push_macro("__GNUC__")
#pragma push_macro("__GNUC_MINOR__")
#pragma push_macro("__GNUC_PATCHLEVEL__")
#undef __clang__
#undef __GNUC__
#undef __GNUC_MINOR__
#undef __GNUC_PATCHLEVEL__
#define __GNUC__ 12
#define __GNUC_MINOR__ 2
#define __GNUC_PATCHLEVEL__ 0
#include <itk_compiler_detection.h>
#pragma pop_macro("__GNUC_PATCHLEVEL__")
#pragma pop_macro("__GNUC_MINOR__")
#pragma pop_macro("__GNUC__")
#pragma pop_macro("__clang__")
