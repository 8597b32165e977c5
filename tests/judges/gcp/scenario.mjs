// Independent judge: the official @google-cloud/secret-manager client, in its REST ("fallback") mode, runs a scripted
// scenario against the emulator and prints its answers as JSON. Usage:
//   node scenario.mjs <endpoint> <token> <project> <secretId> <listPrefix> <missingId> <nodeId>
// The official client builds every URL, body and int64/base64 encoding and decodes every answer; only the bearer
// header comes from here (an auth client whose fetch adds it, as google-auth-library's clients do).
// The C# test asks the same questions through Secrets.Client.Gcp and compares the answers.
import secretManager from "@google-cloud/secret-manager";

const { SecretManagerServiceClient } = secretManager;
const [endpoint, token, project, secretId, listPrefix, missingId, nodeId] = process.argv.slice(2);
if (!nodeId) {
  console.error("usage: scenario.mjs <endpoint> <token> <project> <secretId> <listPrefix> <missingId> <nodeId>");
  process.exit(2);
}

const url = new URL(endpoint);
const authClient = {
  async getRequestHeaders() {
    return new Headers({ authorization: `Bearer ${token}` });
  },
  async fetch(target, init) {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${token}`);
    const { agent, responseType, ...rest } = init;
    return fetch(target, { ...rest, headers });
  },
};

const client = new SecretManagerServiceClient({
  fallback: true,
  apiEndpoint: url.hostname,
  port: Number(url.port),
  protocol: url.protocol.replace(":", ""),
  authClient,
});

// CRC-32C (Castagnoli), reflected, as Secret Manager's dataCrc32c.
const table = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32c(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

async function failure(promise) {
  try {
    await promise;
    return { code: 0 };
  } catch (e) {
    return { code: e.code ?? null, message: e.message ?? null };
  }
}

const parent = `projects/${project}`;
const secretName = `${parent}/secrets/${secretId}`;
const result = {};

// Reads of what the adapter wrote: latest and version 1.
const [latest] = await client.accessSecretVersion({ name: `${secretName}/versions/latest` });
result.latest = {
  name: latest.name,
  value: Buffer.from(latest.payload.data).toString("utf8"),
  crc32c: String(latest.payload.dataCrc32c),
  crcMatches: Number(latest.payload.dataCrc32c) === crc32c(latest.payload.data),
};
const [pinned] = await client.accessSecretVersion({ name: `${secretName}/versions/1` });
result.pinned = { name: pinned.name, value: Buffer.from(pinned.payload.data).toString("utf8") };
const [latestMeta] = await client.getSecretVersion({ name: `${secretName}/versions/latest` });
result.latestMeta = { name: latestMeta.name, state: String(latestMeta.state) };

// Listing with paging: pages of two, following nextPageToken by hand.
const listed = [];
let pages = 0;
let pageToken;
do {
  const [secrets, next] = await client.listSecrets(
    { parent, pageSize: 2, pageToken, filter: `name:${listPrefix}` },
    { autoPaginate: false },
  );
  pages++;
  for (const s of secrets) listed.push(s.name.split("/").pop());
  pageToken = next?.pageToken;
} while (pageToken);
result.list = { pages, names: listed };

// Write: create a secret with a label, add a checksummed version; the adapter reads it back.
await client.createSecret({
  parent,
  secretId: nodeId,
  secret: { replication: { automatic: {} }, labels: { origin: "node" } },
});
const data = Buffer.from("written-by-node", "utf8");
const [added] = await client.addSecretVersion({ parent: `${parent}/secrets/${nodeId}`, payload: { data, dataCrc32c: crc32c(data) } });
result.added = { name: added.name, state: String(added.state) };
result.badChecksum = await failure(
  client.addSecretVersion({ parent: `${parent}/secrets/${nodeId}`, payload: { data, dataCrc32c: (crc32c(data) + 1) % 2 ** 32 } }),
);

// Disable version 1 of the adapter's secret; reading it must fail with FAILED_PRECONDITION (9).
await client.disableSecretVersion({ name: `${secretName}/versions/1` });
result.disabled = await failure(client.accessSecretVersion({ name: `${secretName}/versions/1` }));

// Not found (5).
result.notFound = await failure(client.accessSecretVersion({ name: `${parent}/secrets/${missingId}/versions/latest` }));

console.log(JSON.stringify(result));
