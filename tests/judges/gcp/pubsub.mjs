// Judge: the official @google-cloud/pubsub GAPIC clients over their REST fallback (streaming pull is gRPC only, so
// pulls are unary) drive the Pub/Sub emulator: topic and subscription with an expiration policy, publish, a pull that
// waits for a message, acknowledge, redelivery after an ack deadline of zero, delete. Usage: node pubsub.mjs <endpoint> <token> <project>
import { v1 } from "@google-cloud/pubsub";

const [endpoint, token, project] = process.argv.slice(2);
const url = new URL(endpoint);
const authClient = {
  async getRequestHeaders() { return new Headers({ authorization: `Bearer ${token}` }); },
  async fetch(target, init) {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${token}`);
    const { agent, responseType, ...rest } = init;
    return fetch(target, { ...rest, headers });
  },
};
const common = { fallback: true, apiEndpoint: url.hostname, port: Number(url.port), protocol: url.protocol.replace(":", ""), authClient, projectId: project };
const publisher = new v1.PublisherClient(common);
const subscriber = new v1.SubscriberClient(common);
const topic = `projects/${project}/topics/judge-topic`;
const subscription = `projects/${project}/subscriptions/judge-sub`;
const out = {};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const code = async (promise) => { try { await promise; return "no error"; } catch (error) { return error.code; } };

await publisher.createTopic({ name: topic });
const [created] = await subscriber.createSubscription({ name: subscription, topic, ackDeadlineSeconds: 30, expirationPolicy: { ttl: { seconds: 86400 } } });
out.subscription = { topic: created.topic === topic, ackDeadlineSeconds: created.ackDeadlineSeconds, ttl: String(created.expirationPolicy.ttl.seconds) };

// A pull waits until a message published 400 ms later arrives.
const started = Date.now();
const waiting = subscriber.pull({ subscription, maxMessages: 10 });
await sleep(400);
const [published] = await publisher.publish({ topic, messages: [{ data: Buffer.from("{\"name\":\"x\"}"), attributes: { eventType: "SECRET_VERSION_ADD" } }] });
const [first] = await waiting;
const waited = Date.now() - started;
const message = first.receivedMessages[0];
out.pull = {
  count: first.receivedMessages.length, data: Buffer.from(message.message.data).toString("utf8"),
  eventType: message.message.attributes.eventType, sameId: message.message.messageId === published.messageIds[0],
  waitedForArrival: waited >= 350 && waited < 9000,
};

// Leased until acknowledged; an ack deadline of zero hands it out again.
const [leased] = await subscriber.pull({ subscription, maxMessages: 10, returnImmediately: true });
await subscriber.modifyAckDeadline({ subscription, ackIds: [message.ackId], ackDeadlineSeconds: 0 });
const [again] = await subscriber.pull({ subscription, maxMessages: 10, returnImmediately: true });
await subscriber.acknowledge({ subscription, ackIds: [again.receivedMessages[0].ackId] });
const [afterAck] = await subscriber.pull({ subscription, maxMessages: 10, returnImmediately: true });
out.ack = {
  whileLeased: (leased.receivedMessages ?? []).length, redelivered: (again.receivedMessages ?? []).length,
  newAckId: again.receivedMessages[0].ackId !== message.ackId, afterAck: (afterAck.receivedMessages ?? []).length,
};

await subscriber.deleteSubscription({ subscription });
out.deleted = { pull: await code(subscriber.pull({ subscription, maxMessages: 1, returnImmediately: true })), get: await code(subscriber.getSubscription({ subscription })) };
console.log(JSON.stringify(out));
