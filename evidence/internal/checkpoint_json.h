// The checkpoint JSON object as a simdjson element, for formats that embed a
// checkpoint (bundle.h) (internal to evidence/).
#pragma once

#include <string>

#include "evidence/checkpoint.h"
#include "evidence/internal/json_reader.h"

namespace authtrail::evidence::internal {

// Reads the object of checkpoint.h's file format; kCorruption as
// ParseCheckpointFile, prefixed with `what`.
Result<SignedCheckpoint> CheckpointFromJson(dom::element e, std::string what);

}  // namespace authtrail::evidence::internal
