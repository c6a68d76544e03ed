// Catch2's main for the learning tests: their own, because the learning-only build has
// no shared test support library.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
