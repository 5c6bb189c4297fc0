// MemoryNodes: a NodeSource kept in memory, fed by Frontier::Append's
// finalized nodes. For tests, benchmarks and verifying small trees; a store
// persists the same nodes instead.
//
// Thread-safety: thread-compatible.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "evidence/merkle.h"

namespace authtrail::evidence {

class MemoryNodes : public NodeSource {
 public:
  // Stores `nodes`. Nodes of one level must arrive in index order without
  // gaps, as Frontier::Append produces them; kInvalidArgument otherwise.
  Status Add(std::span<const Node> nodes) {
    for (const Node& n : nodes) {
      if (levels_.size() <= n.id.level) levels_.resize(n.id.level + 1);
      auto& level = levels_[n.id.level];
      if (n.id.index != level.size()) {
        return Status::InvalidArgument("merkle node (" + std::to_string(n.id.level) + ", " +
                                       std::to_string(n.id.index) + ") out of order");
      }
      level.push_back(n.hash);
    }
    return Status::Ok();
  }

  Result<Hash> GetNode(NodeId id) const override {
    if (id.level >= levels_.size() || id.index >= levels_[id.level].size()) {
      return Status::NotFound("no merkle node (" + std::to_string(id.level) + ", " +
                              std::to_string(id.index) + ")");
    }
    return levels_[id.level][id.index];
  }

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[level][index]
};

}  // namespace authtrail::evidence
