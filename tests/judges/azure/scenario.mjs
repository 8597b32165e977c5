// Independent judge: the official @azure/keyvault-secrets client runs a scripted scenario against the emulator and
// prints its answers as JSON. Usage:
//   NODE_EXTRA_CA_CERTS=emulator.pem node scenario.mjs <vaultUrl> <token> <secretName> <pinnedVersion> <pagedName> <missingName> <nodeName>
// The C# test asks the same questions through Secrets.Client.Azure and compares the answers.
import { SecretClient } from "@azure/keyvault-secrets";

const [vaultUrl, token, secretName, pinnedVersion, pagedName, missingName, nodeName] = process.argv.slice(2);
if (!nodeName) {
  console.error("usage: scenario.mjs <vaultUrl> <token> <secretName> <pinnedVersion> <pagedName> <missingName> <nodeName>");
  process.exit(2);
}

// A TokenCredential: the emulator accepts only the token it issued.
const credential = {
  async getToken() {
    return { token, expiresOnTimestamp: Date.now() + 3600_000 };
  },
};

const client = new SecretClient(vaultUrl, credential, { disableChallengeResourceVerification: true });

async function failure(promise) {
  try {
    await promise;
    return { status: 200 };
  } catch (e) {
    // The client exposes the service's error code and message (not the inner error).
    return { status: e.statusCode ?? null, code: e.code ?? null, message: e.message ?? null };
  }
}

const answers = {};

// Set: a secret written by the judge, read back by the adapter.
const written = await client.setSecret(nodeName, "written-by-node", { contentType: "text/plain", tags: { origin: "node" } });
answers.set = { version: written.properties.version, contentType: written.properties.contentType ?? null };

// Get latest and a pinned version of a secret written by the adapter.
const latest = await client.getSecret(secretName);
answers.latest = { value: latest.value, version: latest.properties.version, contentType: latest.properties.contentType ?? null };
const pinned = await client.getSecret(secretName, { version: pinnedVersion });
answers.pinned = { value: pinned.value, version: pinned.properties.version };

// List versions with paging (small pages, so that nextLink is followed).
const versions = [];
let pages = 0;
for await (const page of client.listPropertiesOfSecretVersions(pagedName).byPage({ maxPageSize: 10 })) {
  pages++;
  for (const item of page) versions.push(item.version);
}
answers.versions = { pages, ids: versions };

// List secrets (names only), following paging.
const names = [];
for await (const item of client.listPropertiesOfSecrets()) {
  if (item.enabled !== false) names.push(item.name);
}
answers.listed = names.sort();

// Disable the latest version, then read it.
await client.updateSecretProperties(secretName, latest.properties.version, { enabled: false });
answers.disabled = await failure(client.getSecret(secretName));

// A secret that does not exist.
answers.notFound = await failure(client.getSecret(missingName));

console.log(JSON.stringify(answers));
