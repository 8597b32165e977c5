// Judge: the official @aws-sdk/client-cloudtrail reads the CloudTrail emulator with LookupEvents (paging through
// NextToken with the SDK's own paginator) and prints what it parsed as JSON.
// Usage: node cloudtrail.mjs <endpoint> <region> <accessKeyId> <secretAccessKey>
import { CloudTrailClient, LookupEventsCommand, paginateLookupEvents } from "@aws-sdk/client-cloudtrail";

const [endpoint, region, accessKeyId, secretAccessKey] = process.argv.slice(2);
const client = new CloudTrailClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
const out = { pages: 0, events: [] };
const input = { LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "GetSecretValue" }], MaxResults: 2 };
for await (const page of paginateLookupEvents({ client, pageSize: 2 }, input)) {
  out.pages++;
  for (const event of page.Events ?? []) {
    const record = JSON.parse(event.CloudTrailEvent);
    out.events.push({
      eventName: event.EventName, username: event.Username, eventTime: event.EventTime instanceof Date ? event.EventTime.toISOString() : null,
      resources: (event.Resources ?? []).map((r) => r.ResourceName), readOnly: event.ReadOnly,
      recordKeys: Object.keys(record).sort(), record,
    });
  }
}

const byArn = await client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: "ResourceName", AttributeValue: out.events[0]?.resources[0] ?? "none" }] }));
out.byResourceName = (byArn.Events ?? []).map((e) => e.EventName).sort();
try {
  await client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "a" }, { AttributeKey: "Username", AttributeValue: "b" }] }));
  out.twoAttributes = "no error";
} catch (error) {
  out.twoAttributes = error.name;
}

console.log(JSON.stringify(out));
