// Judge: the official @aws-sdk/client-sqs drives the SQS emulator (JSON protocol, SigV4, MD5 of bodies checked by the
// client) and prints what it saw. Usage: node sqs.mjs <endpoint> <region> <accessKeyId> <secretAccessKey>
import {
  SQSClient, CreateQueueCommand, GetQueueUrlCommand, ListQueuesCommand, SendMessageCommand, ReceiveMessageCommand,
  DeleteMessageCommand, ChangeMessageVisibilityCommand, TagQueueCommand, ListQueueTagsCommand, GetQueueAttributesCommand,
  DeleteQueueCommand,
} from "@aws-sdk/client-sqs";

const [endpoint, region, accessKeyId, secretAccessKey] = process.argv.slice(2);
const client = new SQSClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
const out = {};
const errorName = async (command) => {
  try { await client.send(command); return "no error"; } catch (error) { return error.name; }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: "judge-q", tags: { team: "a" } }));
const looked = await client.send(new GetQueueUrlCommand({ QueueName: "judge-q" }));
const listed = await client.send(new ListQueuesCommand({ QueueNamePrefix: "judge" }));
out.queue = { sameUrl: looked.QueueUrl === QueueUrl, listed: listed.QueueUrls.length, endsWithName: QueueUrl.endsWith("/judge-q") };

// Long poll: the receive waits until a message sent 400 ms later arrives, not for its whole 5 s wait.
const started = Date.now();
const waiting = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"] }));
await sleep(400);
const sent = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: "hello ✓" }));
const first = await waiting;
const waited = Date.now() - started;
out.longPoll = {
  body: first.Messages[0].Body, sameId: first.Messages[0].MessageId === sent.MessageId,
  waitedForArrival: waited >= 350 && waited < 4000, receiveCount: first.Messages[0].Attributes.ApproximateReceiveCount,
};

// Visibility: hidden while received, back after its timeout with a higher receive count, gone once deleted.
const hidden = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
await client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.Messages[0].ReceiptHandle, VisibilityTimeout: 1 }));
await sleep(1200);
const again = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, VisibilityTimeout: 30, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again.Messages[0].ReceiptHandle }));
const afterDelete = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
const attributes = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
out.visibility = {
  hiddenWhileReceived: (hidden.Messages ?? []).length, redelivered: again.Messages[0].Body,
  receiveCount: again.Messages[0].Attributes.ApproximateReceiveCount, afterDelete: (afterDelete.Messages ?? []).length,
  left: attributes.Attributes.ApproximateNumberOfMessages,
};

await client.send(new TagQueueCommand({ QueueUrl, Tags: { "secrets-client:heartbeat": "1700000000" } }));
const tags = await client.send(new ListQueueTagsCommand({ QueueUrl }));
out.tags = tags.Tags;

await client.send(new DeleteQueueCommand({ QueueUrl }));
out.deleted = {
  send: await errorName(new SendMessageCommand({ QueueUrl, MessageBody: "x" })),
  lookup: await errorName(new GetQueueUrlCommand({ QueueName: "judge-q" })),
};
console.log(JSON.stringify(out));
