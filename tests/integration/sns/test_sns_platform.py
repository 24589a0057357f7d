"""Mobile push and SMS operations: stored and answered in AWS's shapes (nothing is sent)."""
from __future__ import annotations

import json

from sns_helpers import ACCOUNT, REGION, clients, name, raises_aws

import nimbus_support as ns


def test_platform_applications_and_endpoints(nimbus):
    sns, _ = clients(nimbus)
    app_name = name("app")
    app = sns.create_platform_application(
        Name=app_name, Platform="GCM", Attributes={"PlatformCredential": "secret"})["PlatformApplicationArn"]
    assert app == f"arn:aws:sns:{REGION}:{ACCOUNT}:app/GCM/{app_name}"
    attrs = sns.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"]
    assert "PlatformCredential" not in attrs and attrs["Enabled"] == "true"
    sns.set_platform_application_attributes(PlatformApplicationArn=app,
                                            Attributes={"EventEndpointCreated": "arn:x"})
    assert any(a["PlatformApplicationArn"] == app
               for a in sns.list_platform_applications()["PlatformApplications"])

    ep = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1",
                                      CustomUserData="user")["EndpointArn"]
    assert ep.startswith(f"arn:aws:sns:{REGION}:{ACCOUNT}:endpoint/GCM/{app_name}/")
    # The same token again: the same endpoint.
    assert sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1",
                                        CustomUserData="user")["EndpointArn"] == ep
    attrs = sns.get_endpoint_attributes(EndpointArn=ep)["Attributes"]
    assert attrs == {"Token": "device-1", "Enabled": "true", "CustomUserData": "user"}
    listed = sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]
    assert [e["EndpointArn"] for e in listed] == [ep]

    out = sns.publish(TargetArn=ep, Message=json.dumps({"default": "x", "GCM": "{}"}),
                      MessageStructure="json")
    assert ns.UUID_RE.match(out["MessageId"])
    sns.set_endpoint_attributes(EndpointArn=ep, Attributes={"Enabled": "false"})
    with raises_aws("EndpointDisabled", 400, "Endpoint is disabled"):
        sns.publish(TargetArn=ep, Message="x")

    topic = sns.create_topic(Name=name())["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=ep)["SubscriptionArn"]
    assert sub.startswith(topic + ":")

    sns.delete_endpoint(EndpointArn=ep)
    with raises_aws("NotFound", 404):
        sns.get_endpoint_attributes(EndpointArn=ep)
    sns.delete_platform_application(PlatformApplicationArn=app)
    with raises_aws("NotFound", 404):
        sns.get_platform_application_attributes(PlatformApplicationArn=app)
    with raises_aws("InvalidParameter", 400):
        sns.create_platform_application(Name=name(), Platform="PIGEON",
                                        Attributes={"PlatformCredential": "x"})


def test_sms_settings_and_sandbox(nimbus):
    sns, _ = clients(nimbus)
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional", "DefaultSenderID": "Nimbus"})
    assert sns.get_sms_attributes(attributes=["DefaultSMSType"])["attributes"] == {
        "DefaultSMSType": "Transactional"}
    with raises_aws("InvalidParameter", 400):
        sns.set_sms_attributes(attributes={"DefaultSMSType": "Loud"})
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is False
    with raises_aws("InvalidParameter", 400):
        sns.check_if_phone_number_is_opted_out(phoneNumber="555")
    assert sns.list_phone_numbers_opted_out()["phoneNumbers"] == []
    sns.opt_in_phone_number(phoneNumber="+15555550100")

    assert sns.get_sms_sandbox_account_status()["IsInSandbox"] is True
    sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550101", LanguageCode="en-US")
    numbers = sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"]
    assert {"PhoneNumber": "+15555550101", "Status": "Pending"} in numbers
    sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550101", OneTimePassword="123456")
    numbers = sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"]
    assert {"PhoneNumber": "+15555550101", "Status": "Verified"} in numbers
    sns.delete_sms_sandbox_phone_number(PhoneNumber="+15555550101")
    with raises_aws("ResourceNotFound", 404):
        sns.delete_sms_sandbox_phone_number(PhoneNumber="+15555550101")
    assert sns.list_origination_numbers()["PhoneNumbers"] == []
