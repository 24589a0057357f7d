#include "services/iam/aws_managed_policies.h"

namespace nimbus::iam {

const std::vector<AwsManagedPolicy>& AwsManagedPolicies() {
  static const std::vector<AwsManagedPolicy> kPolicies = {
      {"AdministratorAccess", "/", "Provides full access to AWS services and resources.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
      {"PowerUserAccess", "/",
       "Provides full access to AWS services and resources, but does not allow management of "
       "Users and groups.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization","account:ListRegions"],"Resource":"*"}]})"},
      {"ReadOnlyAccess", "/", "Provides read-only access to AWS services and resources.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:Get*","sqs:List*","sns:Get*","sns:List*","lambda:Get*","lambda:List*","iam:Get*","iam:List*","logs:Describe*","logs:Get*","logs:FilterLogEvents","apigateway:GET","sts:GetCallerIdentity"],"Resource":"*"}]})"},
      {"IAMFullAccess", "/", "Provides full access to IAM via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]})"},
      {"AmazonSQSFullAccess", "/", "Provides full access to Amazon SQS via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*"],"Resource":"*"}]})"},
      {"AmazonSQSReadOnlyAccess", "/", "Provides read only access to Amazon SQS via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:GetQueueAttributes","sqs:GetQueueUrl","sqs:ListDeadLetterSourceQueues","sqs:ListQueues","sqs:ListMessageMoveTasks","sqs:ListQueueTags"],"Resource":"*"}]})"},
      {"AmazonSNSFullAccess", "/", "Provides full access to Amazon SNS via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Action":["sns:*"],"Effect":"Allow","Resource":"*"}]})"},
      {"AmazonSNSReadOnlyAccess", "/", "Provides read only access to Amazon SNS via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sns:GetTopicAttributes","sns:List*"],"Resource":"*"}]})"},
      {"AWSLambda_FullAccess", "/", "Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:*","logs:DescribeLogGroups","logs:DescribeLogStreams","logs:GetLogEvents","logs:FilterLogEvents","logs:StartQuery","logs:StopQuery","logs:DescribeQueries","logs:GetLogGroupFields","logs:GetLogRecord","logs:GetQueryResults","iam:ListRoles","iam:ListRolePolicies","iam:ListAttachedRolePolicies","iam:GetRole","iam:GetRolePolicy","iam:GetPolicy","iam:GetPolicyVersion","sqs:ListQueues","sns:ListTopics","sns:ListSubscriptions","sns:ListSubscriptionsByTopic","apigateway:GET"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]})"},
      {"AWSLambdaBasicExecutionRole", "/service-role/", "Provides write permissions to CloudWatch Logs.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})"},
      {"AWSLambdaSQSQueueExecutionRole", "/service-role/", "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]})"},
      {"AWSLambdaRole", "/service-role/", "Default policy for AWS Lambda service role.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]})"},
      {"AWSLambdaExecute", "/", "Provides Put, Get access to S3 and full access to CloudWatch Logs.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*"],"Resource":"arn:aws:logs:*:*:*"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::*"}]})"},
      {"CloudWatchLogsFullAccess", "/", "Provides full access to CloudWatch Logs",
       R"({"Version":"2012-10-17","Statement":[{"Action":["logs:*"],"Effect":"Allow","Resource":"*"}]})"},
      {"AmazonAPIGatewayInvokeFullAccess", "/", "Provides full access to invoke APIs in Amazon API Gateway.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke","execute-api:ManageConnections"],"Resource":"arn:aws:execute-api:*:*:*"}]})"},
      {"AmazonAPIGatewayAdministrator", "/", "Provides full access to create/edit/delete APIs in Amazon API Gateway via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["apigateway:*"],"Resource":"arn:aws:apigateway:*::/*"}]})"},
  };
  return kPolicies;
}

std::string AwsManagedPolicyArn(const AwsManagedPolicy& p) {
  return "arn:aws:iam::aws:policy" + std::string(p.path) + std::string(p.name);
}

const AwsManagedPolicy* FindAwsManagedPolicy(std::string_view arn) {
  for (const auto& p : AwsManagedPolicies()) {
    if (AwsManagedPolicyArn(p) == arn) {
      return &p;
    }
  }
  return nullptr;
}

}  // namespace nimbus::iam
