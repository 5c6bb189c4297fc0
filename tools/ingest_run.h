// One ingest batch (shared by `ingest` and `demo`): open the store for
// writing, append every valid line of the inputs, copy bad lines to the
// rejects file, and close the batch with its counts and input hashes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "evidence/keys.h"

namespace authtrail::tools {

struct IngestOptions {
  std::string db;
  std::string format = "jsonl";     // or a Salesforce export format (ingest/adapter.h)
  std::string org;                  // --org: org id for exports that carry none
  std::string at;                   // --at: when a snapshot export was taken
  std::string rejects;              // empty: DIR/rejects/batch-N.jsonl
  std::vector<std::string> inputs;  // "-" = standard input
  bool quiet = false;               // no progress line
  // When set, the batch ends with a checkpoint of the tree signed with this
  // key, kept as DB/checkpoints/<tree_size>.json (signing.h). Borrowed.
  const evidence::SigningKey* sign_key = nullptr;
};

struct IngestCounts {
  uint64_t read = 0, stored = 0, duplicates = 0, rejected = 0;
};

// *counts holds what was done even on error; *rejects_path is set (non-empty)
// when lines were rejected; *checkpoint_path to the kept checkpoint file when
// options.sign_key is set (checkpoint_path may then not be null).
Status RunBatch(const IngestOptions& options, IngestCounts* counts, std::string* rejects_path,
                std::string* checkpoint_path = nullptr);

}  // namespace authtrail::tools
