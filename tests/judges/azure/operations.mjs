// Judge: the official @azure/keyvault-secrets client drives the emulator's soft delete, deleted-secret listing,
// purge, recover, backup and restore and prints what it saw as JSON.
// Usage: NODE_EXTRA_CA_CERTS=emulator.pem node operations.mjs <vaultUrl> <token>
import { SecretClient } from "@azure/keyvault-secrets";

const [vaultUrl, token] = process.argv.slice(2);
const credential = { async getToken() { return { token, expiresOnTimestamp: Date.now() + 3600_000 }; } };
const client = new SecretClient(vaultUrl, credential, { disableChallengeResourceVerification: true });
const failure = async (promise) => {
  try { await promise; return { status: 200 }; } catch (e) { return { status: e.statusCode ?? null, code: e.code ?? null }; }
};
const out = {};

await client.setSecret("ops-a", "a1");
await client.setSecret("ops-a", "a2", { tags: { env: "dev" } });
await client.setSecret("ops-b", "b1");
await client.setSecret("ops-c", "c1");
const backup = await client.backupSecret("ops-a");

for (const name of ["ops-a", "ops-b", "ops-c"]) {
  await (await client.beginDeleteSecret(name, { intervalInMs: 10 })).pollUntilDone();
}

const deleted = [];
for await (const page of client.listDeletedSecrets().byPage({ maxPageSize: 2 })) {
  for (const item of page) deleted.push(item.name);
}
const one = await client.getDeletedSecret("ops-b");
out.deleted = { names: deleted.sort(), recoveryIdEndsWithName: one.properties.recoveryId.endsWith("/deletedsecrets/ops-b"), hasPurgeDate: one.properties.scheduledPurgeDate instanceof Date };

await client.purgeDeletedSecret("ops-a");
await (await client.beginRecoverDeletedSecret("ops-b", { intervalInMs: 10 })).pollUntilDone();
out.recover = { value: (await client.getSecret("ops-b")).value, purgedGone: (await failure(client.getDeletedSecret("ops-a"))).status };

const restored = await client.restoreSecretBackup(backup);
const versions = [];
for await (const v of client.listPropertiesOfSecretVersions("ops-a")) versions.push(v.version);
out.restore = {
  name: restored.name, tags: restored.tags, value: (await client.getSecret("ops-a")).value, versions: versions.length,
  again: await failure(client.restoreSecretBackup(backup)),
  corrupt: (await failure(client.restoreSecretBackup(Uint8Array.from([1, 2, 3])))).status,
};

process.stdout.write(JSON.stringify(out));
