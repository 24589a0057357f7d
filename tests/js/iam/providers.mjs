// usage: node iam/providers.mjs ENDPOINT
// OpenID Connect and SAML providers through @aws-sdk/client-iam: ARNs, lists, dates, tags,
// errors.
import * as iam from "@aws-sdk/client-iam";
import { clientOptions } from "../common.mjs";
import { run, scenario, unique } from "./harness.mjs";
import { metadata } from "./saml.mjs";

const client = new iam.IAMClient(clientOptions(process.argv[2]));
const send = (name, input) => client.send(new iam[`${name}Command`](input));
const { check, rejects, finish } = scenario();
const ACCOUNT = "000000000000";
const THUMB = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";

await run(async () => {
  const host = `${unique("js")}.example.com`;
  const created = await send("CreateOpenIDConnectProvider", {
    Url: `https://${host}`, ClientIDList: ["sts.amazonaws.com"], ThumbprintList: [THUMB],
    Tags: [{ Key: "k", Value: "v" }],
  });
  const arn = created.OpenIDConnectProviderArn;
  check("oidc arn", arn, `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`);
  check("oidc create tags", created.Tags, [{ Key: "k", Value: "v" }]);
  const got = await send("GetOpenIDConnectProvider", { OpenIDConnectProviderArn: arn });
  check("oidc url", got.Url, host);
  check("oidc client ids", got.ClientIDList, ["sts.amazonaws.com"]);
  check("oidc thumbprints", got.ThumbprintList, [THUMB]);
  check("oidc create date", got.CreateDate instanceof Date, true);
  const listed = (await send("ListOpenIDConnectProviders", {})).OpenIDConnectProviderList;
  check("oidc listed", listed.some((p) => p.Arn === arn), true);
  await rejects("oidc duplicate", send("CreateOpenIDConnectProvider", { Url: `https://${host}` }),
    "EntityAlreadyExists", 409);
  await rejects("oidc http url", send("CreateOpenIDConnectProvider", { Url: `http://${host}` }),
    "InvalidInput", 400);
  await send("AddClientIDToOpenIDConnectProvider", { OpenIDConnectProviderArn: arn, ClientID: "web" });
  await send("UpdateOpenIDConnectProviderThumbprint", { OpenIDConnectProviderArn: arn,
    ThumbprintList: [] });
  const after = await send("GetOpenIDConnectProvider", { OpenIDConnectProviderArn: arn });
  check("oidc updated", [after.ClientIDList, after.ThumbprintList], [["sts.amazonaws.com", "web"], []]);
  const tags = await send("ListOpenIDConnectProviderTags", { OpenIDConnectProviderArn: arn });
  check("oidc tags", [tags.Tags, tags.IsTruncated], [[{ Key: "k", Value: "v" }], false]);
  await send("DeleteOpenIDConnectProvider", { OpenIDConnectProviderArn: arn });
  await rejects("oidc gone", send("GetOpenIDConnectProvider", { OpenIDConnectProviderArn: arn }),
    "NoSuchEntity", 404);

  const name = unique("jsidp");
  const saml = await send("CreateSAMLProvider", { Name: name, SAMLMetadataDocument: metadata(),
    Tags: [{ Key: "t", Value: "1" }] });
  check("saml arn", saml.SAMLProviderArn, `arn:aws:iam::${ACCOUNT}:saml-provider/${name}`);
  const sp = await send("GetSAMLProvider", { SAMLProviderArn: saml.SAMLProviderArn });
  check("saml metadata", sp.SAMLMetadataDocument, metadata());
  check("saml valid until", sp.ValidUntil?.toISOString(), "2049-12-31T23:59:59.000Z");
  check("saml dates", sp.CreateDate instanceof Date, true);
  check("saml uuid", typeof sp.SAMLProviderUUID, "string");
  check("saml tags", sp.Tags, [{ Key: "t", Value: "1" }]);
  const sl = (await send("ListSAMLProviders", {})).SAMLProviderList
    .find((p) => p.Arn === saml.SAMLProviderArn);
  check("saml listed", [sl?.ValidUntil instanceof Date, sl?.CreateDate instanceof Date], [true, true]);
  await rejects("saml bad metadata", send("CreateSAMLProvider", { Name: unique("bad"),
    SAMLMetadataDocument: "x".repeat(1200) }), "InvalidInput", 400);
  const upd = await send("UpdateSAMLProvider", { SAMLProviderArn: saml.SAMLProviderArn,
    SAMLMetadataDocument: metadata("2031-01-01T00:00:00Z") });
  check("saml update arn", upd.SAMLProviderArn, saml.SAMLProviderArn);
  check("saml updated", (await send("GetSAMLProvider", { SAMLProviderArn: saml.SAMLProviderArn }))
    .ValidUntil.getUTCFullYear(), 2031);
  await send("UntagSAMLProvider", { SAMLProviderArn: saml.SAMLProviderArn, TagKeys: ["t"] });
  check("saml untagged", (await send("ListSAMLProviderTags", { SAMLProviderArn: saml.SAMLProviderArn }))
    .Tags, []);
  await send("DeleteSAMLProvider", { SAMLProviderArn: saml.SAMLProviderArn });
  await rejects("saml gone", send("GetSAMLProvider", { SAMLProviderArn: saml.SAMLProviderArn }),
    "NoSuchEntity", 404);
  finish();
});
