#include "core/log_fields.h"

#include <utility>

namespace fleetgate {
namespace {

thread_local const LogFieldList* current_fields = nullptr;

}  // namespace

LogFields::LogFields(std::initializer_list<std::pair<std::string, std::string>> fields)
    : fields_(fields), previous_(current_fields) {
  current_fields = &fields_;
}

LogFields::LogFields(LogFieldList fields) : fields_(std::move(fields)), previous_(current_fields) {
  current_fields = &fields_;
}

LogFields::~LogFields() { current_fields = previous_; }

const LogFieldList* LogFields::Current() { return current_fields; }

}  // namespace fleetgate
