// Judge: the official @google-cloud/secret-manager client (REST fallback) updates a secret's labels with an update
// mask and reads clientSpecifiedPayloadChecksum back from version reads; prints what it saw as JSON.
// Usage: node operations.mjs <endpoint> <token> <project>
import secretManager from "@google-cloud/secret-manager";

const { SecretManagerServiceClient } = secretManager;
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
const client = new SecretManagerServiceClient({ fallback: true, apiEndpoint: url.hostname, port: Number(url.port), protocol: url.protocol.replace(":", ""), authClient });
const parent = `projects/${project}`;
const out = {};

const table = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32c = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

const [secret] = await client.createSecret({ parent, secretId: "ops", secret: { replication: { automatic: {} }, labels: { env: "dev", team: "a" } } });
const [updated] = await client.updateSecret({ secret: { name: secret.name, labels: { env: "prod" }, annotations: { owner: "x" } }, updateMask: { paths: ["labels"] } });
out.update = { labels: updated.labels, annotations: updated.annotations, etagChanged: updated.etag !== secret.etag };
try {
  await client.updateSecret({ secret: { name: secret.name, labels: {} }, updateMask: { paths: ["replication"] } });
  out.update.badMask = "no error";
} catch (e) {
  out.update.badMask = e.code;
}

const data = Buffer.from("with-checksum");
const [withChecksum] = await client.addSecretVersion({ parent: secret.name, payload: { data, dataCrc32c: crc32c(data) } });
const [without] = await client.addSecretVersion({ parent: secret.name, payload: { data: Buffer.from("without") } });
const [readWith] = await client.getSecretVersion({ name: withChecksum.name });
const [readWithout] = await client.getSecretVersion({ name: without.name });
const [listed] = await client.listSecretVersions({ parent: secret.name });
out.checksum = {
  added: withChecksum.clientSpecifiedPayloadChecksum, read: readWith.clientSpecifiedPayloadChecksum,
  readWithout: readWithout.clientSpecifiedPayloadChecksum,
  listed: listed.map(v => v.clientSpecifiedPayloadChecksum),
};

process.stdout.write(JSON.stringify(out));
