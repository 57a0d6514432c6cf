#include "client/fgctl/rest_client.h"

#include <curl/curl.h>

#include <memory>

namespace fleetgate::fgctl {
namespace {

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.size() > 200 ? line.substr(0, 200) + "…" : line;
}

// "404 service_not_found: no live instance …" from the gateway's error shape, else the raw body.
std::string DescribeError(long status, const std::string& body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
    const nlohmann::json& error = parsed["error"];
    return std::to_string(status) + " " + error.value("code", "error") + ": " +
           FirstLine(error.value("message", ""));
  }
  return "HTTP " + std::to_string(status) + (body.empty() ? "" : ": " + FirstLine(body));
}

bool IsRouteNotFound(long status, const std::string& body) {
  if (status != 404) return false;
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  return parsed.is_object() && parsed.contains("error") && parsed["error"].is_object() &&
         parsed["error"].value("code", "") == "not_found";
}

}  // namespace

RestClient::RestClient(std::string base, std::string token, std::chrono::milliseconds timeout,
                       std::string ca_file)
    : base_(std::move(base)),
      token_(std::move(token)),
      timeout_(timeout),
      ca_file_(std::move(ca_file)) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
  if (base_.find("://") == std::string::npos) base_ = "http://" + base_;
}

RestClient::Raw RestClient::Send(const std::string& method, const std::string& path,
                                 const std::string& body) const {
  Raw raw;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  struct curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  if (!body.empty()) headers = curl_slist_append(headers, "Content-Type: application/json");
  std::string auth = "Authorization: Bearer " + token_;
  if (!token_.empty()) headers = curl_slist_append(headers, auth.c_str());
  std::string url = base_ + path;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  if (!ca_file_.empty()) curl_easy_setopt(curl.get(), CURLOPT_CAINFO, ca_file_.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &raw.body);
  if (!body.empty() || method == "POST" || method == "PUT") {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  CURLcode code = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    raw.error = std::string("cannot reach fleetgate at ") + base_ + ": " + curl_easy_strerror(code);
    return raw;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &raw.status);
  return raw;
}

JsonResult RestClient::Call(const std::string& method, const std::string& path,
                            const std::string& route, const std::string& body) const {
  JsonResult result;
  Raw raw = Send(method, path, body);
  result.status = raw.status;
  if (!raw.error.empty()) {
    result.error = raw.error;
  } else if (IsRouteNotFound(raw.status, raw.body)) {
    result.error =
        "this fleetgate does not serve " + route + " yet (404 not_found at " + base_ + ")";
  } else if (raw.status < 200 || raw.status >= 300) {
    result.error = route + ": " + DescribeError(raw.status, raw.body);
    nlohmann::json error = nlohmann::json::parse(raw.body, nullptr, false);
    if (error.is_object() && error.value("error", nlohmann::json()).is_object()) {
      result.error_code = error["error"].value("code", "");
    }
  } else if (!raw.body.empty()) {
    result.body = nlohmann::json::parse(raw.body, nullptr, false);
    if (result.body.is_discarded()) result.error = route + ": the response is not JSON";
  }
  return result;
}

std::string UrlEncode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace fleetgate::fgctl
