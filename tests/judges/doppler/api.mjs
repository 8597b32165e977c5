// Judge: the official Doppler SDK (@dopplerhq/node-sdk) against a Doppler API (the emulator).
// Usage: node api.mjs <baseUrl> <personalToken> <serviceToken> <project> <config>
// Prints one JSON object with what the SDK saw; errors are caught per scenario and reported as {status, title}.
import { DopplerSDK } from "@dopplerhq/node-sdk";

const [baseUrl, personalToken, serviceToken, project, config] = process.argv.slice(2);
function sdk(token) {
  const client = new DopplerSDK({ accessToken: token });
  client.setBaseUrl(baseUrl.replace(/\/$/, ""));
  return client;
}
const personal = sdk(personalToken);
const service = sdk(serviceToken);
const bad = sdk("dp.st.bad");

async function attempt(action) {
  try {
    return { ok: await action() };
  } catch (error) {
    return { error: { status: error.statusCode ?? null, title: error.title ?? String(error) } };
  }
}

const result = {};
result.projectsPage1 = await attempt(async () => (await personal.projects.list({ page: 1, perPage: 2 })).projects.map((p) => p.slug));
result.projectsPage2 = await attempt(async () => (await personal.projects.list({ page: 2, perPage: 2 })).projects.map((p) => p.slug));
result.configsPage1 = await attempt(async () => (await personal.configs.list(project, { page: 1, perPage: 2 })).configs.map((c) => c.name));
result.configsPage2 = await attempt(async () => (await personal.configs.list(project, { page: 2, perPage: 2 })).configs.map((c) => c.name));
result.config = await attempt(async () => (await service.configs.get(project, config)).config.name);
result.list = await attempt(async () => Object.fromEntries(Object.entries((await service.secrets.list(project, config)).secrets).map(([k, v]) => [k, v.computed])));
result.get = await attempt(async () => (await service.secrets.get(project, config, "STRIPE_KEY")).value.computed);
result.download = await attempt(() => service.secrets.download(project, config, { format: "json" }));
result.missingSecret = await attempt(() => service.secrets.get(project, config, "NO_SUCH_SECRET"));
result.missingConfig = await attempt(() => personal.secrets.download(project, "no_such_config", { format: "json" }));
result.otherConfig = await attempt(() => service.secrets.download(project, "prd", { format: "json" }));
result.badToken = await attempt(() => bad.secrets.download(project, config, { format: "json" }));
console.log(JSON.stringify(result));
