// pistache-tls-server: the smallest Pistache 0.0.5 HTTPS endpoint (useSSL), for measuring whether
// one silent TLS client stalls the others (bench/https_stall/measure.py). Not part of fleetgate.
// Prints the bound port on stdout, answers every request with "ok", runs until stdin closes.
#define PISTACHE_USE_SSL 1

#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <iostream>
#include <memory>
#include <string>

namespace {

class OkHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(OkHandler)

  void onRequest(const Pistache::Http::Request&, Pistache::Http::ResponseWriter response) override {
    response.send(Pistache::Http::Code::Ok, "ok\n");
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: pistache-tls-server CERT_FILE KEY_FILE THREADS\n";
    return 2;
  }
  Pistache::Address address(Pistache::Ipv4::loopback(), Pistache::Port(0));
  Pistache::Http::Endpoint endpoint(address);
  endpoint.init(Pistache::Http::Endpoint::options()
                    .threads(std::stoi(argv[3]))
                    .flags(Pistache::Tcp::Options::ReuseAddr | Pistache::Tcp::Options::NoDelay));
  endpoint.setHandler(Pistache::Http::make_handler<OkHandler>());
  endpoint.useSSL(argv[1], argv[2]);
  endpoint.serveThreaded();
  std::cout << static_cast<uint16_t>(endpoint.getPort()) << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  endpoint.shutdown();
  return 0;
}
