// Signing the store's Merkle tree head now, and the files that carry it
// (shared by `checkpoint`, `ingest --sign-key` and `evidence --key`).
#pragma once

#include <string>

#include "common/status.h"
#include "evidence/checkpoint.h"
#include "store/store.h"

namespace authtrail::tools {

// The environment variable `ingest` reads a signing key path from when
// --sign-key is not given.
inline constexpr const char* kSignKeyEnv = "AUTHTRAIL_SIGN_KEY";

MicrosUtc WallClockMicros();

// Signs "store S held N records with root R at now" for the store's current
// tree. Errors of Store::TreeHeadAt.
Result<evidence::SignedCheckpoint> SignTreeHead(store::Store* st, const evidence::SigningKey& key);

// Where ingest keeps the checkpoint of a tree of `tree_size` records:
// DB/checkpoints/<tree_size>.json.
std::string CheckpointPathFor(const std::string& db, uint64_t tree_size);

// Writes `cp` to CheckpointPathFor(db, size) (directory created, file written
// then renamed into place) unless that file exists already: a checkpoint of
// the same tree signed earlier is kept, never rewritten. Returns the path.
// kIOError when the file cannot be written.
Result<std::string> KeepCheckpoint(const std::string& db, const evidence::SignedCheckpoint& cp);

// Whole-file read / replace. kNotFound (cannot open) / kIOError.
Result<std::string> ReadTextFile(const std::string& path);
Status WriteTextFile(const std::string& path, const std::string& text);

}  // namespace authtrail::tools
