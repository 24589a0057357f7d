"""With PERSISTENCE=1 the new IAM/STS state survives a restart: identity providers, MFA
assignments, the password policy and passwords, certificates, federation sessions."""
import json
import signal

from cryptography.hazmat.primitives import serialization

import iam_helpers as h
import nimbus_support as ns
import saml_fixtures as saml
from test_iam_certs_keys import CERT, KEY, key_pem
from test_iam_password_mfa import codes


def test_state_survives_a_restart(start_nimbus):
    server = start_nimbus(PERSISTENCE="1")
    iam = ns.boto3_client(server, "iam")
    sts = ns.boto3_client(server, "sts")
    oidc = iam.create_open_id_connect_provider(Url="https://kept.example.com",
                                               ClientIDList=["app"])["OpenIDConnectProviderArn"]
    provider = iam.create_saml_provider(Name="kept", SAMLMetadataDocument=saml.metadata())[
        "SAMLProviderArn"]
    iam.update_account_password_policy(MinimumPasswordLength=9)
    iam.create_user(UserName="keeper")
    iam.create_login_profile(UserName="keeper", Password="Kept-pass-1")
    key = iam.create_access_key(UserName="keeper")["AccessKey"]
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName="kept")["VirtualMFADevice"]
    c1, c2 = codes(dev["Base32StringSeed"])
    iam.enable_mfa_device(UserName="keeper", SerialNumber=dev["SerialNumber"],
                          AuthenticationCode1=c1, AuthenticationCode2=c2)
    iam.upload_server_certificate(ServerCertificateName="kept", CertificateBody=CERT,
                                  PrivateKey=key_pem(KEY))
    fed = sts.get_federation_token(Name="kept", Policy=h.allow("s3:*"))["Credentials"]
    data_dir = server.workdir / "data"
    assert server.stop(signal.SIGTERM, timeout=5) == 0

    again = start_nimbus(PERSISTENCE="1", DATA_DIR=str(data_dir))
    iam = ns.boto3_client(again, "iam")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc)["ClientIDList"] == [
        "app"]
    assert iam.get_saml_provider(SAMLProviderArn=provider)["SAMLMetadataDocument"] == \
        saml.metadata()
    assert iam.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 9
    [mfa] = iam.list_mfa_devices(UserName="keeper")["MFADevices"]
    assert mfa["SerialNumber"] == dev["SerialNumber"]
    assert iam.get_server_certificate(ServerCertificateName="kept")["ServerCertificate"][
        "CertificateBody"] == CERT
    h.creds_client(again, "iam", key).change_password(OldPassword="Kept-pass-1",
                                                       NewPassword="Kept-pass-2")
    who = h.creds_client(again, "sts", fed).get_caller_identity()
    assert who["Arn"] == f"arn:aws:sts::{h.ACCOUNT}:federated-user/kept"
