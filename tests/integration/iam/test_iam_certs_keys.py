"""Server and signing certificates (PEM parsed server-side: expiration, key/certificate match),
SSH public keys (MD5 fingerprints, SSH/PEM encodings) and service-specific credentials, through
boto3 on the shared server. Keys and certificates are made here with `cryptography`."""
import base64
import datetime as dt
import hashlib

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

import iam_helpers as h
import nimbus_support as ns


@pytest.fixture(scope="module")
def iam(nimbus):
    return ns.boto3_client(nimbus, "iam")


def error(exc_info) -> tuple[str, int]:
    e = exc_info.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"]


def key_pair(bits: int = 2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def cert_for(key, cn: str = "example.com", days: int = 365) -> tuple[str, dt.datetime]:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    not_after = now + dt.timedelta(days=days)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(not_after)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode(), not_after


def key_pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


KEY = key_pair()
CERT, NOT_AFTER = cert_for(KEY)


def test_server_certificates(iam):
    name = h.name("cert")
    chain, _ = cert_for(key_pair(), "ca.example.com")
    up = iam.upload_server_certificate(ServerCertificateName=name, Path="/cloudfront/",
                                       CertificateBody=CERT, PrivateKey=key_pem(KEY),
                                       CertificateChain=chain, Tags=[{"Key": "a", "Value": "b"}])
    meta = up["ServerCertificateMetadata"]
    assert meta["Arn"] == f"arn:aws:iam::{h.ACCOUNT}:server-certificate/cloudfront/{name}"
    assert meta["ServerCertificateId"].startswith("ASCA") and meta["Path"] == "/cloudfront/"
    assert meta["Expiration"] == NOT_AFTER
    assert up["Tags"] == [{"Key": "a", "Value": "b"}]
    got = iam.get_server_certificate(ServerCertificateName=name)["ServerCertificate"]
    assert got["CertificateBody"] == CERT and got["CertificateChain"] == chain
    assert got["ServerCertificateMetadata"] == meta
    listed = iam.list_server_certificates(PathPrefix="/cloudfront/")[
        "ServerCertificateMetadataList"]
    assert meta in listed
    assert meta not in iam.list_server_certificates(PathPrefix="/other/")[
        "ServerCertificateMetadataList"]

    with pytest.raises(ClientError) as e:
        iam.upload_server_certificate(ServerCertificateName=name, CertificateBody=CERT,
                                      PrivateKey=key_pem(KEY))
    assert error(e) == ("EntityAlreadyExists", 409)
    with pytest.raises(ClientError) as e:
        iam.upload_server_certificate(ServerCertificateName=h.name("x"), CertificateBody=CERT,
                                      PrivateKey=key_pem(key_pair()))
    assert error(e) == ("KeyPairMismatch", 400)
    with pytest.raises(ClientError) as e:
        iam.upload_server_certificate(ServerCertificateName=h.name("x"),
                                      CertificateBody="-----BEGIN CERTIFICATE-----\nnope\n"
                                                      "-----END CERTIFICATE-----",
                                      PrivateKey=key_pem(KEY))
    assert error(e) == ("MalformedCertificate", 400)
    with pytest.raises(ClientError) as e:
        iam.upload_server_certificate(ServerCertificateName=h.name("x"), CertificateBody=CERT,
                                      PrivateKey="not a key")
    assert error(e) == ("MalformedCertificate", 400)

    renamed = h.name("renamed")
    iam.update_server_certificate(ServerCertificateName=name, NewServerCertificateName=renamed,
                                  NewPath="/elb/")
    meta2 = iam.get_server_certificate(ServerCertificateName=renamed)["ServerCertificate"][
        "ServerCertificateMetadata"]
    assert meta2["Arn"].endswith(f":server-certificate/elb/{renamed}")
    assert meta2["ServerCertificateId"] == meta["ServerCertificateId"]
    with pytest.raises(ClientError) as e:
        iam.get_server_certificate(ServerCertificateName=name)
    assert error(e) == ("NoSuchEntity", 404)

    iam.tag_server_certificate(ServerCertificateName=renamed, Tags=[{"Key": "c", "Value": "d"}])
    iam.untag_server_certificate(ServerCertificateName=renamed, TagKeys=["a"])
    assert iam.list_server_certificate_tags(ServerCertificateName=renamed)["Tags"] == [
        {"Key": "c", "Value": "d"}]
    iam.delete_server_certificate(ServerCertificateName=renamed)
    with pytest.raises(ClientError) as e:
        iam.delete_server_certificate(ServerCertificateName=renamed)
    assert error(e) == ("NoSuchEntity", 404)


def test_signing_certificates(iam):
    user = h.name("sig")
    iam.create_user(UserName=user)
    c = iam.upload_signing_certificate(UserName=user, CertificateBody=CERT)["Certificate"]
    assert c["UserName"] == user and c["Status"] == "Active" and len(c["CertificateId"]) >= 24
    with pytest.raises(ClientError) as e:
        iam.upload_signing_certificate(UserName=user, CertificateBody=CERT)
    assert error(e) == ("DuplicateCertificate", 409)
    with pytest.raises(ClientError) as e:
        iam.upload_signing_certificate(UserName=user, CertificateBody="garbage")
    assert error(e) == ("MalformedCertificate", 400)
    second, _ = cert_for(key_pair(), "two")
    iam.upload_signing_certificate(UserName=user, CertificateBody=second)
    third, _ = cert_for(key_pair(), "three")
    with pytest.raises(ClientError) as e:
        iam.upload_signing_certificate(UserName=user, CertificateBody=third)
    assert error(e) == ("LimitExceeded", 409)
    iam.update_signing_certificate(UserName=user, CertificateId=c["CertificateId"],
                                   Status="Inactive")
    certs = {x["CertificateId"]: x for x in iam.list_signing_certificates(UserName=user)[
        "Certificates"]}
    assert certs[c["CertificateId"]]["Status"] == "Inactive" and len(certs) == 2
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName=user)
    assert error(e) == ("DeleteConflict", 409)
    for cid in certs:
        iam.delete_signing_certificate(UserName=user, CertificateId=cid)
    with pytest.raises(ClientError) as e:
        iam.delete_signing_certificate(UserName=user, CertificateId=c["CertificateId"])
    assert error(e) == ("NoSuchEntity", 404)
    iam.delete_user(UserName=user)


def ssh_fingerprint(openssh: str) -> str:
    digest = hashlib.md5(base64.b64decode(openssh.split()[1])).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


def test_ssh_public_keys(iam):
    user = h.name("ssh")
    iam.create_user(UserName=user)
    pub = KEY.public_key()
    openssh = pub.public_bytes(serialization.Encoding.OpenSSH,
                               serialization.PublicFormat.OpenSSH).decode()
    pem = pub.public_bytes(serialization.Encoding.PEM,
                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    k = iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh + " me@laptop")[
        "SSHPublicKey"]
    assert k["Fingerprint"] == ssh_fingerprint(openssh)
    assert k["SSHPublicKeyId"].startswith("APKA") and k["Status"] == "Active"
    kid = k["SSHPublicKeyId"]
    assert iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=kid, Encoding="SSH")[
        "SSHPublicKey"]["SSHPublicKeyBody"] == openssh
    assert iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=kid, Encoding="PEM")[
        "SSHPublicKey"]["SSHPublicKeyBody"] == pem
    with pytest.raises(ClientError) as e:  # the same key as PEM
        iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=pem)
    assert error(e) == ("DuplicateSSHPublicKey", 400)
    small = key_pair(1024).public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    with pytest.raises(ClientError) as e:
        iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=small)
    assert error(e) == ("InvalidPublicKey", 400)
    with pytest.raises(ClientError) as e:
        iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody="hello world")
    assert error(e) == ("UnrecognizedPublicKeyEncoding", 400)
    iam.update_ssh_public_key(UserName=user, SSHPublicKeyId=kid, Status="Inactive")
    [listed] = iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]
    assert listed["Status"] == "Inactive" and listed["SSHPublicKeyId"] == kid
    assert "Fingerprint" not in listed
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName=user)
    assert error(e) == ("DeleteConflict", 409)
    iam.delete_ssh_public_key(UserName=user, SSHPublicKeyId=kid)
    with pytest.raises(ClientError) as e:
        iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=kid, Encoding="SSH")
    assert error(e) == ("NoSuchEntity", 404)
    iam.delete_user(UserName=user)


def test_service_specific_credentials(iam):
    user = h.name("svc")
    iam.create_user(UserName=user)
    c = iam.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredential"]
    assert c["ServiceUserName"] == f"{user}-at-{h.ACCOUNT}" and len(c["ServicePassword"]) >= 40
    assert c["Status"] == "Active" and c["ServiceSpecificCredentialId"].startswith("ACCA")
    cid = c["ServiceSpecificCredentialId"]
    iam.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")
    with pytest.raises(ClientError) as e:
        iam.create_service_specific_credential(UserName=user,
                                               ServiceName="codecommit.amazonaws.com")
    assert error(e) == ("LimitExceeded", 409)
    with pytest.raises(ClientError) as e:
        iam.create_service_specific_credential(UserName=user, ServiceName="s3.amazonaws.com")
    assert error(e) == ("NotSupportedService", 404)
    keys = iam.create_service_specific_credential(UserName=user,
                                                  ServiceName="bedrock.amazonaws.com",
                                                  CredentialAgeDays=30)[
        "ServiceSpecificCredential"]
    assert keys["ServiceCredentialAlias"].endswith(f"-at-{h.ACCOUNT}")
    assert keys["ServiceCredentialSecret"] and "ServicePassword" not in keys
    assert (keys["ExpirationDate"] - keys["CreateDate"]).days == 30

    listed = iam.list_service_specific_credentials(UserName=user,
                                                   ServiceName="codecommit.amazonaws.com")[
        "ServiceSpecificCredentials"]
    assert len(listed) == 2 and all("ServicePassword" not in x for x in listed)
    reset = iam.reset_service_specific_credential(UserName=user,
                                                  ServiceSpecificCredentialId=cid)[
        "ServiceSpecificCredential"]
    assert reset["ServicePassword"] != c["ServicePassword"]
    iam.update_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cid,
                                           Status="Inactive")
    statuses = {x["ServiceSpecificCredentialId"]: x["Status"] for x in
                iam.list_service_specific_credentials(UserName=user)["ServiceSpecificCredentials"]}
    assert statuses[cid] == "Inactive" and len(statuses) == 3
    everyone = iam.list_service_specific_credentials(AllUsers=True)["ServiceSpecificCredentials"]
    assert {x["ServiceSpecificCredentialId"] for x in everyone} >= set(statuses)
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName=user)
    assert error(e) == ("DeleteConflict", 409)
    for x in statuses:
        iam.delete_service_specific_credential(UserName=user, ServiceSpecificCredentialId=x)
    with pytest.raises(ClientError) as e:
        iam.delete_service_specific_credential(UserName=user, ServiceSpecificCredentialId=cid)
    assert error(e) == ("NoSuchEntity", 404)
    iam.delete_user(UserName=user)


def test_renamed_user_keeps_its_credentials(iam):
    user, renamed = h.name("before"), h.name("after")
    iam.create_user(UserName=user)
    iam.upload_signing_certificate(UserName=user, CertificateBody=CERT)
    openssh = KEY.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                            serialization.PublicFormat.OpenSSH).decode()
    iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh)
    iam.create_service_specific_credential(UserName=user, ServiceName="codecommit.amazonaws.com")
    iam.create_access_key(UserName=user)
    iam.update_user(UserName=user, NewUserName=renamed)
    assert len(iam.list_signing_certificates(UserName=renamed)["Certificates"]) == 1
    assert len(iam.list_ssh_public_keys(UserName=renamed)["SSHPublicKeys"]) == 1
    [svc] = iam.list_service_specific_credentials(UserName=renamed)["ServiceSpecificCredentials"]
    assert svc["ServiceUserName"] == f"{renamed}-at-{h.ACCOUNT}"
    assert len(iam.list_access_keys(UserName=renamed)["AccessKeyMetadata"]) == 1


def test_policies_granting_service_access_and_summary(iam):
    user, group = h.name("grant"), h.name("grantg")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="sqs-inline", PolicyDocument=h.allow("sqs:Send*"))
    arn = iam.create_policy(PolicyName=h.name("lam"), PolicyDocument=h.allow("lambda:*"))[
        "Policy"]["Arn"]
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    iam.put_group_policy(GroupName=group, PolicyName="deny-sqs",
                         PolicyDocument=h.allow("sqs:*", effect="Deny"))
    out = iam.list_policies_granting_service_access(
        Arn=f"arn:aws:iam::{h.ACCOUNT}:user/{user}", ServiceNamespaces=["sqs", "lambda", "sns"])
    by_ns = {e["ServiceNamespace"]: e["Policies"] for e in out["PoliciesGrantingServiceAccess"]}
    assert by_ns["sqs"] == [{"PolicyName": "sqs-inline", "PolicyType": "INLINE",
                             "EntityType": "USER", "EntityName": user}]
    assert by_ns["lambda"] == [{"PolicyName": arn.rsplit("/", 1)[1], "PolicyType": "MANAGED",
                                "PolicyArn": arn}]
    assert by_ns["sns"] == [] and out["IsTruncated"] is False
    with pytest.raises(ClientError) as e:
        iam.list_policies_granting_service_access(
            Arn=f"arn:aws:iam::{h.ACCOUNT}:role/nope-{user}", ServiceNamespaces=["sqs"])
    assert error(e) == ("NoSuchEntity", 404)

    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["GlobalEndpointTokenVersion"] == 2
    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v1Token")
    with pytest.raises(ClientError) as e:
        iam.list_organizations_features()
    assert error(e) == ("OrganizationNotFoundException", 400)


def test_root_lists_its_own_none(iam):
    """Without UserName the List calls describe the caller: the root holds none of these."""
    assert iam.list_signing_certificates()["Certificates"] == []
    assert iam.list_ssh_public_keys()["SSHPublicKeys"] == []
    assert iam.list_service_specific_credentials()["ServiceSpecificCredentials"] == []
