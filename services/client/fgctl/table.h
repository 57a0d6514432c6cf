#pragma once
// A plain-text table for fgctl's human output: left-aligned columns sized to their widest cell.
// Thread-compatible.

#include <ostream>
#include <string>
#include <vector>

namespace fleetgate::fgctl {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  size_t size() const { return rows_.size() - 1; }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace fleetgate::fgctl
