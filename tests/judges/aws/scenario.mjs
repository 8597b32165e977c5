// Judge: runs a scripted scenario with the official @aws-sdk/client-secrets-manager against an endpoint and prints
// the answers as normalized JSON (relations between version ids instead of the random ids themselves).
// Usage: node scenario.mjs <endpoint> <region> <accessKeyId> <secretAccessKey>
import {
  SecretsManagerClient, CreateSecretCommand, PutSecretValueCommand, GetSecretValueCommand, BatchGetSecretValueCommand,
  DescribeSecretCommand, RotateSecretCommand, paginateListSecrets,
} from "@aws-sdk/client-secrets-manager";

const [endpoint, region, accessKeyId, secretAccessKey] = process.argv.slice(2);
const client = new SecretsManagerClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
const out = {};
const v1 = '{"user":"admin","password":"pw-1"}';
const v2 = '{"user":"admin","password":"pw-2"}';

const created = await client.send(new CreateSecretCommand({ Name: "judge/db", SecretString: v1 }));
const put = await client.send(new PutSecretValueCommand({ SecretId: "judge/db", SecretString: v2 }));
const current = await client.send(new GetSecretValueCommand({ SecretId: "judge/db" }));
const previous = await client.send(new GetSecretValueCommand({ SecretId: "judge/db", VersionStage: "AWSPREVIOUS" }));
const byId = await client.send(new GetSecretValueCommand({ SecretId: "judge/db", VersionId: created.VersionId }));
out.get = {
  current: current.SecretString, currentIsPut: current.VersionId === put.VersionId, currentStages: current.VersionStages,
  previous: previous.SecretString, previousIsCreate: previous.VersionId === created.VersionId, previousStages: previous.VersionStages,
  byId: byId.SecretString,
};

for (let i = 0; i < 105; i++) {
  const name = `judge/list/${String(i).padStart(3, "0")}`;
  await client.send(new CreateSecretCommand({ Name: name, SecretString: `value-${i}` }));
}
await client.send(new CreateSecretCommand({ Name: "judge/binary", SecretBinary: Uint8Array.from([0, 1, 2, 250, 255]) }));

const batch = await client.send(new BatchGetSecretValueCommand({
  SecretIdList: ["judge/list/000", "judge/list/001", "judge/list/104", "judge/binary", "judge/missing"],
}));
out.batch = {
  values: batch.SecretValues.map(v => ({ name: v.Name, value: v.SecretString ?? Buffer.from(v.SecretBinary).toString("base64") }))
    .sort((a, b) => a.name.localeCompare(b.name)),
  errors: batch.Errors.map(e => ({ id: e.SecretId, code: e.ErrorCode })),
};

const names = [];
let pages = 0;
for await (const page of paginateListSecrets({ client, pageSize: 40 }, { Filters: [{ Key: "name", Values: ["judge/list/"] }] })) {
  pages++;
  for (const s of page.SecretList) names.push(s.Name);
}
out.list = { count: names.length, distinct: new Set(names).size, first: [...names].sort()[0], last: [...names].sort().at(-1), paged: pages > 1 };

const described = await client.send(new DescribeSecretCommand({ SecretId: "judge/db" }));
const stages = described.VersionIdsToStages;
out.describe = {
  name: described.Name,
  versionsWithStages: Object.keys(stages).length,
  currentVersion: Object.keys(stages).find(k => stages[k].includes("AWSCURRENT")) === put.VersionId,
  previousVersion: Object.keys(stages).find(k => stages[k].includes("AWSPREVIOUS")) === created.VersionId,
};

const rotated = await client.send(new RotateSecretCommand({ SecretId: "judge/db", RotateImmediately: true }));
const afterCurrent = await client.send(new GetSecretValueCommand({ SecretId: "judge/db" }));
const afterPrevious = await client.send(new GetSecretValueCommand({ SecretId: "judge/db", VersionStage: "AWSPREVIOUS" }));
out.rotate = {
  newVersionIsCurrent: rotated.VersionId === afterCurrent.VersionId,
  valueChanged: afterCurrent.SecretString !== v2,
  previous: afterPrevious.SecretString,
};

try {
  await client.send(new GetSecretValueCommand({ SecretId: "judge/nope" }));
  out.notFound = "no error";
} catch (error) {
  out.notFound = error.name;
}

process.stdout.write(JSON.stringify(out));
