// Judge: the official @aws-sdk/client-secrets-manager drives the emulator's lifecycle and label operations and prints
// what it saw as JSON (relations between version ids, not the ids). Usage: node operations.mjs <endpoint> <region> <accessKeyId> <secretAccessKey>
import {
  SecretsManagerClient, CreateSecretCommand, UpdateSecretCommand, UpdateSecretVersionStageCommand, GetSecretValueCommand,
  DescribeSecretCommand, TagResourceCommand, UntagResourceCommand, GetRandomPasswordCommand, DeleteSecretCommand,
  RestoreSecretCommand,
} from "@aws-sdk/client-secrets-manager";

const [endpoint, region, accessKeyId, secretAccessKey] = process.argv.slice(2);
const client = new SecretsManagerClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
const out = {};
const errorName = async (command) => {
  try { await client.send(command); return "no error"; } catch (error) { return error.name; }
};

const created = await client.send(new CreateSecretCommand({ Name: "ops/db", SecretString: "v1", Tags: [{ Key: "team", Value: "a" }] }));
const updated = await client.send(new UpdateSecretCommand({ SecretId: "ops/db", SecretString: "v2", Description: "the database" }));
const afterUpdate = await client.send(new GetSecretValueCommand({ SecretId: "ops/db" }));
out.update = { newVersion: updated.VersionId !== created.VersionId, current: afterUpdate.SecretString, currentIsUpdate: afterUpdate.VersionId === updated.VersionId };

// Roll back: move AWSCURRENT to the first version; AWSPREVIOUS follows to the one that held it.
await client.send(new UpdateSecretVersionStageCommand({ SecretId: "ops/db", VersionStage: "AWSCURRENT", MoveToVersionId: created.VersionId, RemoveFromVersionId: updated.VersionId }));
const rolledBack = await client.send(new GetSecretValueCommand({ SecretId: "ops/db" }));
const previous = await client.send(new GetSecretValueCommand({ SecretId: "ops/db", VersionStage: "AWSPREVIOUS" }));
await client.send(new UpdateSecretVersionStageCommand({ SecretId: "ops/db", VersionStage: "TESTING", MoveToVersionId: updated.VersionId }));
const testing = await client.send(new GetSecretValueCommand({ SecretId: "ops/db", VersionStage: "TESTING" }));
out.stage = {
  current: rolledBack.SecretString, previous: previous.SecretString, custom: testing.SecretString,
  moveWithoutRemove: await errorName(new UpdateSecretVersionStageCommand({ SecretId: "ops/db", VersionStage: "AWSCURRENT", MoveToVersionId: updated.VersionId })),
};

await client.send(new TagResourceCommand({ SecretId: "ops/db", Tags: [{ Key: "team", Value: "b" }, { Key: "env", Value: "dev" }] }));
await client.send(new UntagResourceCommand({ SecretId: "ops/db", TagKeys: ["env"] }));
const described = await client.send(new DescribeSecretCommand({ SecretId: "ops/db" }));
out.tags = { tags: described.Tags, description: described.Description };

const password = await client.send(new GetRandomPasswordCommand({ PasswordLength: 40, ExcludePunctuation: true }));
const digitsOnly = await client.send(new GetRandomPasswordCommand({ PasswordLength: 12, ExcludeLowercase: true, ExcludeUppercase: true, ExcludePunctuation: true }));
out.password = {
  length: password.RandomPassword.length, alphanumeric: /^[A-Za-z0-9]+$/.test(password.RandomPassword),
  digits: /^[0-9]{12}$/.test(digitsOnly.RandomPassword),
};

out.delete = {
  both: await errorName(new DeleteSecretCommand({ SecretId: "ops/db", ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 })),
  shortWindow: await errorName(new DeleteSecretCommand({ SecretId: "ops/db", RecoveryWindowInDays: 3 })),
};
await client.send(new DeleteSecretCommand({ SecretId: "ops/db", RecoveryWindowInDays: 7 }));
out.delete.readWhileDeleted = await errorName(new GetSecretValueCommand({ SecretId: "ops/db" }));
await client.send(new RestoreSecretCommand({ SecretId: "ops/db" }));
out.delete.afterRestore = (await client.send(new GetSecretValueCommand({ SecretId: "ops/db" }))).SecretString;

process.stdout.write(JSON.stringify(out));
