"""IAM and STS through the AWS SDK for JavaScript v3 (@aws-sdk/client-iam, client-sts): one
scenario script per area under tests/js/iam/, each printing {ok, checks, failures}. The SDK's
XML parser is strict about the shapes, so these catch codec differences boto3 forgives."""
import pytest

import nimbus_support as ns

SCRIPTS = ["crud", "providers", "credentials", "sts"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_js_scenario(nimbus, script):
    out = ns.node(f"iam/{script}.mjs", nimbus.url)
    assert out["ok"], out
    assert out["checks"] >= 10, out
