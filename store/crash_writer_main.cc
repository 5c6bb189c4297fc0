// store_crash_writer DIR N: a test helper for StoreCrash (store_test.cc).
// Appends events to the store in DIR forever, in groups of N, and writes one
// byte to standard output for each group known to be written; the test kills
// it with SIGKILL at an arbitrary moment and checks that every acknowledged
// group survived and that the store verifies.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "store/store.h"

namespace {

using namespace authtrail;  // NOLINT: a 40-line test helper

Event MakeEvent(uint64_t i) {
  Event e;
  e.kind = i % 3 == 0 ? Kind::kLoginUi : Kind::kApiCall;
  e.ts = 1'750'000'000'000'000 + static_cast<MicrosUtc>(i % 1000) * 1000;
  e.org = "00D5g000004SxyzEAC";
  e.user = "user-" + std::to_string(getpid()) + "-" + std::to_string(i);
  if (e.kind == Kind::kApiCall) e.app = "app" + std::to_string(i % 7);
  if (i % 2 == 0) e.id = "id-" + std::to_string(getpid()) + "-" + std::to_string(i);
  return e;
}

int Run(const std::string& dir, size_t per_group) {
  store::StoreOptions o;
  o.writable = o.create_if_missing = true;
  o.events_per_write = per_group;
  auto store = store::Store::Open(dir, o);
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  for (uint64_t i = 0;;) {
    auto writer = (*store)->BeginBatch({0, 0, "crash", {"-"}});
    if (!writer.ok()) return 1;
    for (size_t group = 0; group < 5; ++group) {
      for (size_t k = 0; k < per_group; ++k) {
        if (!(*writer)->Add(MakeEvent(i++)).ok()) return 1;
      }
      // The Add that filled this group handed it over and settled the one
      // before (store.h): that one is written.
      if (group > 0 && write(1, "g", 1) != 1) return 1;
    }
    if (!(*writer)->Finish({}).ok()) return 1;
    if (write(1, "g", 1) != 1) return 1;  // Finish wrote the last group
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  return Run(argv[1], std::strtoul(argv[2], nullptr, 10));
}
