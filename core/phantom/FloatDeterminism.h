#pragma once
// Every phantom source includes this first. The phantom must give the same bytes on
// every machine, and a fused multiply-add (which compilers form from a * b + c when
// the CPU has one: ARM, or x86 with -march=native) rounds differently from the two
// separate operations. Contraction is therefore off for the whole translation unit.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
