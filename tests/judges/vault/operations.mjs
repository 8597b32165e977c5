// Judge: node-vault drives the emulator's policies, token creation, metadata writes and merge-patch and prints what
// it saw as JSON. Usage: node operations.mjs <vaultAddr> <rootToken>
import vault from "node-vault";

const [addr, rootToken] = process.argv.slice(2);
const root = vault({ apiVersion: "v1", endpoint: addr.replace(/\/$/, ""), token: rootToken });
const status = async (promise) => {
  try { await promise; return 200; } catch (e) { return e.response?.statusCode ?? null; }
};
const out = {};

await root.write("secret/data/app/db", { data: { user: "u", password: "p1" } });
await root.write("secret/data/other/x", { data: { v: "1" } });
await root.addPolicy({ name: "app", rules: 'path "secret/data/app/*" { capabilities = ["read"] }\npath "secret/data/+/shared" { capabilities = ["read", "update", "create"] }' });
const policy = await root.getPolicy({ name: "app" });
const policies = await root.policies();
out.policies = { listed: policies.policies.includes("app"), rulesKept: policy.rules.includes("secret/data/app/*") };

const created = await root.tokenCreate({ policies: ["app"], ttl: "1h" });
root.token = rootToken; // node-vault adopts the token it created; keep the root client root.
out.token = { policies: created.auth.policies, renewable: created.auth.renewable };
const app = vault({ apiVersion: "v1", endpoint: addr.replace(/\/$/, ""), token: created.auth.client_token });
out.acl = {
  readAllowed: (await app.read("secret/data/app/db")).data.data.password,
  readDenied: await status(app.read("secret/data/other/x")),
  writeDenied: await status(app.write("secret/data/app/db", { data: { user: "x" } })),
  plusSegment: await status(app.write("secret/data/team/shared", { data: { v: "1" } })),
  lookupSelf: await status(app.tokenLookupSelf()),
  escalate: await status(app.tokenCreate({ policies: ["root"] })),
};
app.token = created.auth.client_token;

await root.write("secret/metadata/app/db", { max_versions: 2, custom_metadata: { owner: "team-a" } });
await root.write("secret/data/app/db", { data: { user: "u", password: "p2" } });
await root.write("secret/data/app/db", { data: { user: "u", password: "p3" } });
const metadata = await root.read("secret/metadata/app/db");
out.metadata = {
  maxVersions: metadata.data.max_versions, owner: metadata.data.custom_metadata.owner,
  current: metadata.data.current_version, oldest: metadata.data.oldest_version, kept: Object.keys(metadata.data.versions).length,
};

const patched = await root.update("secret/data/app/db", { data: { password: "p4", user: null, port: 5432 } });
const afterPatch = await root.read("secret/data/app/db");
out.patch = { version: patched.data.version, data: afterPatch.data.data };

process.stdout.write(JSON.stringify(out));
