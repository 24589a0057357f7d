#include "services/iam/federation/providers.h"

#include <gtest/gtest.h>

#include "services/common/base64.h"
#include "services/iam/federation/xml_lite.h"

namespace nimbus::iam {
namespace {

TEST(XmlLite, ParsesNestingAttributesEntitiesAndCdata) {
  auto doc = ParseXml(R"(<?xml version="1.0"?><!-- c --><a:root x="1 &amp; 2" y='q'>
    <b>t&lt;&#65;&#x42;</b><c/><b><![CDATA[<raw>]]></b></a:root>)");
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->size(), 4u);
  EXPECT_EQ((*doc)[0].name, "root");
  EXPECT_EQ(Attribute((*doc)[0], "x"), "1 & 2");
  EXPECT_EQ(Attribute((*doc)[0], "y"), "q");
  EXPECT_EQ((*doc)[1].text, "t<AB");
  EXPECT_EQ((*doc)[3].text, "<raw>");
  EXPECT_EQ(FindElement(*doc, "c"), 2);
  EXPECT_EQ(FindElement(*doc, "b", 1), -1);
  EXPECT_TRUE(IsBelow(*doc, 3, 0));
}

TEST(XmlLite, RejectsMalformedDocuments) {
  for (const char* bad : {"", "text", "<a>", "<a></b>", "<a/><b/>", "<a x=1/>", "<a>&bogus;</a>",
                          "<a><b></a></b>", "<a>x</a>trailing"}) {
    EXPECT_FALSE(ParseXml(bad)) << bad;
  }
}

TEST(Providers, OidcUrlsAndArns) {
  EXPECT_EQ(OidcProviderIdFromUrl("https://Token.Example.COM/Path/"), "token.example.com/Path");
  EXPECT_FALSE(OidcProviderIdFromUrl("http://example.com"));
  EXPECT_FALSE(OidcProviderIdFromUrl("https://"));
  EXPECT_FALSE(OidcProviderIdFromUrl("https://a.com/?q=1"));
  EXPECT_EQ(OidcProviderIdFromArn("arn:aws:iam::123456789012:oidc-provider/a.com/x"), "a.com/x");
  EXPECT_FALSE(OidcProviderIdFromArn("arn:aws:iam::123456789012:role/a"));
  EXPECT_EQ(SamlProviderNameFromArn("arn:aws:iam::123456789012:saml-provider/Okta"), "Okta");
}

TEST(Providers, IsoTimes) {
  EXPECT_EQ(ParseIsoTime("1970-01-02T00:00:00Z"), 86400.0);
  EXPECT_EQ(ParseIsoTime("1970-01-02T01:00:00+01:00"), 86400.0);
  EXPECT_DOUBLE_EQ(*ParseIsoTime("1970-01-01T00:00:01.500Z"), 1.5);
  EXPECT_FALSE(ParseIsoTime("yesterday"));
}

TEST(Providers, SamlMetadataAndResponse) {
  auto md = ParseSamlMetadata(
      R"(<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp" validUntil="2030-01-01T00:00:00.000Z"/>)");
  ASSERT_TRUE(md);
  EXPECT_EQ(md->entity_id, "https://idp");
  EXPECT_EQ(md->valid_until, "2030-01-01T00:00:00Z");
  EXPECT_FALSE(ParseSamlMetadata("<EntitiesDescriptor/>"));

  std::string xml = R"(<p:Response xmlns:p="p" xmlns:s="s"><s:Issuer>https://idp</s:Issuer>
    <s:Assertion><s:Issuer> https://idp </s:Issuer><s:Subject>
    <s:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">abc</s:NameID>
    <s:SubjectConfirmation><s:SubjectConfirmationData Recipient="https://signin.aws.amazon.com/saml"/></s:SubjectConfirmation>
    </s:Subject><s:Conditions NotOnOrAfter="2030-01-01T00:00:00Z"><s:AudienceRestriction>
    <s:Audience>https://signin.aws.amazon.com/saml</s:Audience></s:AudienceRestriction></s:Conditions>
    <s:AttributeStatement><s:Attribute Name="R"><s:AttributeValue>a,b</s:AttributeValue>
    <s:AttributeValue>c,d</s:AttributeValue></s:Attribute></s:AttributeStatement></s:Assertion>
    </p:Response>)";
  std::string error;
  auto a = ParseSamlResponse(Base64Encode(xml), error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->issuer, "https://idp");
  EXPECT_EQ(a->name_id, "abc");
  EXPECT_EQ(a->audience, "https://signin.aws.amazon.com/saml");
  EXPECT_EQ(a->recipient, "https://signin.aws.amazon.com/saml");
  EXPECT_EQ(a->not_on_or_after, *ParseIsoTime("2030-01-01T00:00:00Z"));
  EXPECT_EQ(a->attributes["R"], (std::vector<std::string>{"a,b", "c,d"}));
  EXPECT_FALSE(ParseSamlResponse("%%%", error));
  EXPECT_FALSE(ParseSamlResponse(Base64Encode("<Response/>"), error));
}

}  // namespace
}  // namespace nimbus::iam
