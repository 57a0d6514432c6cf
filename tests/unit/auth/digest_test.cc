#include "auth/digest.h"

#include <gtest/gtest.h>

namespace fleetgate::auth {
namespace {

TEST(DigestTest, HashesLikeSha256sum) {
  EXPECT_EQ(ToHex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, ParsesHexInEitherCaseAndRefusesTheRest) {
  const std::string hex = ToHex(Sha256("abc"));
  ASSERT_TRUE(ParseHexDigest(hex));
  std::string upper = hex;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(*ParseHexDigest(upper), Sha256("abc"));
  EXPECT_FALSE(ParseHexDigest(hex.substr(1)));
  EXPECT_FALSE(ParseHexDigest(hex.substr(1) + "g"));
}

TEST(DigestTest, ComparesStringsOnlyWhenEqual) {
  EXPECT_TRUE(ConstantTimeEquals("token", "token"));
  EXPECT_FALSE(ConstantTimeEquals("token", "tokem"));
  EXPECT_FALSE(ConstantTimeEquals("token", "token2"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(DigestTest, DecodesBase64WithPadding) {
  EXPECT_EQ(*Base64Decode("Z3JhZmFuYTpzM2NyZXQ="), "grafana:s3cret");
  EXPECT_EQ(*Base64Decode("YWI="), "ab");
  EXPECT_EQ(*Base64Decode("YQ=="), "a");
  EXPECT_EQ(*Base64Decode("YWJj"), "abc");
  EXPECT_FALSE(Base64Decode("YWJ"));
  EXPECT_FALSE(Base64Decode("!!!!"));
  EXPECT_FALSE(Base64Decode(""));
}

}  // namespace
}  // namespace fleetgate::auth
