#include "otlp/http_route.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>

#include "auth/http_guard.h"
#include "http/gunzip.h"
#include "http/message.h"

namespace fleetgate::otlp {
namespace {

using pb::collector::metrics::v1::ExportMetricsServiceResponse;

enum class Encoding { kProtobuf, kJson, kOther };

// The media type without parameters, lower-cased.
Encoding EncodingOf(const http::Request& request) {
  std::string type = request.Header("content-type").value_or("");
  type = type.substr(0, type.find(';'));
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return c == ' '; }),
             type.end());
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (type == "application/x-protobuf") return Encoding::kProtobuf;
  if (type == "application/json") return Encoding::kJson;
  return Encoding::kOther;
}

bool Decode(Encoding encoding, const std::string& body, ExportRequest& out, std::string& why) {
  if (encoding == Encoding::kProtobuf) {
    if (out.ParseFromString(body)) return true;
    why =
        "the body is not a valid OTLP ExportMetricsServiceRequest (truncated, or a string "
        "field that is not UTF-8?)";
    return false;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // newer OTLP fields
  auto status = google::protobuf::util::JsonStringToMessage(body, &out, options);
  if (status.ok()) return true;
  why = "the body is not a valid OTLP/JSON ExportMetricsServiceRequest: " +
        std::string(status.message());
  return false;
}

http::Response Answer(Encoding encoding, const ExportSummary& summary) {
  ExportMetricsServiceResponse answer;
  if (summary.rejected_data_points > 0) {
    answer.mutable_partial_success()->set_rejected_data_points(summary.rejected_data_points);
    answer.mutable_partial_success()->set_error_message(summary.error_message);
  }
  http::Response response;
  if (encoding == Encoding::kProtobuf) {
    response.content_type = "application/x-protobuf";
    response.body = answer.SerializeAsString();
  } else {
    (void)google::protobuf::util::MessageToJsonString(answer, &response.body);
  }
  return response;
}

// 403, or 429 with Retry-After in whole seconds (rounded up) and the wait in the message.
http::Response Refused(const ingest::Refusal& refusal) {
  if (refusal.error.code != ErrorCode::kResourceExhausted) {
    return auth::RefusalResponse(refusal.error);
  }
  http::Response response =
      http::JsonError(429, std::string(refusal.error.Reason()), refusal.error.message);
  const int64_t seconds = (refusal.retry_after.count() + 999) / 1000;
  response.headers.emplace_back("Retry-After", std::to_string(std::max<int64_t>(1, seconds)));
  return response;
}

}  // namespace

http::Response HandleExport(ExportProcessor& processor, const ingest::ReportGate* gate,
                            const http::Request& request) {
  std::optional<auth::Identity> identity;
  if (gate != nullptr) {
    auto caller = gate->AdmitHttpCall(request.Header("authorization"), request.peer);
    if (!caller.ok()) return auth::RefusalResponse(caller.error());
    identity = std::move(caller).value();
  }
  const Encoding encoding = EncodingOf(request);
  if (encoding == Encoding::kOther) {
    return http::JsonError(415, "unsupported_media_type",
                           "send application/x-protobuf or application/json");
  }
  const std::string coding = request.Header("content-encoding").value_or("identity");
  std::string inflated;
  const std::string* body = &request.body;
  if (coding == "gzip") {
    Result<std::string> result =
        http::GzipDecompress(request.body, processor.options().max_decoded_bytes);
    if (!result.ok()) return http::ErrorResponse(result.error());
    inflated = std::move(result).value();
    body = &inflated;
  } else if (coding != "identity") {
    return http::JsonError(415, "unsupported_media_type",
                           "Content-Encoding \"" + coding + "\": only gzip is supported");
  }
  thread_local ExportRequest decoded;
  decoded.Clear();
  std::string why;
  if (!Decode(encoding, *body, decoded, why)) {
    return http::JsonError(400, "malformed_payload", why);
  }
  std::optional<ingest::Refusal> refusal;
  Admission admit;
  if (gate != nullptr && gate->enabled()) {
    admit = [&](const std::vector<auth::ServiceEvents>& services) -> Status {
      refusal = gate->Admit(identity, services, {"http", [&request] { return request.peer; }});
      return refusal ? Status(refusal->error) : Status();
    };
  }
  Result<ExportSummary> summary = processor.Export(decoded, admit);
  if (refusal) return Refused(*refusal);
  if (!summary.ok()) return http::ErrorResponse(summary.error());
  return Answer(encoding, summary.value());
}

void AddOtlpRoutes(http::Router& router, ExportProcessor& processor, const ingest::ReportGate* gate,
                   ingest::DurableAcks* acks) {
  router.Handle("POST", "/v1/metrics", [&processor, gate, acks](const http::Request& request) {
    if (acks == nullptr) return HandleExport(processor, gate, request);
    http::Response response;
    grpc::Status status = acks->AnswerBlocking([&] {
      response = HandleExport(processor, gate, request);
      return response.status < 400;  // applied; a refusal is answered as it is
    });
    if (status.ok()) return response;
    return http::JsonError(503, "not_committed", status.error_message());
  });
}

}  // namespace fleetgate::otlp
