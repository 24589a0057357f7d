"""The account password policy, login-profile passwords and ChangePassword, and virtual MFA
devices (TOTP codes computed here per RFC 6238), through boto3 on the shared server."""
import base64
import hashlib
import hmac
import struct
import time

import pytest
from botocore.exceptions import ClientError

import iam_helpers as h
import nimbus_support as ns
import qr_decode

STRONG = "Corr3ct-Horse!"


@pytest.fixture(scope="module")
def iam(nimbus):
    return ns.boto3_client(nimbus, "iam")


def error(exc_info) -> tuple[str, int]:
    e = exc_info.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"]


def totp(seed: bytes, step: int) -> str:
    key = base64.b32decode(seed + b"=" * (-len(seed) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000
    return f"{code:06d}"


def codes(seed: bytes, shift: int = 0) -> tuple[str, str]:
    step = int(time.time() // 30) + shift
    return totp(seed, step - 1), totp(seed, step)


def test_password_policy(nimbus, iam):
    # The account-wide policy is shared by every test of the module: this test owns it.
    try:
        iam.delete_account_password_policy()
    except ClientError:
        pass
    with pytest.raises(ClientError) as e:
        iam.get_account_password_policy()
    assert error(e) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as e:
        iam.delete_account_password_policy()
    assert error(e) == ("NoSuchEntity", 404)

    iam.update_account_password_policy(RequireNumbers=True)
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 6, "RequireSymbols": False, "RequireNumbers": True,
        "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False, "ExpirePasswords": False}
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True,
                                       MaxPasswordAge=90, PasswordReusePrevention=3,
                                       AllowUsersToChangePassword=True, HardExpiry=False)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12 and policy["RequireSymbols"] is True
    assert policy["RequireNumbers"] is False  # omitted members go back to their defaults
    assert policy["ExpirePasswords"] is True and policy["MaxPasswordAge"] == 90
    assert policy["PasswordReusePrevention"] == 3 and policy["HardExpiry"] is False
    with pytest.raises(ClientError) as e:
        iam.update_account_password_policy(MaxPasswordAge=2000)
    assert error(e) == ("ValidationError", 400)

    user = h.name("pw")
    iam.create_user(UserName=user)
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName=user, Password="short!")
    assert error(e) == ("PasswordPolicyViolation", 400)
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName=user, Password="longenoughbutnosymbol")
    assert error(e) == ("PasswordPolicyViolation", 400)
    iam.create_login_profile(UserName=user, Password="first-Passw0rd!", PasswordResetRequired=True)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    me = h.creds_client(nimbus, "iam", key)
    with pytest.raises(ClientError) as e:
        me.change_password(OldPassword="wrong-Passw0rd!", NewPassword="second-Passw0rd!")
    assert error(e)[1] == 400
    me.change_password(OldPassword="first-Passw0rd!", NewPassword="second-Passw0rd!")
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"] is False
    with pytest.raises(ClientError) as e:  # reused within the last 3
        me.change_password(OldPassword="second-Passw0rd!", NewPassword="first-Passw0rd!")
    assert error(e) == ("PasswordPolicyViolation", 400)
    with pytest.raises(ClientError) as e:
        me.change_password(OldPassword="second-Passw0rd!", NewPassword="tiny!")
    assert error(e) == ("PasswordPolicyViolation", 400)
    me.change_password(OldPassword="second-Passw0rd!", NewPassword="third-Passw0rd!")
    # The root has no IAM password.
    with pytest.raises(ClientError) as e:
        iam.change_password(OldPassword="a", NewPassword="b")
    assert error(e) == ("InvalidUserType", 400)

    # Without a policy, AWS's default applies: 8+ characters, 3 of 4 character kinds.
    iam.delete_account_password_policy()
    iam.update_login_profile(UserName=user, Password="Abcdefg1")
    with pytest.raises(ClientError) as e:
        iam.update_login_profile(UserName=user, Password="abcdefgh1")
    assert error(e) == ("PasswordPolicyViolation", 400)


def test_virtual_mfa_lifecycle(iam):
    name = h.name("mfa")
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, Path="/team/",
                                        Tags=[{"Key": "k", "Value": "v"}])["VirtualMFADevice"]
    serial = dev["SerialNumber"]
    assert serial == f"arn:aws:iam::{h.ACCOUNT}:mfa/team/{name}"
    seed = dev["Base32StringSeed"]
    assert len(seed) == 64 and set(seed.decode()) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert dev["Tags"] == [{"Key": "k", "Value": "v"}]
    with pytest.raises(ClientError) as e:
        iam.create_virtual_mfa_device(VirtualMFADeviceName=name, Path="/team/")
    assert error(e) == ("EntityAlreadyExists", 409)

    unassigned = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert serial in [d["SerialNumber"] for d in unassigned]
    assert all("Base32StringSeed" not in d for d in unassigned)

    user = h.name("mfauser")
    iam.create_user(UserName=user)
    with pytest.raises(ClientError) as e:
        iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1="123456",
                              AuthenticationCode2="654321")
    assert error(e) == ("InvalidAuthenticationCode", 403)
    c1, c2 = codes(seed)
    with pytest.raises(ClientError) as e:  # not consecutive in this order
        iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=c2,
                              AuthenticationCode2=c1)
    assert error(e) == ("InvalidAuthenticationCode", 403)
    iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=c1,
                          AuthenticationCode2=c2)
    [listed] = iam.list_mfa_devices(UserName=user)["MFADevices"]
    assert listed["SerialNumber"] == serial and listed["UserName"] == user
    assert abs(listed["EnableDate"].timestamp() - time.time()) < 60
    got = iam.get_mfa_device(SerialNumber=serial)
    assert got["UserName"] == user and got["SerialNumber"] == serial
    assigned = {d["SerialNumber"]: d for d in iam.list_virtual_mfa_devices(
        AssignmentStatus="Assigned")["VirtualMFADevices"]}
    assert assigned[serial]["User"]["UserName"] == user and "EnableDate" in assigned[serial]
    other = h.name("other")
    iam.create_user(UserName=other)
    with pytest.raises(ClientError) as e:
        iam.enable_mfa_device(UserName=other, SerialNumber=serial, AuthenticationCode1=c1,
                              AuthenticationCode2=c2)
    assert error(e) == ("EntityAlreadyExists", 409)

    # A device 30 minutes fast resyncs; garbage does not.
    r1, r2 = codes(seed, shift=60)
    iam.resync_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=r1,
                          AuthenticationCode2=r2)
    with pytest.raises(ClientError) as e:
        iam.resync_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1="000000",
                              AuthenticationCode2="000001")
    assert error(e) == ("InvalidAuthenticationCode", 403)

    with pytest.raises(ClientError) as e:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error(e) == ("DeleteConflict", 409)
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName=user)
    assert error(e) == ("DeleteConflict", 409)

    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "k2", "Value": "v2"}])
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["k"])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "k2", "Value": "v2"}]

    with pytest.raises(ClientError) as e:
        iam.deactivate_mfa_device(UserName=other, SerialNumber=serial)
    assert error(e) == ("NoSuchEntity", 404)
    iam.deactivate_mfa_device(UserName=user, SerialNumber=serial)
    assert iam.list_mfa_devices(UserName=user)["MFADevices"] == []
    with pytest.raises(ClientError) as e:
        iam.get_mfa_device(SerialNumber=serial)
    assert error(e) == ("NoSuchEntity", 404)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    with pytest.raises(ClientError) as e:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error(e) == ("NoSuchEntity", 404)
    iam.delete_user(UserName=user)


def test_list_virtual_mfa_devices_pages(iam):
    serials = [iam.create_virtual_mfa_device(VirtualMFADeviceName=h.name("pg"))[
        "VirtualMFADevice"]["SerialNumber"] for _ in range(3)]
    seen, marker = [], None
    while True:
        kw = {"Marker": marker} if marker else {}
        page = iam.list_virtual_mfa_devices(MaxItems=2, **kw)
        seen += [d["SerialNumber"] for d in page["VirtualMFADevices"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert set(serials) <= set(seen) and len(seen) == len(set(seen))
    for s in serials:
        iam.delete_virtual_mfa_device(SerialNumber=s)


@pytest.mark.parametrize("length", [1, 40, 120, 226])
def test_virtual_mfa_qr_code(iam, length):
    """QRCodePNG is a real QR code of the otpauth URI (decoded by zxing-cpp), for names that
    take the symbol through several versions."""
    name = (h.name("qr") + "x" * length)[:length]
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    seed = dev["Base32StringSeed"].decode()
    assert qr_decode.decode(dev["QRCodePNG"]) == [
        f"otpauth://totp/Amazon%20Web%20Services:{name}@{h.ACCOUNT}?secret={seed}"
        "&issuer=Amazon%20Web%20Services"]
    iam.delete_virtual_mfa_device(SerialNumber=dev["SerialNumber"])
