// `cargo leptos end-to-end` starts the server and this run at the same time: wait until the
// server answers /healthz before any test starts.
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { FullConfig } from "@playwright/test";

/** The site admin the organization tests sign in as, created with the operator CLI. */
export const SITE_ADMIN = { email: "site-admin@example.org", password: "site admin password" };

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
        return;
      }
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`server at ${baseURL} did not become healthy in ${WAIT_MS / 1000}s: ${lastError}`);
}

// Same binary and store as the server under test (the Makefile's environment names the store).
function createSiteAdmin() {
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, "..", "target");
  const convene = path.join(targetDir, "debug", "convene");
  execFileSync(
    convene,
    ["user", "add", "--email", SITE_ADMIN.email, "--name", "Site Admin", "--site-admin"],
    { env: { ...process.env, CONVENE_PASSWORD: SITE_ADMIN.password }, cwd: path.resolve(__dirname, ".."), stdio: "inherit" },
  );
}
