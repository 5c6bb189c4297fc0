// Proof generation follows the recursive definitions of RFC 6962 §2.1.1
// (PATH) and §2.1.2 (SUBPROOF) over leaf ranges [lo, hi); the verifiers are the
// iterative algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, written to be read
// side by side with the RFC. Recursion depth is at most 64 (one per level).
#include "evidence/merkle.h"

#include <bit>
#include <cassert>
#include <string>

namespace authtrail::evidence {
namespace {

Hash Prefixed(char prefix, std::string_view a, std::string_view b = {}) {
  Sha256 h;
  h.Update(std::string_view(&prefix, 1));
  h.Update(a);
  h.Update(b);
  return h.Finish();
}

std::string_view View(const Hash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

// The largest power of two strictly less than n. REQUIRES: n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// Right-to-left fold of covering hashes (largest first) into one MTH.
Hash FoldRight(std::span<const Hash> hashes) {
  Hash r = hashes.back();
  for (size_t i = hashes.size() - 1; i-- > 0;) r = HashChildren(hashes[i], r);
  return r;
}

// MTH(D[begin:end]) where begin is aligned to the largest power of two not
// above end - begin, which holds for every range RFC 6962's recursion names.
// Reads the perfect subtrees covering the range, largest first.
Result<Hash> RangeHash(uint64_t begin, uint64_t end, const NodeSource& source) {
  assert(begin < end);
  std::vector<Hash> parts;
  while (begin < end) {
    uint32_t level = std::bit_width(end - begin) - 1;
    assert(begin % (uint64_t{1} << level) == 0);
    auto node = source.GetNode({level, begin >> level});
    if (!node.ok()) {
      return node.status().WithContext("merkle node (" + std::to_string(level) + ", " +
                                       std::to_string(begin >> level) + ")");
    }
    parts.push_back(*node);
    begin += uint64_t{1} << level;
  }
  return FoldRight(parts);
}

// PATH(m, D[lo:hi]) appended bottom-up to *out.
Status AppendPath(uint64_t m, uint64_t lo, uint64_t hi, const NodeSource& source,
                  std::vector<Hash>* out) {
  if (hi - lo == 1) return Status::Ok();
  uint64_t mid = lo + SplitPoint(hi - lo);
  bool left = m < mid;
  AT_RETURN_IF_ERROR(left ? AppendPath(m, lo, mid, source, out)
                          : AppendPath(m, mid, hi, source, out));
  AT_ASSIGN_OR_RETURN(Hash sibling, left ? RangeHash(mid, hi, source) : RangeHash(lo, mid, source));
  out->push_back(sibling);
  return Status::Ok();
}

// SUBPROOF(m - lo, D[lo:hi], whole) appended to *out. REQUIRES: lo < m <= hi.
Status AppendSubproof(uint64_t m, uint64_t lo, uint64_t hi, bool whole, const NodeSource& source,
                      std::vector<Hash>* out) {
  if (m == hi) {
    if (whole) return Status::Ok();
    AT_ASSIGN_OR_RETURN(Hash h, RangeHash(lo, hi, source));
    out->push_back(h);
    return Status::Ok();
  }
  uint64_t mid = lo + SplitPoint(hi - lo);
  bool left = m <= mid;
  AT_RETURN_IF_ERROR(left ? AppendSubproof(m, lo, mid, whole, source, out)
                          : AppendSubproof(m, mid, hi, false, source, out));
  AT_ASSIGN_OR_RETURN(Hash other, left ? RangeHash(mid, hi, source) : RangeHash(lo, mid, source));
  out->push_back(other);
  return Status::Ok();
}

// RFC 9162: "right-shift both fn and sn equally until either LSB(fn) is set or fn is 0".
void ShiftToSetBit(uint64_t* fn, uint64_t* sn) {
  while ((*fn & 1) == 0 && *fn != 0) {
    *fn >>= 1;
    *sn >>= 1;
  }
}

}  // namespace

Hash HashLeaf(std::string_view leaf_bytes) { return Prefixed('\x00', leaf_bytes); }

Hash HashChildren(const Hash& left, const Hash& right) {
  return Prefixed('\x01', View(left), View(right));
}

Hash EmptyTreeHash() { return Sha256Of(""); }

std::vector<NodeId> Frontier::CoveringNodes(uint64_t size) {
  std::vector<NodeId> ids;
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if ((size & width) == 0) continue;
    ids.push_back({static_cast<uint32_t>(level), begin >> level});
    begin += width;
  }
  return ids;
}

Result<Frontier> Frontier::Load(uint64_t size, const NodeSource& source) {
  Frontier f;
  for (const NodeId& id : CoveringNodes(size)) {
    auto node = source.GetNode(id);
    if (!node.ok()) {
      return node.status().WithContext("loading merkle frontier of size " + std::to_string(size));
    }
    f.hashes_.push_back(*node);
  }
  f.size_ = size;
  return f;
}

void Frontier::Append(const Hash& leaf_hash, std::vector<Node>* finalized) {
  assert(finalized != nullptr);
  finalized->push_back({{0, size_}, leaf_hash});
  Hash h = leaf_hash;
  NodeId id{0, size_};
  // Each trailing 1 bit of the old size is a perfect subtree of the same
  // width as the one just completed, immediately to its left: merge them.
  while (id.index & 1) {
    h = HashChildren(hashes_.back(), h);
    hashes_.pop_back();
    id = {id.level + 1, id.index >> 1};
    finalized->push_back({id, h});
  }
  hashes_.push_back(h);
  ++size_;
}

Hash Frontier::Root() const { return hashes_.empty() ? EmptyTreeHash() : FoldRight(hashes_); }

Result<Hash> RootFromSource(uint64_t size, const NodeSource& source) {
  if (size == 0) return EmptyTreeHash();
  return RangeHash(0, size, source);
}

Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeSource& source) {
  if (index >= size) {
    return Status::InvalidArgument("inclusion proof: leaf " + std::to_string(index) +
                                   " is not in a tree of size " + std::to_string(size));
  }
  std::vector<Hash> proof;
  AT_RETURN_IF_ERROR(AppendPath(index, 0, size, source, &proof));
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                           const NodeSource& source) {
  if (old_size > new_size) {
    return Status::InvalidArgument("consistency proof: old size " + std::to_string(old_size) +
                                   " is larger than new size " + std::to_string(new_size));
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  AT_RETURN_IF_ERROR(AppendSubproof(old_size, 0, new_size, true, source, &proof));
  return proof;
}

Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                    std::span<const Hash> proof) {
  if (index >= size) return Status::Corruption("inclusion proof: leaf index beyond tree size");
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return Status::Corruption("inclusion proof: too many hashes");
    if ((fn & 1) || fn == sn) {
      r = HashChildren(p, r);
      ShiftToSetBit(&fn, &sn);
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::Corruption("inclusion proof: too few hashes");
  return r;
}

bool VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                     std::span<const Hash> proof, const Hash& root) {
  auto computed = RootFromInclusionProof(index, size, leaf_hash, proof);
  return computed.ok() && *computed == root;
}

bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, std::span<const Hash> proof) {
  if (old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (old_size == 0) return proof.empty();
  if (proof.empty()) return false;
  // Step 2: when old_size is a power of two the old root is itself a node of
  // the new tree and the proof omits it; start from it.
  bool omitted = std::has_single_bit(old_size);
  Hash fr = omitted ? old_root : proof[0];
  Hash sr = fr;
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {  // step 4
    fn >>= 1;
    sn >>= 1;
  }
  for (size_t i = omitted ? 0 : 1; i < proof.size(); ++i) {
    const Hash& c = proof[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      ShiftToSetBit(&fn, &sn);
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == old_root && sr == new_root;
}

}  // namespace authtrail::evidence
