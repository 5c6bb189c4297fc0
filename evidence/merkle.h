// RFC 6962 Merkle tree over the log: hashing, an append-only frontier, and
// inclusion / consistency proofs with their verifiers.
//
// The tree is the one of RFC 6962 §2.1 (RFC 9162 §2.1): for leaves D[0..n),
//   leaf hash  = SHA-256(0x00 | leaf bytes)
//   node hash  = SHA-256(0x01 | left | right)
//   MTH({})    = SHA-256("")
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of 2 < n.
// Everything an auditor needs to check a proof is in that definition, so any
// RFC 6962 verifier (Certificate Transparency, Trillian, sigstore) checks ours.
//
// Storage model (what a store persists). A *complete node* (level L, index i)
// is the root of the perfect subtree over leaves [i·2^L, (i+1)·2^L); once all
// its leaves exist its hash never changes, so it can be written once and never
// rewritten. Frontier::Append reports each complete node the append creates:
// the leaf itself (level 0) and one parent per level it completes, under two
// nodes per leaf (2n - popcount(n) for n leaves). With those persisted, every proof
// for any tree size up to n is computed from O(log n) reads through a
// NodeSource, and the frontier itself can be rebuilt after a restart from the
// popcount(n) nodes that cover [0, n) (Frontier::Load). Nodes over an
// incomplete right edge are never stored: they are recomputed per proof.
// A NodeSource need not persist every level: the store keeps only levels
// >= K and recomputes a lower node from its 2^L leaves on demand (at most
// 2^K - 1 leaves per proof), 1/2^K of the writes (store/merkle_nodes.h).
// Rejected alternative: storing the root per size (O(1) roots but no proofs)
// or a node layout keyed by tree size (rewrites on every append).
//
// Thread-safety: free functions are thread-safe; Frontier is
// thread-compatible; NodeSource implementations say their own.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"

namespace authtrail::evidence {

using Hash = Digest;

Hash HashLeaf(std::string_view leaf_bytes);
Hash HashChildren(const Hash& left, const Hash& right);
Hash EmptyTreeHash();  // SHA-256 of the empty string

// A complete subtree: leaves [index << level, (index + 1) << level).
struct NodeId {
  uint32_t level = 0;
  uint64_t index = 0;
  friend bool operator==(const NodeId&, const NodeId&) = default;
};

struct Node {
  NodeId id;
  Hash hash;
};

// Where proofs read complete nodes from (a store's persisted nodes, or memory).
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  // The hash of complete node `id`. kNotFound when it is not (yet) stored;
  // any other error is passed on to the proof's caller unchanged.
  virtual Result<Hash> GetNode(NodeId id) const = 0;
};

// The compact range [0, size): the roots of the perfect subtrees that cover
// the leaves so far, largest (leftmost) first, one per set bit of size.
// Appending a leaf costs at most log2(n) hashes and reads nothing.
class Frontier {
 public:
  Frontier() = default;  // the empty tree

  // Rebuilds the frontier of a tree of `size` leaves from its covering nodes,
  // read from `source` (popcount(size) reads). Returns the source's error
  // (with context) if a node is missing.
  static Result<Frontier> Load(uint64_t size, const NodeSource& source);

  // The node ids Load reads, largest first: what a store must keep to resume.
  static std::vector<NodeId> CoveringNodes(uint64_t size);

  // Appends the leaf with hash `leaf_hash` (see HashLeaf). Appends to
  // *finalized (not cleared, so a caller can collect a whole write group) each
  // complete node created: first the leaf (0, old size), then each parent it
  // completes, lowest level first. REQUIRES: finalized != nullptr.
  void Append(const Hash& leaf_hash, std::vector<Node>* finalized);

  uint64_t size() const { return size_; }
  // MTH of the leaves so far (EmptyTreeHash() when empty); popcount(size)-1 hashes.
  Hash Root() const;
  // The covering node hashes, largest first (matches CoveringNodes(size())).
  std::span<const Hash> hashes() const { return hashes_; }

 private:
  uint64_t size_ = 0;
  std::vector<Hash> hashes_;
};

// The RFC 6962 §2.1.1 audit path for leaf `index` in the tree of the first
// `size` leaves, bottom-up (sibling of the leaf first). Empty for size 1.
// kInvalidArgument if index >= size; the source's error if a node is missing.
Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeSource& source);

// The RFC 6962 §2.1.2 consistency proof from the tree of `old_size` leaves to
// the tree of `new_size` leaves. Empty when old_size is 0 or equals new_size.
// kInvalidArgument if old_size > new_size; the source's error if a node is missing.
Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                           const NodeSource& source);

// MTH of leaves [0, size) computed from complete nodes; EmptyTreeHash() for 0.
Result<Hash> RootFromSource(uint64_t size, const NodeSource& source);

// RFC 9162 §2.1.3.2: true iff `proof` shows that the leaf with hash
// `leaf_hash` is at `index` in the tree of `size` leaves whose root is `root`.
// (size, root) must come from one signed checkpoint: the verifier trusts that
// pairing, as every RFC 6962 verifier does.
[[nodiscard]] bool VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                   std::span<const Hash> proof, const Hash& root);

// The root the proof leads to (what VerifyInclusion compares), or
// kCorruption when the proof's length does not fit (index, size).
Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                    std::span<const Hash> proof);

// RFC 9162 §2.1.4.2: true iff `proof` shows that the tree of `old_size`
// leaves with root `old_root` is a prefix of the tree of `new_size` leaves
// with root `new_root`. Equal sizes need equal roots and an empty proof;
// old_size 0 needs an empty proof (the empty tree is a prefix of any tree).
[[nodiscard]] bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                                     const Hash& new_root, std::span<const Hash> proof);

}  // namespace authtrail::evidence
