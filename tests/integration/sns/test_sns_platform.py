"""Mobile push and SMS operations: stored and answered in AWS's shapes (nothing is sent)."""
from __future__ import annotations

import json

from sns_helpers import ACCOUNT, REGION, clients, name, raises_aws, verify_signature

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


def test_captured_messages_for_sms_email_and_push(nimbus):
    """What SMS, email and mobile endpoints would have received, at LocalStack's paths."""
    sns, _ = clients(nimbus)
    topic = sns.create_topic(Name=name())["TopicArn"]
    phone = "+15555550" + str(100 + int(name("")[-4:], 16) % 800)
    sms_sub = sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=phone)["SubscriptionArn"]
    app = sns.create_platform_application(Name=name("app"), Platform="APNS",
                                          Attributes={"PlatformCredential": "x"})["PlatformApplicationArn"]
    ep = sns.create_platform_endpoint(PlatformApplicationArn=app, Token=name("tok"))["EndpointArn"]
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint="ops@example.com")
    out = sns.publish(TopicArn=topic, Message=json.dumps({"default": "all", "sms": "short"}),
                      MessageStructure="json")
    sns.publish(PhoneNumber=phone, Message="direct", MessageAttributes={
        "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}})
    sns.publish(TargetArn=ep, Message=json.dumps({"default": "d", "APNS": '{"aps":{}}'}),
                MessageStructure="json")

    def get(path):
        resp = ns.request(nimbus, "GET", path)
        assert resp.status == 200, resp
        return resp.json()

    sms = get(f"/_aws/sns/sms-messages?phoneNumber={phone.replace('+', '%2B')}")["sms_messages"][phone]
    assert [m["Message"] for m in sms] == ["short", "direct"]
    assert sms[0]["MessageId"] == out["MessageId"] and sms[0]["SubscriptionArn"] == sms_sub
    assert sms[1]["MessageAttributes"] == {"AWS.SNS.SMS.SMSType": "Transactional"}
    push = get("/_aws/sns/platform-endpoint-messages")["platform_endpoint_messages"][ep]
    assert [m["Message"] for m in push] == ['{"aps":{}}']
    # The email-json subscription got its confirmation "mail"; following SubscribeURL confirms
    # it, and later notifications reach it as signed JSON documents.
    [mail] = get("/_aws/sns/email-messages?email=ops%40example.com")["email_messages"]["ops@example.com"]
    confirmation = json.loads(mail["Message"])
    assert confirmation["Type"] == "SubscriptionConfirmation"
    verify_signature(confirmation)
    assert ns.request(nimbus, "GET", confirmation["SubscribeURL"][len(nimbus.url):]).status == 200
    sns.publish(TopicArn=topic, Message="after confirm")
    mails = get("/_aws/sns/email-messages?email=ops%40example.com")["email_messages"]["ops@example.com"]
    note = json.loads(mails[-1]["Message"])
    assert note["Type"] == "Notification" and note["Message"] == "after confirm"
    verify_signature(note)
    assert ns.request(nimbus, "DELETE", "/_aws/sns/sms-messages").status == 204
    assert phone not in get("/_aws/sns/sms-messages")["sms_messages"]
