-- Shared by the SQS wrk scripts: headers of an SQS JSON-protocol request as boto3 sends them,
-- with a SigV4-looking Authorization header (Nimbus routes on X-Amz-Target first, then on the
-- credential scope; nobody checks the signature).
local M = {}

M.queue_url = os.getenv("QUEUE_URL") or error("QUEUE_URL is not set")

function M.headers(target)
  return {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "AmazonSQS." .. target,
    ["X-Amz-Date"] = "20260101T000000Z",
    ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, "
      .. "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
      .. "Signature=0000000000000000000000000000000000000000000000000000000000000000",
  }
end

-- A 64-byte message body.
M.message_body = string.rep("0123456789abcdef", 4)

function M.send_body()
  return '{"QueueUrl":"' .. M.queue_url .. '","MessageBody":"' .. M.message_body .. '"}'
end

return M
