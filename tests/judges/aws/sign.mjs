// Judge: signs a request with the official @smithy/signature-v4 and prints the Authorization header it computes.
// Input (stdin, JSON): { method, protocol, hostname, port, path, headers: {name: value}, bodyBase64,
//                        accessKeyId, secretAccessKey, sessionToken?, region, service, signingDate (ISO 8601) }
// Output (stdout, JSON): { authorization, bodySha256 }
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";
import { Hash } from "@smithy/hash-node";
import { createHash } from "node:crypto";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const body = Buffer.from(input.bodyBase64 ?? "", "base64");

const signer = new SignatureV4({
  credentials: {
    accessKeyId: input.accessKeyId,
    secretAccessKey: input.secretAccessKey,
    ...(input.sessionToken ? { sessionToken: input.sessionToken } : {}),
  },
  region: input.region,
  service: input.service,
  sha256: Hash.bind(null, "sha256"),
  uriEscapePath: true,
});

const request = new HttpRequest({
  method: input.method,
  protocol: input.protocol ?? "https:",
  hostname: input.hostname,
  port: input.port,
  path: input.path ?? "/",
  headers: { ...input.headers },
  body,
});

const signed = await signer.sign(request, { signingDate: new Date(input.signingDate) });
process.stdout.write(JSON.stringify({
  authorization: signed.headers["authorization"],
  bodySha256: createHash("sha256").update(body).digest("hex"),
}));
