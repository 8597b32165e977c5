// Judge: the official 1Password Connect SDK (@1password/connect) against a Connect server (the emulator).
// Usage: node connect.mjs <serverURL> <token> <vaultName> <itemTitle> <fileName>
// Prints one JSON object with what the SDK saw; errors are caught per scenario and reported as {status, message}.
import connect from "@1password/connect";

const [serverURL, token, vaultName, itemTitle, fileName] = process.argv.slice(2);
const op = connect.OnePasswordConnect({ serverURL, token, keepAlive: false });
const bad = connect.OnePasswordConnect({ serverURL, token: "not-the-token", keepAlive: false });

async function attempt(action) {
  try {
    return { ok: await action() };
  } catch (error) {
    return { error: { status: error.status ?? null, message: error.message ?? String(error) } };
  }
}

const result = {};
result.vaults = await attempt(async () => (await op.listVaults()).map((v) => v.name).sort());
const vault = await op.getVault(vaultName);
result.vaultByTitle = { name: vault.name, idLooksRight: /^[a-z0-9]{26}$/.test(vault.id) };
result.vaultById = await attempt(async () => (await op.getVaultById(vault.id)).name);
result.items = await attempt(async () => (await op.listItems(vault.id)).map((i) => i.title).sort());
const item = await op.getItemByTitle(vault.id, itemTitle);
result.itemByTitle = {
  title: item.title,
  version: item.version,
  fields: Object.fromEntries(item.fields.map((f) => [(f.section ? (item.sections.find((s) => s.id === f.section.id)?.label ?? "?") + "." : "") + f.label, f.value])),
};
result.itemById = await attempt(async () => (await op.getItem(vault.id, item.id)).title);
result.itemsByTitleContains = await attempt(async () => (await op.listItemsByTitleContains(vault.id, itemTitle.slice(0, 3))).map((i) => i.title).sort());
result.otp = await attempt(() => op.getItemOTP(vault.id, itemTitle));
result.files = await attempt(async () => (await op.listFiles(vaultName, itemTitle)).map((f) => ({ name: f.name, size: f.size })));
const files = await op.listFiles(vaultName, itemTitle);
const file = files.find((f) => f.name === fileName);
result.fileById = await attempt(async () => (await op.getFileById(vaultName, itemTitle, file.id)).name);
result.fileContent = await attempt(() => op.getFileContent(vaultName, itemTitle, file.id));
result.missingItem = await attempt(() => op.getItemByTitle(vault.id, "no-such-item"));
result.missingItemId = await attempt(() => op.getItemById(vault.id, "abcdefghijklmnopqrstuvwxyz"));
result.missingVault = await attempt(() => op.getVaultByTitle("no-such-vault"));
result.badToken = await attempt(() => bad.listVaults());
console.log(JSON.stringify(result));
