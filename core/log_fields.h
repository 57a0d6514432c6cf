#pragma once
// Structured fields for one log line: a log call made while a LogFields is alive on the same
// thread carries them (the JSON log prints each as its own key, the text log as key=value after
// the message). Needs no logging library; see LogWith in core/structured_log.h.

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace fleetgate {

using LogFieldList = std::vector<std::pair<std::string, std::string>>;

class LogFields {
 public:
  explicit LogFields(std::initializer_list<std::pair<std::string, std::string>> fields);
  explicit LogFields(LogFieldList fields);
  ~LogFields();
  LogFields(const LogFields&) = delete;
  LogFields& operator=(const LogFields&) = delete;

  // The fields of the innermost LogFields alive on this thread; nullptr when none.
  static const LogFieldList* Current();

 private:
  LogFieldList fields_;
  const LogFieldList* previous_;
};

}  // namespace fleetgate
