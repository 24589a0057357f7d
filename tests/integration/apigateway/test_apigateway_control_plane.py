"""API Gateway v1 control plane through boto3 and the AWS CLI (v1 and v2): REST APIs,
resources, methods, integrations, deployments, stages, models, validators, authorizers, API
keys, usage plans, tags; AWS's errors and pagination."""
import json

import pytest
from botocore.exceptions import ClientError

import nimbus_support as ns
from apigw_helpers import client


@pytest.fixture
def apigw(nimbus):
    return client(nimbus, "apigateway")


def error_of(excinfo):
    err = excinfo.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def test_rest_api_lifecycle(apigw):
    api = apigw.create_rest_api(name="orders", description="d", binaryMediaTypes=["image/png"],
                                tags={"team": "a"})
    assert len(api["id"]) == 10 and api["id"].isalnum() and api["id"].islower()
    assert api["name"] == "orders"
    assert api["apiKeySource"] == "HEADER"
    assert api["endpointConfiguration"]["types"] == ["EDGE"]
    assert api["binaryMediaTypes"] == ["image/png"]
    assert api["tags"] == {"team": "a"}
    assert api["createdDate"].year >= 2024
    got = apigw.get_rest_api(restApiId=api["id"])
    assert got["rootResourceId"] == api["rootResourceId"]
    updated = apigw.update_rest_api(restApiId=api["id"], patchOperations=[
        {"op": "replace", "path": "/name", "value": "orders2"},
        {"op": "add", "path": "/binaryMediaTypes/image~1jpeg"},
        {"op": "replace", "path": "/minimumCompressionSize", "value": "1024"}])
    assert updated["name"] == "orders2"
    assert updated["binaryMediaTypes"] == ["image/png", "image/jpeg"]
    assert updated["minimumCompressionSize"] == 1024
    resources = apigw.get_resources(restApiId=api["id"])["items"]
    assert resources == [{"id": api["rootResourceId"], "path": "/"}]
    models = {m["name"] for m in apigw.get_models(restApiId=api["id"])["items"]}
    assert models == {"Empty", "Error"}
    apigw.delete_rest_api(restApiId=api["id"])
    with pytest.raises(ClientError) as e:
        apigw.get_rest_api(restApiId=api["id"])
    assert error_of(e) == ("NotFoundException", 404)
    assert e.value.response["Error"]["Message"] == \
        f"Invalid API identifier specified 000000000000:{api['id']}"


def test_custom_id_tag_gives_a_stable_id(apigw):
    api = apigw.create_rest_api(name="stable", tags={"_custom_id_": "myapi123"})
    assert api["id"] == "myapi123"
    with pytest.raises(ClientError) as e:
        apigw.create_rest_api(name="again", tags={"_custom_id_": "myapi123"})
    assert error_of(e) == ("ConflictException", 409)
    apigw.delete_rest_api(restApiId="myapi123")


def test_get_rest_apis_pages_with_position_and_limit(apigw):
    ids = [apigw.create_rest_api(name=f"page-{i}")["id"] for i in range(5)]
    seen = []
    page = apigw.get_rest_apis(limit=2)
    while True:
        assert len(page["items"]) <= 2
        seen += [a["id"] for a in page["items"]]
        if "position" not in page:
            break
        page = apigw.get_rest_apis(limit=2, position=page["position"])
    assert set(ids) <= set(seen)
    assert len(seen) == len(set(seen))
    paginated = [a["id"] for p in apigw.get_paginator("get_rest_apis").paginate(
        PaginationConfig={"PageSize": 2}) for a in p["items"]]
    assert set(ids) <= set(paginated)
    for i in ids:
        apigw.delete_rest_api(restApiId=i)


def test_resources_methods_integrations(apigw):
    api = apigw.create_rest_api(name="tree")
    api_id, root = api["id"], api["rootResourceId"]
    items = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="items")
    assert items["path"] == "/items" and items["parentId"] == root
    item = apigw.create_resource(restApiId=api_id, parentId=items["id"], pathPart="{id}")
    assert item["path"] == "/items/{id}"
    proxy = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="{proxy+}")
    assert proxy["path"] == "/{proxy+}"
    with pytest.raises(ClientError) as e:
        apigw.create_resource(restApiId=api_id, parentId=root, pathPart="items")
    assert error_of(e) == ("ConflictException", 409)
    with pytest.raises(ClientError) as e:
        apigw.create_resource(restApiId=api_id, parentId=items["id"], pathPart="{other}")
    assert error_of(e) == ("BadRequestException", 400)
    with pytest.raises(ClientError) as e:
        apigw.create_resource(restApiId=api_id, parentId="nope", pathPart="x")
    assert error_of(e) == ("NotFoundException", 404)

    method = apigw.put_method(restApiId=api_id, resourceId=item["id"], httpMethod="GET",
                              authorizationType="NONE", apiKeyRequired=True,
                              requestParameters={"method.request.path.id": True})
    assert method["httpMethod"] == "GET" and method["apiKeyRequired"] is True
    with pytest.raises(ClientError) as e:
        apigw.put_method(restApiId=api_id, resourceId=item["id"], httpMethod="GET",
                         authorizationType="NONE")
    assert error_of(e) == ("ConflictException", 409)
    with pytest.raises(ClientError) as e:
        apigw.put_method(restApiId=api_id, resourceId=item["id"], httpMethod="FETCH",
                         authorizationType="NONE")
    assert error_of(e) == ("BadRequestException", 400)
    with pytest.raises(ClientError) as e:
        apigw.get_method(restApiId=api_id, resourceId=item["id"], httpMethod="POST")
    assert error_of(e) == ("NotFoundException", 404)

    resp = apigw.put_method_response(restApiId=api_id, resourceId=item["id"], httpMethod="GET",
                                     statusCode="200",
                                     responseParameters={"method.response.header.X-A": False})
    assert resp["statusCode"] == "200"
    integ = apigw.put_integration(restApiId=api_id, resourceId=item["id"], httpMethod="GET",
                                  type="HTTP", integrationHttpMethod="GET",
                                  uri="http://example.com/items/{id}",
                                  requestParameters={
                                      "integration.request.path.id": "method.request.path.id"})
    assert integ["type"] == "HTTP" and integ["httpMethod"] == "GET"
    assert integ["passthroughBehavior"] == "WHEN_NO_MATCH"
    assert integ["timeoutInMillis"] == 29000
    with pytest.raises(ClientError) as e:
        apigw.put_integration(restApiId=api_id, resourceId=item["id"], httpMethod="GET",
                              type="HTTP", uri="http://example.com")
    assert error_of(e) == ("BadRequestException", 400)
    ir = apigw.put_integration_response(restApiId=api_id, resourceId=item["id"],
                                        httpMethod="GET", statusCode="200",
                                        selectionPattern="2\\d{2}",
                                        responseTemplates={"application/json": "$input.body"})
    assert ir["selectionPattern"] == "2\\d{2}"
    got = apigw.get_method(restApiId=api_id, resourceId=item["id"], httpMethod="GET")
    assert got["methodIntegration"]["integrationResponses"]["200"]["statusCode"] == "200"
    assert got["methodResponses"]["200"]["responseParameters"] == {
        "method.response.header.X-A": False}
    updated = apigw.update_method(restApiId=api_id, resourceId=item["id"], httpMethod="GET",
                                  patchOperations=[{"op": "replace", "path": "/apiKeyRequired",
                                                    "value": "false"}])
    assert updated["apiKeyRequired"] is False
    upd = apigw.update_integration(restApiId=api_id, resourceId=item["id"], httpMethod="GET",
                                   patchOperations=[{"op": "replace", "path": "/timeoutInMillis",
                                                     "value": "5000"}])
    assert upd["timeoutInMillis"] == 5000
    renamed = apigw.update_resource(restApiId=api_id, resourceId=items["id"], patchOperations=[
        {"op": "replace", "path": "/pathPart", "value": "things"}])
    assert renamed["path"] == "/things"
    assert apigw.get_resource(restApiId=api_id, resourceId=item["id"])["path"] == "/things/{id}"
    apigw.delete_integration_response(restApiId=api_id, resourceId=item["id"], httpMethod="GET",
                                      statusCode="200")
    apigw.delete_integration(restApiId=api_id, resourceId=item["id"], httpMethod="GET")
    with pytest.raises(ClientError) as e:
        apigw.get_integration(restApiId=api_id, resourceId=item["id"], httpMethod="GET")
    assert error_of(e) == ("NotFoundException", 404)
    apigw.delete_method(restApiId=api_id, resourceId=item["id"], httpMethod="GET")
    apigw.delete_resource(restApiId=api_id, resourceId=items["id"])
    paths = {r["path"] for r in apigw.get_resources(restApiId=api_id)["items"]}
    assert paths == {"/", "/{proxy+}"}  # the child went with its parent
    apigw.delete_rest_api(restApiId=api_id)


def test_deployments_and_stages(apigw):
    api = apigw.create_rest_api(name="deploy")
    api_id, root = api["id"], api["rootResourceId"]
    with pytest.raises(ClientError) as e:
        apigw.create_deployment(restApiId=api_id, stageName="dev")
    assert error_of(e) == ("BadRequestException", 400)
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})
    dep = apigw.create_deployment(restApiId=api_id, stageName="dev", description="first",
                                  variables={"color": "blue"})
    assert dep["description"] == "first"
    stage = apigw.get_stage(restApiId=api_id, stageName="dev")
    assert stage["deploymentId"] == dep["id"] and stage["variables"] == {"color": "blue"}
    with pytest.raises(ClientError) as e:
        apigw.create_stage(restApiId=api_id, stageName="dev", deploymentId=dep["id"])
    assert error_of(e) == ("ConflictException", 409)
    prod = apigw.create_stage(restApiId=api_id, stageName="prod", deploymentId=dep["id"],
                              variables={"color": "red"}, tags={"env": "prod"})
    assert prod["stageName"] == "prod" and prod["tags"] == {"env": "prod"}
    upd = apigw.update_stage(restApiId=api_id, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/variables/color", "value": "green"},
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
        {"op": "replace", "path": "/description", "value": "production"}])
    assert upd["variables"] == {"color": "green"}
    assert upd["methodSettings"]["*/*"]["loggingLevel"] == "INFO"
    assert upd["description"] == "production"
    stages = apigw.get_stages(restApiId=api_id)["item"]
    assert {s["stageName"] for s in stages} == {"dev", "prod"}
    summary = apigw.get_deployment(restApiId=api_id, deploymentId=dep["id"],
                                   embed=["apisummary"])["apiSummary"]
    assert summary["/"]["GET"] == {"authorizationType": "NONE", "apiKeyRequired": False}
    assert len(apigw.get_deployments(restApiId=api_id)["items"]) == 1
    with pytest.raises(ClientError) as e:
        apigw.delete_deployment(restApiId=api_id, deploymentId=dep["id"])
    assert error_of(e) == ("BadRequestException", 400)
    apigw.delete_stage(restApiId=api_id, stageName="prod")
    apigw.delete_stage(restApiId=api_id, stageName="dev")
    apigw.delete_deployment(restApiId=api_id, deploymentId=dep["id"])
    with pytest.raises(ClientError) as e:
        apigw.get_stage(restApiId=api_id, stageName="dev")
    assert error_of(e) == ("NotFoundException", 404)
    apigw.delete_rest_api(restApiId=api_id)


def test_models_validators_authorizers_gateway_responses(apigw):
    api_id = apigw.create_rest_api(name="extras")["id"]
    schema = json.dumps({"type": "object", "properties": {"name": {"type": "string"}},
                         "required": ["name"]})
    model = apigw.create_model(restApiId=api_id, name="Pet", contentType="application/json",
                               schema=schema)
    assert model["name"] == "Pet" and model["schema"] == schema
    with pytest.raises(ClientError) as e:
        apigw.create_model(restApiId=api_id, name="Pet", contentType="application/json")
    assert error_of(e) == ("ConflictException", 409)
    template = apigw.get_model_template(restApiId=api_id, modelName="Pet")["value"]
    assert "$inputRoot.name" in template
    v = apigw.create_request_validator(restApiId=api_id, name="params",
                                       validateRequestParameters=True)
    assert v["validateRequestParameters"] is True and v["validateRequestBody"] is False
    v2 = apigw.update_request_validator(restApiId=api_id, requestValidatorId=v["id"],
                                        patchOperations=[{"op": "replace",
                                                          "path": "/validateRequestBody",
                                                          "value": "true"}])
    assert v2["validateRequestBody"] is True
    auth = apigw.create_authorizer(restApiId=api_id, name="tok", type="TOKEN",
                                   authorizerUri="arn:aws:apigateway:us-east-1:lambda:path/"
                                                 "2015-03-31/functions/arn:aws:lambda:us-east-1:"
                                                 "000000000000:function:f/invocations",
                                   identitySource="method.request.header.Authorization")
    assert auth["authorizerResultTtlInSeconds"] == 300
    assert [a["id"] for a in apigw.get_authorizers(restApiId=api_id)["items"]] == [auth["id"]]
    with pytest.raises(ClientError) as e:
        apigw.create_authorizer(restApiId=api_id, name="bad", type="NOPE")
    assert error_of(e) == ("BadRequestException", 400)
    gr = apigw.put_gateway_response(restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN",
                                    statusCode="404",
                                    responseTemplates={"application/json": '{"m":"nf"}'})
    assert gr["statusCode"] == "404"
    assert apigw.get_gateway_response(restApiId=api_id,
                                      responseType="MISSING_AUTHENTICATION_TOKEN")["statusCode"] \
        == "404"
    apigw.delete_authorizer(restApiId=api_id, authorizerId=auth["id"])
    apigw.delete_request_validator(restApiId=api_id, requestValidatorId=v["id"])
    apigw.delete_model(restApiId=api_id, modelName="Pet")
    with pytest.raises(ClientError) as e:
        apigw.get_model(restApiId=api_id, modelName="Pet")
    assert error_of(e) == ("NotFoundException", 404)
    apigw.delete_rest_api(restApiId=api_id)


def test_api_keys_usage_plans_and_tags(apigw):
    api = apigw.create_rest_api(name="keys")
    api_id = api["id"]
    apigw.put_method(restApiId=api_id, resourceId=api["rootResourceId"], httpMethod="GET",
                     authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=api["rootResourceId"], httpMethod="GET",
                          type="MOCK")
    apigw.create_deployment(restApiId=api_id, stageName="v1")
    key = apigw.create_api_key(name="k1", enabled=True, value="a" * 30)
    assert key["enabled"] is True and key["value"] == "a" * 30
    assert "value" not in apigw.get_api_key(apiKey=key["id"])
    assert apigw.get_api_key(apiKey=key["id"], includeValue=True)["value"] == "a" * 30
    with pytest.raises(ClientError) as e:
        apigw.create_api_key(name="dup", value="a" * 30)
    assert error_of(e) == ("ConflictException", 409)
    listed = apigw.get_api_keys(nameQuery="k1", includeValues=True)["items"]
    assert [k["value"] for k in listed] == ["a" * 30]
    plan = apigw.create_usage_plan(name="gold", apiStages=[{"apiId": api_id, "stage": "v1"}],
                                   throttle={"burstLimit": 10, "rateLimit": 5.0},
                                   quota={"limit": 100, "period": "DAY"})
    assert plan["apiStages"] == [{"apiId": api_id, "stage": "v1"}]
    pk = apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    assert pk == {**pk, "id": key["id"], "type": "API_KEY", "name": "k1"}
    assert [k["id"] for k in apigw.get_usage_plan_keys(usagePlanId=plan["id"])["items"]] == \
        [key["id"]]
    assert [p["id"] for p in apigw.get_usage_plans(keyId=key["id"])["items"]] == [plan["id"]]
    upd = apigw.update_usage_plan(usagePlanId=plan["id"], patchOperations=[
        {"op": "replace", "path": "/throttle/rateLimit", "value": "50"},
        {"op": "remove", "path": "/apiStages", "value": f"{api_id}:v1"}])
    assert upd["throttle"]["rateLimit"] == 50.0 and upd["apiStages"] == []
    with pytest.raises(ClientError) as e:
        apigw.create_usage_plan(name="bad", apiStages=[{"apiId": "nope", "stage": "v1"}])
    assert error_of(e) == ("NotFoundException", 404)
    apigw.delete_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"])
    with pytest.raises(ClientError) as e:
        apigw.get_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"])
    assert error_of(e) == ("NotFoundException", 404)
    arn = f"arn:aws:apigateway:us-east-1::/restapis/{api_id}"
    apigw.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    apigw.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert apigw.get_tags(resourceArn=arn)["tags"] == {"b": "2"}
    stage_arn = arn + "/stages/v1"
    apigw.tag_resource(resourceArn=stage_arn, tags={"s": "1"})
    assert apigw.get_stage(restApiId=api_id, stageName="v1")["tags"] == {"s": "1"}
    apigw.delete_usage_plan(usagePlanId=plan["id"])
    apigw.delete_api_key(apiKey=key["id"])
    with pytest.raises(ClientError) as e:
        apigw.get_api_key(apiKey=key["id"])
    assert error_of(e) == ("NotFoundException", 404)
    apigw.delete_rest_api(restApiId=api_id)


def test_cli_v1_and_v2_drive_the_control_plane(nimbus):
    created = ns.cli_v2(nimbus, "apigateway", "create-rest-api", "--name", "cli-api")
    api_id = created["id"]
    # CLI v2 2.9's model predates rootResourceId: the root is the only resource.
    root = ns.cli_v2(nimbus, "apigateway", "get-resources", "--rest-api-id", api_id)["items"][0]
    assert root["path"] == "/"
    res = ns.cli_v1(nimbus, "apigateway", "create-resource", "--rest-api-id", api_id,
                    "--parent-id", root["id"], "--path-part", "hello")
    assert res["path"] == "/hello"
    ns.cli_v2(nimbus, "apigateway", "put-method", "--rest-api-id", api_id, "--resource-id",
              res["id"], "--http-method", "GET", "--authorization-type", "NONE")
    ns.cli_v2(nimbus, "apigateway", "put-integration", "--rest-api-id", api_id, "--resource-id",
              res["id"], "--http-method", "GET", "--type", "MOCK")
    listed = ns.cli_v1(nimbus, "apigateway", "get-resources", "--rest-api-id", api_id)
    assert {r["path"] for r in listed["items"]} == {"/", "/hello"}
    proc = ns.run([str(ns.CLI_V2), "--endpoint-url", nimbus.url, "apigateway", "get-rest-api",
                   "--rest-api-id", "missing000"])
    assert proc.returncode != 0 and "NotFoundException" in proc.stderr
    ns.cli_v2(nimbus, "apigateway", "delete-rest-api", "--rest-api-id", api_id)
