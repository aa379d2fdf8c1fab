// `cargo leptos end-to-end` starts the server and this run at the same time: wait until the
// server answers /healthz before any test starts.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { FullConfig } from "@playwright/test";
import { SMTPServer } from "smtp-server";

/** The site admin the organization tests sign in as, created with the operator CLI. */
export const SITE_ADMIN = { email: "site-admin@example.org", password: "site admin password" };

/** An organization without lu.ma yet, and its admin: the settings tests connect it. */
export const LUMA_ORG = {
  slug: "e2e-luma",
  name: "E2E Meetup",
  admin: { email: "org-admin@example.org", password: "org admin password" },
  // The fake lu.ma serves end2end/fixtures/ with this key (see e2e-calendar.json).
  apiKey: "e2e-key-settings-4242",
  calendarName: "E2E Calendar",
};

/** An organization without Luma Plus, with the same admin: the iCal test imports its feed. */
export const ICAL_ORG = { slug: "e2e-ical", name: "E2E Feed Club" };

/** Where the run's SMTP server writes each message it receives (one `.eml` file each). */
export const MAIL_DIR = path.resolve(__dirname, "..", process.env.CONVENE_E2E_MAIL_DIR ?? "target/e2e/mail");

const WAIT_MS = 180_000;

export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0].use.baseURL;
  const deadline = Date.now() + WAIT_MS;
  let lastError = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseURL}/healthz`);
      if (response.ok) {
        createSiteAdmin();
        createLumaOrganization();
        const fake = await startFakeLuma();
        const mail = await startMailReceiver();
        // Playwright runs the returned function after the last test.
        return async () => {
          fake.kill();
          await new Promise<void>((resolve) => mail.close(() => resolve()));
        };
      }
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`server at ${baseURL} did not become healthy in ${WAIT_MS / 1000}s: ${lastError}`);
}

// Same binary and store as the server under test (the Makefile's environment names the store
// and the build: the suite runs on the release build, whose byte budgets it checks).
const targetDir = process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, "..", "target");
const convene = path.join(targetDir, process.env.CONVENE_E2E_PROFILE ?? "debug", "convene");
const projectDir = path.resolve(__dirname, "..");

function run(args: string[], extraEnv: Record<string, string> = {}) {
  execFileSync(convene, args, { env: { ...process.env, ...extraEnv }, cwd: projectDir, stdio: "inherit" });
}

function createSiteAdmin() {
  run(["user", "add", "--email", SITE_ADMIN.email, "--name", "Site Admin", "--site-admin"], {
    CONVENE_PASSWORD: SITE_ADMIN.password,
  });
}

function createLumaOrganization() {
  run(["user", "add", "--email", LUMA_ORG.admin.email, "--name", "Olga Admin"], {
    CONVENE_PASSWORD: LUMA_ORG.admin.password,
  });
  run(["org", "add", "--slug", LUMA_ORG.slug, "--name", LUMA_ORG.name, "--description", "Connected in the browser tests"]);
  run(["member", "add", "--org", LUMA_ORG.slug, "--email", LUMA_ORG.admin.email, "--admin"]);
  run(["org", "add", "--slug", ICAL_ORG.slug, "--name", ICAL_ORG.name, "--description", "Imports its iCal feed"]);
  run(["member", "add", "--org", ICAL_ORG.slug, "--email", LUMA_ORG.admin.email, "--admin"]);
}

/** `convene fake-luma` on the port the server's LUMA_API_BASE names; resolves once it serves. */
async function startFakeLuma(): Promise<ChildProcess> {
  const base = process.env.LUMA_API_BASE;
  if (!base) throw new Error("LUMA_API_BASE must name the fake lu.ma's address (the Makefile sets it)");
  const port = new URL(base).port;
  const fake = spawn(convene, ["fake-luma", "--port", port, "--fixtures", "end2end/fixtures"], {
    cwd: projectDir,
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    fake.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("LUMA_API_BASE=")) resolve();
    });
    fake.on("exit", (code) => reject(new Error(`convene fake-luma exited with ${code}: ${output}`)));
  });
  return fake;
}

/**
 * A real SMTP server (npm's smtp-server) on the port CONVENE_SMTP_URL names: the server under
 * test sends its mail here, and each message lands as one file in MAIL_DIR, where the tests (in
 * other processes) read it as the person it is addressed to would.
 */
async function startMailReceiver(): Promise<SMTPServer> {
  const url = process.env.CONVENE_SMTP_URL;
  if (!url) throw new Error("CONVENE_SMTP_URL must name the run's SMTP server (the Makefile sets it)");
  const dir = MAIL_DIR;
  fs.mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    size: 1024 * 1024,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        count += 1;
        const name = `${String(count).padStart(5, "0")}.eml`;
        // Written whole, then renamed: a reader never sees half a message.
        fs.writeFileSync(path.join(dir, `${name}.part`), Buffer.concat(chunks));
        fs.renameSync(path.join(dir, `${name}.part`), path.join(dir, name));
        callback();
      });
    },
  });
  const { hostname, port } = new URL(url);
  await new Promise<void>((resolve, reject) => {
    server.on("error", reject);
    server.listen(Number(port), hostname, () => resolve());
  });
  return server;
}
