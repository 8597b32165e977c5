// Independent judge: the node-vault client (npm) runs a scripted scenario against the Vault emulator and prints its
// answers as JSON. Usage:
//   node scenario.mjs <vaultAddr> <roleId> <secretId> <k8sRole> <k8sJwt> <mount> <folder> <secretName> <pinnedVersion> <missingName> <nodeName>
// The C# test asks the same questions through Secrets.Client.Vault and compares the answers.
import vault from "node-vault";

const [addr, roleId, secretId, k8sRole, jwt, mount, folder, secretName, pinnedVersion, missingName, nodeName] = process.argv.slice(2);
if (!nodeName) {
  console.error("usage: scenario.mjs <vaultAddr> <roleId> <secretId> <k8sRole> <k8sJwt> <mount> <folder> <secretName> <pinnedVersion> <missingName> <nodeName>");
  process.exit(2);
}

const client = vault({ apiVersion: "v1", endpoint: addr.replace(/\/$/, ""), token: "" });

async function failure(promise) {
  try {
    await promise;
    return { status: 200 };
  } catch (e) {
    return { status: e.response?.statusCode ?? null, message: e.message ?? null };
  }
}

const answers = {};

// AppRole login: node-vault keeps the token it gets.
const login = await client.approleLogin({ role_id: roleId, secret_id: secretId });
answers.approle = { lease: login.auth.lease_duration, renewable: login.auth.renewable, tokenSet: client.token === login.auth.client_token };

// Write: a version written by the judge, read back by the adapter.
const written = await client.write(`${mount}/data/${folder}/${nodeName}`, { data: { written: "by-node", n: "1" } });
answers.set = { version: written.data.version };

// Read latest and a pinned version of a secret written by the adapter.
const latest = await client.read(`${mount}/data/${folder}/${secretName}`);
answers.latest = { data: latest.data.data, version: latest.data.metadata.version };
const pinned = await client.read(`${mount}/data/${folder}/${secretName}?version=${pinnedVersion}`);
answers.pinned = { data: pinned.data.data, version: pinned.data.metadata.version };

// Metadata: the current version number, the change token.
const metadata = await client.read(`${mount}/metadata/${folder}/${secretName}`);
answers.metadata = { currentVersion: metadata.data.current_version, versions: Object.keys(metadata.data.versions).sort() };

// List (one level, LIST verb).
const listed = await client.list(`${mount}/metadata/${folder}/`);
answers.listed = listed.data.keys;

// A secret that does not exist.
answers.notFound = await failure(client.read(`${mount}/data/${folder}/${missingName}`));

// Kubernetes login, then read again with the new token.
// node-vault renders the default mount from the call's arguments, not its config: name the mount.
const k8s = await client.kubernetesLogin({ mount_point: "kubernetes", role: k8sRole, jwt });
const again = await client.read(`${mount}/data/${folder}/${secretName}`);
answers.kubernetes = { lease: k8s.auth.lease_duration, tokenSet: client.token === k8s.auth.client_token, version: again.data.metadata.version };

// A bad Kubernetes JWT is refused.
answers.badJwt = await failure(client.kubernetesLogin({ mount_point: "kubernetes", role: k8sRole, jwt: "not-the-jwt" }));

console.log(JSON.stringify(answers));
