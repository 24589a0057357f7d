// publisher: the functional-test stack's Lambda. API Gateway (Lambda proxy) hands it an order;
// it publishes the order to the SNS topic named by TOPIC_ARN and answers 202 with the message
// id. Built with the official runtime (aws-lambda-go) and the AWS SDK for Go v2, which finds
// Nimbus through AWS_ENDPOINT_URL like any AWS endpoint.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

type order struct {
	ID     string  `json:"id"`
	Amount float64 `json:"amount"`
}

var client *sns.Client

func respond(status int, body any) events.APIGatewayProxyResponse {
	text, _ := json.Marshal(body)
	return events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(text),
	}
}

func handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	var o order
	if err := json.Unmarshal([]byte(req.Body), &o); err != nil || o.ID == "" {
		return respond(400, map[string]string{"error": "expected {\"id\": ..., \"amount\": ...}"}), nil
	}
	out, err := client.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(os.Getenv("TOPIC_ARN")),
		Message:  aws.String(req.Body),
		Subject:  aws.String("order " + o.ID),
	})
	if err != nil {
		return events.APIGatewayProxyResponse{}, fmt.Errorf("publish: %w", err)
	}
	log.Printf("published order %s as %s", o.ID, aws.ToString(out.MessageId))
	return respond(202, map[string]string{"messageId": aws.ToString(out.MessageId), "order": o.ID}), nil
}

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("aws config: %v", err)
	}
	client = sns.NewFromConfig(cfg)
	lambda.Start(handle)
}
